// Chromium driven by playwright-core for the console's browser tests and its screenshot script:
// each page records its console errors and failed requests, and can be checked with axe-core.
import { createRequire } from 'node:module';
import { type Browser, chromium, type Page } from 'playwright-core';
import { findChromium } from '../../scripts/find-browser.mjs';

const axeSource: string = createRequire(import.meta.url)('axe-core').source;

export async function launchChromium(): Promise<Browser> {
  const executablePath = findChromium();
  if (!executablePath) throw new Error('No Chromium: see scripts/find-browser.mjs');
  return chromium.launch({ executablePath, headless: true });
}

export interface WatchedPage {
  page: Page;
  /** Console errors and uncaught exceptions, in order. */
  errors: string[];
}

/** A new page (its own context: its own cookies and storage) that records what went wrong in it. */
export async function openPage(
  browser: Browser,
  viewport = { width: 1280, height: 900 },
): Promise<WatchedPage> {
  // axe-core is injected as an inline script, which the console's Content-Security-Policy forbids
  // (rightly): the test pages lift the policy for themselves, which changes nothing the app does.
  const context = await browser.newContext({ viewport, bypassCSP: true });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
  // The console's "Failed to load resource" line does not say which: the failed answer does.
  page.on('response', (response) => {
    if (response.status() >= 400)
      errors.push(`answer: ${response.status()} ${response.request().method()} ${response.url()}`);
  });
  return { page, errors };
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/** axe-core's violations of impact serious or critical on the page as it is now. */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ content: axeSource });
  const violations = await page.evaluate(async () => {
    const axe = (
      globalThis as unknown as {
        axe: {
          run: (
            context: unknown,
            options: unknown,
          ) => Promise<{
            violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[];
          }>;
        };
      }
    ).axe;
    const result = await axe.run('html', { resultTypes: ['violations'] });
    return result.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      targets: violation.nodes.map((node) => node.target.join(' ')),
    }));
  });
  return violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
}

/** Waits until the console has no API call in flight: the view shows what it loaded. */
export async function settled(page: Page): Promise<void> {
  await page.locator('body[data-pending="0"]').waitFor({ state: 'attached' });
}
