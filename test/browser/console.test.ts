// The browser console in a real Chromium (headless, driven by playwright-core) against the real
// local system on dynalite: each view, the explorer's round trip to its trace and IAM decision, the
// log line back to its trace, a table edit seen through the API, a fault switch, and the refusals.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Locator } from 'playwright-core';
import { type LocalSystem, startLocalSystem } from '#local/start-local-system.ts';
import { DEFAULT_SERVICES_DIR, PROJECT_ROOT } from '#src/declaration/load-services.ts';
import { launchChromium, openPage, seriousViolations, settled, type WatchedPage } from './browser.ts';

const VIEWS = [
  ['Overview', 'Overview'],
  ['API explorer', 'API explorer'],
  ['Traces', 'Traces'],
  ['Logs', 'Logs'],
  ['Tables', 'Tables'],
  ['Faults and switches', 'Faults and switches'],
] as const;

describe('the browser console', () => {
  let system: LocalSystem;
  let browser: Browser;
  let dataDir: string;
  let origin: string;
  let consoleUrl: string;
  let adminToken: string;
  let productsTable: string;

  /** A page that has opened the printed URL (so it holds the secret's cookie), at a view. */
  async function consolePage(view = 'overview'): Promise<WatchedPage> {
    const watched = await openPage(browser);
    await watched.page.goto(consoleUrl);
    await watched.page.goto(`${origin}/_local/console/#/${view}`);
    await watched.page.locator('main h1').first().waitFor();
    return watched;
  }

  const api = (route: string, init: RequestInit = {}) =>
    fetch(`${origin}${route}`, {
      ...init,
      headers: { authorization: adminToken, 'content-type': 'application/json', ...init.headers },
    });

  async function createProduct(name: string): Promise<string> {
    const created = await api('/products', { method: 'POST', body: JSON.stringify({ name, price: 3 }) });
    assert.equal(created.status, 201);
    return ((await created.json()) as { id: string }).id;
  }

  before(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'sm-console-'));
    system = await startLocalSystem({
      port: 0,
      engine: 'dynalite',
      dataDir,
      inMemory: false,
      // The console server's probe service: one of its functions makes a call its policy denies.
      servicesDirs: [DEFAULT_SERVICES_DIR, path.join(PROJECT_ROOT, 'test/fixtures/console-services')],
      logLevel: 'INFO',
      logSink: { write: () => {} },
      throttle: false,
      notice: () => {},
      console: {},
    });
    assert.ok(system.console, 'the console is on');
    consoleUrl = system.console.url;
    origin = new URL(consoleUrl).origin;
    adminToken = await system.userPool.mint({ user: 'console-test-admin', groups: ['admin'] });
    const { tables } = (await (
      await fetch(`${origin}/_local/console/api/tables`, {
        headers: { 'x-console-secret': system.console.secret },
      })
    ).json()) as { tables: { name: string }[] };
    const products = tables.find((table) => table.name.includes('products'));
    assert.ok(products, 'a products table');
    productsTable = products.name;
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await system?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  test('an explorer request round-trips as the chosen user and its trace shows the DynamoDB call with its IAM decision', async () => {
    const { page, errors } = await consolePage('explorer');
    // The form points out what the schema requires before anything is sent.
    await page.getByLabel('Route').selectOption('GET /products/{id}');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByText('id: required.').waitFor();
    assert.equal(await page.getByRole('heading', { name: /Response:/ }).count(), 0);

    await page.getByLabel('Route').selectOption('POST /products');
    await page.getByLabel('User (empty: anonymous)').fill('console-explorer');
    await page.getByLabel('Groups (comma-separated)').fill('admin');
    await page.getByLabel('Body (JSON)').fill(JSON.stringify({ name: 'Explorer mug', price: 4 }));
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByRole('heading', { name: /Response: 201/ }).waitFor();
    assert.match(await text(page.locator('pre.body')), /"name": "Explorer mug"/);
    // The same request for a terminal and for a script.
    await page.getByText('As curl').click();
    assert.match(await text(page.locator('.snippet pre').first()), /^curl -i -X POST '.*\/products'/);
    await page.getByText('As a typed-client call').click();
    assert.match(
      await text(page.locator('.snippet pre').nth(1)),
      /client\.api\.POST\("\/products", \{ body: /,
    );
    // The request is kept in the history, which outlives the page.
    await page.reload();
    await page.getByRole('button', { name: 'POST /products' }).waitFor();

    await page.getByRole('button', { name: 'POST /products' }).click();
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByRole('link', { name: 'View its trace' }).click();
    await page.getByRole('heading', { name: 'POST /products → 201' }).waitFor();
    const dynamoRow = page.locator('.waterfall li', { hasText: 'DynamoDB.' }).first();
    assert.match(await text(dynamoRow), /IAM allow/);
    await dynamoRow.getByRole('link').click();
    await page.getByRole('heading', { name: 'IAM decision: allow' }).waitFor();
    assert.match(await text(page.locator('.iam')), /Statement that matched/);
    assert.match(await text(page.locator('.waterfall')), /gateway[\s\S]*invoke /);
    assert.deepEqual(errors, []);
  });

  test('a denied DynamoDB call is explained in its trace: the missing permission and the grant to paste', async () => {
    const answer = await fetch(`${origin}/console-probe/denied-1`);
    assert.equal(answer.status, 200);
    const { page, errors } = await consolePage('traces');
    await page.locator('table.traces a', { hasText: 'GET /console-probe/denied-1' }).first().click();
    // A trace with a denial opens on the denied call.
    await page.getByRole('heading', { name: 'IAM decision: deny' }).waitFor();
    const explained = await text(page.locator('.iam'));
    assert.match(explained, /Missing: dynamodb:Query on arn:aws:dynamodb:[^ ]+:table\/console-probe/);
    assert.match(explained, /actions: \['dynamodb:GetItem', 'dynamodb:Query'\]/);
    await page.getByRole('button', { name: 'Copy the grant' }).waitFor();
    assert.deepEqual(errors, []);
  });

  test('a log line links back to the trace of its request, and the saved query for that request runs on the kept logs', async () => {
    await createProduct('Logged mug');
    const { page, errors } = await consolePage('traces');
    await page.locator('table.traces a', { hasText: 'POST /products' }).first().click();
    // The loaded trace's own heading (while it loads the view shows a plain "Trace").
    const title = page.locator('#trace-title');
    await title.waitFor();
    const heading = await text(title);
    await page.getByRole('link', { name: 'Log lines of this request' }).click();
    await page.getByRole('heading', { name: 'Logs' }).waitFor();
    // The stack's saved queries run here on the kept logs; the one for a request takes its id.
    await page.getByRole('button', { name: 'Run oneRequest' }).click();
    await page.getByRole('table', { name: /^oneRequest: [1-9]\d* rows?$/ }).waitFor();
    const toTrace = page.locator('.log-lines').getByRole('link', { name: 'trace' }).first();
    await toTrace.click();
    await page.getByRole('heading', { name: heading, exact: true }).waitFor();
    assert.deepEqual(errors, []);
  });

  test('an item edited in the tables view is what the API then serves', async () => {
    const id = await createProduct('Mug before the edit');
    const { page, errors } = await consolePage(`tables/${productsTable}`);
    await page.getByLabel('id (partition key)').fill(id);
    await page.getByRole('button', { name: 'Query' }).click();
    await page.getByRole('button', { name: `Edit item ${JSON.stringify({ id })}` }).click();
    const editor = page.getByLabel('Item (JSON)');
    const item = JSON.parse(await editor.inputValue()) as Record<string, unknown>;
    assert.match(await text(page.locator('.editor')), /KB of 400 KB/);
    await editor.fill(JSON.stringify({ ...item, name: 'Mug after the edit' }));
    await page.getByRole('button', { name: 'Save item' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    const read = await api(`/products/${id}`);
    assert.equal(read.status, 200);
    assert.equal(((await read.json()) as { name: string }).name, 'Mug after the edit');
    assert.deepEqual(errors, []);
  });

  test('a fault switched on in the console turns a request into a 503, and off again', async () => {
    const { page, errors } = await consolePage('switches');
    await page.getByLabel('Kind').selectOption('throttle');
    await page.getByLabel('Target').selectOption(`table:${productsTable}`);
    await page.getByLabel('Share of calls (%)').fill('100');
    await page.getByRole('button', { name: 'Add fault' }).click();
    const remove = page.getByRole('button', { name: `Remove the throttle fault on table:${productsTable}` });
    await remove.waitFor();
    assert.equal((await api('/products')).status, 503);
    await remove.click();
    await page.getByText('No fault is injected.').waitFor();
    assert.equal((await api('/products')).status, 200);
    assert.deepEqual(errors, []);
  });

  test('a console call without the secret, or from another origin, is refused and changes nothing', async () => {
    const secret = system.console?.secret ?? '';
    const noSecret = await fetch(`${origin}/_local/console/api/overview`);
    assert.equal(noSecret.status, 401);
    assert.match(noSecret.headers.get('content-type') ?? '', /application\/problem\+json/);
    const foreign = await fetch(`${origin}/_local/console/api/faults`, {
      method: 'POST',
      headers: {
        'x-console-secret': secret,
        origin: 'http://attacker.example',
        'content-type': 'application/json',
      },
      body: JSON.stringify({ kind: 'error', percent: 100 }),
    });
    assert.equal(foreign.status, 403);

    // A page of another origin on this machine, in the same browser that holds the console's cookie.
    const { page } = await consolePage('switches');
    const other = await servePage('<!doctype html><title>other</title>');
    try {
      await page.goto(other.url);
      await page.evaluate(async (target) => {
        await fetch(target, {
          method: 'POST',
          mode: 'no-cors',
          credentials: 'include',
          headers: { 'content-type': 'text/plain' },
          body: JSON.stringify({ kind: 'error', percent: 100 }),
        }).catch(() => undefined);
      }, `${origin}/_local/console/api/faults`);
    } finally {
      await new Promise((resolve) => other.server.close(resolve));
    }
    const switches = await fetch(`${origin}/_local/console/api/switches`, {
      headers: { 'x-console-secret': secret },
    });
    assert.deepEqual(((await switches.json()) as { faults: unknown[] }).faults, []);
  });

  test('each view loads with no console error and no serious or critical axe violation', async () => {
    const { page, errors } = await consolePage('overview');
    for (const [link, heading] of VIEWS) {
      await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: link }).click();
      await page.getByRole('heading', { level: 1, name: heading }).waitFor();
      await settled(page);
      assert.deepEqual(await seriousViolations(page), [], `${link}: no violation`);
    }
    await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Traces' }).click();
    await page.locator('table.traces a').first().click();
    await page.locator('.waterfall li').first().waitFor();
    assert.deepEqual(await seriousViolations(page), [], 'a trace: no violation');
    assert.deepEqual(errors, []);
  });

  test('the views can be reached and used from the keyboard alone', async () => {
    const { page } = await consolePage('overview');
    // A view's heading takes the focus when it opens; the views' links are just before it.
    await page.locator('main h1:focus').waitFor();
    let focused = '';
    for (let step = 0; step < 10 && focused !== 'Traces'; step++) {
      await page.keyboard.press('Shift+Tab');
      focused = (await page.locator(':focus').textContent()) ?? '';
    }
    assert.equal(focused, 'Traces');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Traces' }).waitFor();
    await page.locator('main h1:focus').waitFor();
    // Forward from the heading: the filters, each with its label.
    await page.keyboard.press('Tab');
    assert.equal(await page.locator(':focus').getAttribute('id'), 'trace-route');
  });

  test('with 10,000 traces kept the list shows one page at a time and live traces still arrive', async () => {
    const tracer = system.console?.tracer;
    assert.ok(tracer);
    // Ten thousand real requests would take minutes on a shared machine: the ring is filled with
    // traces of that shape directly, and everything after it (the API, the page) is the real one.
    const now = Date.now();
    for (let index = 0; index < 10_000; index++) {
      const traceId = index.toString(16).padStart(32, '0');
      tracer.ring.add({
        traceId,
        summary: {
          traceId,
          requestId: `kept-${index}`,
          method: 'GET',
          path: `/products/kept-${index}`,
          route: '/products/{id}',
          status: 200,
          startTime: now - (10_000 - index) * 1000,
          durationMs: 5,
        },
        spans: [],
      });
    }
    const { page, errors } = await consolePage('traces');
    await page.getByText('10000 traces').waitFor();
    assert.equal(await page.locator('table.traces tbody tr').count(), 100);
    await page.getByText('Page 1 of 100').waitFor();
    await page.getByRole('button', { name: 'Older' }).click();
    await page.getByText('Page 2 of 100').waitFor();
    await page.getByRole('button', { name: 'Newer' }).click();
    await createProduct('Live mug');
    // The ring is full: the live trace comes first and the oldest leaves the list.
    await page.locator('table.traces tbody tr').first().filter({ hasText: 'POST /products' }).waitFor();
    await page.getByText('10000 traces').waitFor();
    assert.deepEqual(errors, []);
  });
});

async function servePage(html: string): Promise<{ server: Server; url: string }> {
  const server = createServer((_, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

const text = async (locator: Locator): Promise<string> => (await locator.textContent()) ?? '';
