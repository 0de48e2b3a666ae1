// Regenerates the console's screenshots in docs/images/console-<view>.png (`npm run console:screenshots`):
// starts the local system on dynalite in a scratch folder, sends a few requests so that every view
// has something to show, and photographs each view in headless Chromium.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startLocalSystem } from '#local/start-local-system.ts';
import { launchChromium, openPage, settled } from '../test/browser/browser.ts';

const USAGE = `Usage: npm run console:screenshots

Starts the local system (dynalite, a scratch data folder), sends a few requests, and writes a
screenshot of each console view to docs/images/console-<view>.png. Needs Chromium (see
scripts/find-browser.mjs).`;

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  console.log(USAGE);
  process.exit(0);
}
if (process.argv.length > 2) {
  console.error(`Unknown option ${process.argv[2]}\n\n${USAGE}`);
  process.exit(2);
}

const imagesDir = path.join(import.meta.dirname, '..', 'docs', 'images');
const dataDir = await mkdtemp(path.join(os.tmpdir(), 'sm-screenshots-'));
const system = await startLocalSystem({
  port: 0,
  engine: 'dynalite',
  dataDir,
  inMemory: false,
  logLevel: 'INFO',
  logSink: { write: () => {} },
  throttle: false,
  notice: () => {},
  console: {},
});
const browser = await launchChromium();
try {
  if (!system.console) throw new Error('The console did not start');
  const consoleUrl = system.console.url;
  const origin = new URL(consoleUrl).origin;
  const token = await system.userPool.mint({ user: 'ada', groups: ['admin'] });
  const api = (route: string, init: RequestInit = {}) =>
    fetch(`${origin}${route}`, {
      ...init,
      headers: { authorization: token, 'content-type': 'application/json', ...init.headers },
    });
  const ids: string[] = [];
  for (const [name, price] of [
    ['Mug', 3],
    ['Teapot', 18],
    ['Saucer', 2],
  ] as const) {
    const created = await api('/products', { method: 'POST', body: JSON.stringify({ name, price }) });
    ids.push(((await created.json()) as { id: string }).id);
  }
  await api('/products');
  await api(`/products/${ids[0]}`);
  await api('/products/missing-one');

  await mkdir(imagesDir, { recursive: true });
  const { page, errors } = await openPage(browser, { width: 1280, height: 860 });
  await page.goto(consoleUrl);
  const shoot = async (view: string, name: string) => {
    await page.goto(`${origin}/_local/console/#/${view}`);
    await page.locator('main h1').first().waitFor();
    await settled(page);
    await page.screenshot({ path: path.join(imagesDir, `console-${name}.png`) });
    console.log(`docs/images/console-${name}.png`);
  };
  await shoot('overview', 'overview');
  await shoot('traces', 'traces');
  // The trace of the first create: its waterfall with the DynamoDB call and its IAM decision.
  await page.locator('table.traces a', { hasText: 'POST /products' }).last().click();
  await page.locator('.waterfall li', { hasText: 'DynamoDB.' }).first().getByRole('link').click();
  await page.locator('.iam').waitFor();
  await settled(page);
  await page.screenshot({ path: path.join(imagesDir, 'console-trace.png') });
  console.log('docs/images/console-trace.png');
  await shoot('logs', 'logs');
  // A table with its items, one of them open in the editor with its size against the limit.
  await page.goto(`${origin}/_local/console/#/tables/products`);
  await page
    .getByRole('button', { name: /^Edit item/ })
    .first()
    .click();
  await page.getByLabel('Item (JSON)').waitFor();
  await settled(page);
  await page.screenshot({ path: path.join(imagesDir, 'console-tables.png'), fullPage: true });
  console.log('docs/images/console-tables.png');
  await shoot('switches', 'switches');
  await shoot('explorer', 'explorer');
  await page.getByLabel('Route').selectOption('GET /products/{id}');
  await page.getByLabel('User (empty: anonymous)').fill('ada');
  await page.getByLabel('id', { exact: true }).fill(ids[0] ?? '');
  await page.getByRole('button', { name: 'Send' }).click();
  await page.getByRole('heading', { name: /Response: 200/ }).waitFor();
  await settled(page);
  // The whole page: the answer is below the form.
  await page.screenshot({ path: path.join(imagesDir, 'console-explorer.png'), fullPage: true });
  if (errors.length > 0) throw new Error(`The console logged errors:\n${errors.join('\n')}`);
} finally {
  await browser.close();
  await system.stop();
  await rm(dataDir, { recursive: true, force: true });
}
