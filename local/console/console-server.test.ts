import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { DEFAULT_API_SETTINGS } from '#src/declaration/api-settings.ts';
import { DEFAULT_SERVICES_DIR, PROJECT_ROOT } from '#src/declaration/load-services.ts';
import { type LocalSystem, startLocalSystem } from '../start-local-system.ts';
import type { Span, Trace, TraceSummary } from '../tracing/trace-model.ts';

// One system for the file, on dynalite (a real engine, in this process), with a services folder
// that adds a function whose Query the guard denies, and an OTLP collector on loopback.
const RING = 40;
let system: LocalSystem;
let dataDir: string;
let collector: Server;
const exported: { name: string; traceId: string }[] = [];
const exportWaiters: (() => void)[] = [];

before(async () => {
  collector = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      // The OTLP/HTTP exporter sends JSON: resourceSpans → scopeSpans → spans.
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        resourceSpans: { scopeSpans: { spans: { name: string; traceId: string }[] }[] }[];
      };
      for (const r of body.resourceSpans)
        for (const s of r.scopeSpans) for (const span of s.spans) exported.push(span);
      for (const wake of exportWaiters.splice(0)) wake();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  const { port } = collector.address() as AddressInfo;
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'sm-console-'));
  system = await startLocalSystem({
    port: 0,
    engine: 'dynalite',
    dataDir,
    inMemory: false,
    logLevel: 'INFO',
    logSink: { write() {} },
    servicesDirs: [DEFAULT_SERVICES_DIR, path.join(PROJECT_ROOT, 'test/fixtures/console-services')],
    // Throttling starts off; the console's switch turns on a stage allowing one request, never refilled.
    throttle: false,
    api: { ...DEFAULT_API_SETTINGS, throttlingRateLimit: 1, throttlingBurstLimit: 1 },
    throttleClock: () => 0,
    notice: () => {},
    console: { traces: RING, otlpUrl: `http://127.0.0.1:${port}/v1/traces` },
  });
});

after(async () => {
  await system?.stop();
  await new Promise<void>((resolve) => (collector ? collector.close(() => resolve()) : resolve()));
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

const secret = () => system.console?.secret ?? '';
const api = (route: string, init: RequestInit = {}) =>
  fetch(`${system.url}/_local/console/api/${route}`, {
    ...init,
    headers: { 'x-console-secret': secret(), 'content-type': 'application/json', ...init.headers },
  });
const json = async <T>(response: Response): Promise<T> => {
  assert.ok(response.ok, `${response.status} ${await response.clone().text()}`);
  return (await response.json()) as T;
};

/** Polls `check` until it gives a value: for things written asynchronously (log files). */
async function eventually<T>(check: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`never saw ${what}`);
}

async function traceOf(requestId: string): Promise<Trace> {
  const { traces } = await json<{ traces: TraceSummary[] }>(await api(`traces?limit=${RING}`));
  const summary = traces.find((t) => t.requestId === requestId);
  assert.ok(summary, `a trace for request ${requestId}`);
  return json<Trace>(await api(`traces/${summary.traceId}`));
}

const spanNamed = (trace: Trace, name: string): Span => {
  const span = trace.spans.find((s) => s.name === name);
  assert.ok(span, `a ${name} span in ${trace.spans.map((s) => s.name).join(', ')}`);
  return span;
};

async function adminToken(): Promise<string> {
  const { token } = await json<{ token: string }>(
    await api('tokens', {
      method: 'POST',
      body: JSON.stringify({ username: 'console-admin', groups: ['admin'] }),
    }),
  );
  return token;
}

function rawGet(url: string, headers: Record<string, string>): Promise<{ status: number; type: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers }, (res) => {
      res.resume();
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']) }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

test('the console API refuses a request without the secret, with a wrong one, from a foreign origin or host', async () => {
  const overview = `${system.url}/_local/console/api/overview`;
  const none = await fetch(overview);
  assert.equal(none.status, 401);
  assert.equal(none.headers.get('content-type'), 'application/problem+json');
  assert.equal((await fetch(overview, { headers: { 'x-console-secret': 'wrong' } })).status, 401);
  assert.equal((await fetch(overview, { headers: { cookie: 'console_secret=wrong' } })).status, 401);
  // A page on another loopback port is the same site: its requests carry the cookie, and are refused.
  const otherPort = await fetch(overview, {
    headers: { 'x-console-secret': secret(), origin: 'http://localhost:5173' },
  });
  assert.equal(otherPort.status, 403);
  const foreign = await fetch(overview, {
    headers: { 'x-console-secret': secret(), origin: 'https://evil.example' },
  });
  assert.equal(foreign.status, 403);
  const badHost = await rawGet(overview, {
    'x-console-secret': secret(),
    host: `evil.example:${system.port}`,
  });
  assert.ok(badHost.status === 400 || badHost.status === 403, String(badHost.status));
  assert.equal((await fetch(`${system.url}/_local/console/`)).status, 401, 'the app needs the secret too');
});

test('the printed URL sets a SameSite=Strict cookie that opens the app and its API', async () => {
  assert.ok(system.console?.url.startsWith(`${system.url}/_local/console/?secret=`));
  const first = await fetch(system.console?.url ?? '', { redirect: 'manual' });
  assert.equal(first.status, 303);
  assert.equal(first.headers.get('location'), '/_local/console/');
  const cookie = first.headers.get('set-cookie') ?? '';
  assert.match(cookie, /^console_secret=[^;]+; HttpOnly; SameSite=Strict; Path=\/_local\/console$/);
  const jar = cookie.split(';')[0] ?? '';
  const page = await fetch(`${system.url}/_local/console/`, { headers: { cookie: jar } });
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
  assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'self'/);
  const overview = await fetch(`${system.url}/_local/console/api/overview`, {
    headers: { cookie: jar, origin: system.url },
  });
  assert.equal(overview.status, 200);
});

test('the overview lists routes with their access, and functions with their exact permissions', async () => {
  const overview = await json<{
    services: {
      name: string;
      routes: { method: string; path: string; access: string; function: string }[];
    }[];
    functions: {
      name: string;
      memoryMb: number;
      runtime: string;
      permissions: { actions: string[]; resources: string[] }[];
      unusedPermissions: { action: string; resource: string }[];
    }[];
    tables: { name: string; partitionKey: string; indexes: { name: string }[] }[];
  }>(await api('overview'));
  const products = overview.services.find((s) => s.name === 'products');
  assert.deepEqual(
    products?.routes.find((r) => r.function === 'products-get'),
    {
      method: 'GET',
      path: '/products/{id}',
      access: 'signedIn',
      function: 'products-get',
      authorization: 'COGNITO_USER_POOLS',
    },
  );
  const get = overview.functions.find((f) => f.name === 'products-get');
  assert.ok(get && get.memoryMb > 0 && get.runtime.startsWith('nodejs'));
  const dynamodb = get.permissions.filter((p) => p.actions.some((a) => a.startsWith('dynamodb:')));
  assert.deepEqual(dynamodb, [
    { actions: ['dynamodb:GetItem'], resources: ['arn:aws:dynamodb:us-east-1:000000000000:table/products'] },
  ]);
  assert.ok(overview.tables.some((t) => t.name === 'products' && t.indexes.length > 0));
});

test('the explorer’s sources: the OpenAPI document, minted tokens and their users', async () => {
  const document = await json<{ openapi: string; paths: Record<string, unknown> }>(await api('openapi'));
  assert.ok(document.openapi.startsWith('3.'));
  assert.ok('/products/{id}' in document.paths);
  await adminToken();
  const users = await json<{ username: string; groups: string[] }[]>(await api('users'));
  assert.deepEqual(
    users.find((u) => u.username === 'console-admin'),
    { username: 'console-admin', groups: ['admin'] },
  );
  const refused = await api('tokens', { method: 'POST', body: JSON.stringify({ username: '' }) });
  assert.equal(refused.status, 400);
  assert.equal(refused.headers.get('content-type'), 'application/problem+json');
  assert.equal((await api('tables/%E0/items')).status, 400);
  assert.equal((await api('nothing-here')).status, 404);
  assert.equal((await api('overview', { method: 'DELETE' })).status, 405);
});

test('a request through the gateway becomes a trace down to its DynamoDB call and the statement that allowed it', async () => {
  const token = await adminToken();
  const created = await fetch(`${system.url}/products`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Traced', price: 2 }),
  });
  assert.equal(created.status, 201);
  const trace = await traceOf(created.headers.get('x-amzn-requestid') ?? '');
  assert.equal(trace.summary.status, 201);
  assert.equal(trace.summary.route, '/products');
  assert.equal(trace.summary.function, 'products-create');
  assert.equal(trace.summary.user, 'console-admin');
  const gateway = spanNamed(trace, 'gateway');
  assert.equal(gateway.parentSpanId, undefined);
  assert.equal(gateway.attributes['http.response.status_code'], 201);
  assert.equal(spanNamed(trace, 'authorizer').attributes['local.authorizer'], 'verified');
  spanNamed(trace, 'validate body');
  spanNamed(trace, 'wait for instance');
  const invoke = spanNamed(trace, 'invoke products-create');
  assert.equal(invoke.attributes['faas.invocation_id'], trace.summary.invocationId);
  // The figures of the invocation's REPORT line, as the Lambda service tells them.
  const handlerMs = invoke.attributes['local.handler_ms'];
  assert.ok(typeof handlerMs === 'number' && handlerMs > 0, `local.handler_ms ${handlerMs}`);
  assert.ok(handlerMs <= invoke.durationMs, 'the handler ran within its invocation');
  if (trace.summary.cold) assert.ok(spanNamed(trace, 'init').durationMs > 0, 'a cold start shows its init');
  const put = spanNamed(trace, 'DynamoDB.PutItem');
  assert.equal(put.parentSpanId, invoke.spanId);
  assert.deepEqual(put.attributes['aws.dynamodb.table_names'], ['products']);
  assert.equal(put.attributes['local.iam.decision'], 'allow');
  assert.match(String(put.attributes['local.iam.statement']), /\S/);
  assert.ok(
    trace.spans.every((s) => s.spanId === gateway.spanId || s.parentSpanId),
    'one tree',
  );
});

test('a denied DynamoDB call is traced as deny, with the missing permission and the declaration change that grants it', async () => {
  const answer = await fetch(`${system.url}/console-probe/x1`);
  assert.equal(answer.status, 200);
  assert.deepEqual(await answer.json(), { found: false, queried: 'AccessDeniedException' });
  const trace = await traceOf(answer.headers.get('x-amzn-requestid') ?? '');
  assert.equal(spanNamed(trace, 'DynamoDB.GetItem').attributes['local.iam.decision'], 'allow');
  const query = spanNamed(trace, 'DynamoDB.Query');
  assert.equal(query.attributes['local.iam.decision'], 'deny');
  assert.deepEqual(JSON.parse(String(query.attributes['local.iam.missing'])), {
    action: 'dynamodb:Query',
    resource: 'arn:aws:dynamodb:us-east-1:000000000000:table/console-probe',
  });
  assert.equal(
    query.attributes['local.iam.grant'],
    "// test/fixtures/console-services/console-probe.ts, function console-probe-read\nactions: ['dynamodb:GetItem', 'dynamodb:Query'],",
  );
});

test('the logs API filters by function, level, text and request id, and links each line to its trace', async () => {
  const answer = await fetch(`${system.url}/console-probe/x2`);
  const requestId = answer.headers.get('x-amzn-requestid') ?? '';
  const trace = await traceOf(requestId);
  type Lines = {
    lines: { function: string; requestId?: string; traceId?: string; raw: string; level?: string }[];
  };
  const lines = await eventually(async () => {
    const { lines } = await json<Lines>(await api(`logs?requestId=${requestId}&function=console-probe-read`));
    return lines.some((l) => /REPORT|platform\.report/.test(l.raw)) ? lines : undefined;
  }, 'the invocation REPORT line');
  assert.ok(lines.every((l) => l.function === 'console-probe-read'));
  assert.ok(
    lines.every((l) => l.traceId === trace.summary.traceId),
    'each line links to its trace',
  );
  const other = await json<Lines>(await api(`logs?requestId=${requestId}&function=products-get`));
  assert.deepEqual(other.lines, []);
  const text = await json<Lines>(
    await api(`logs?function=console-probe-read&text=${trace.summary.invocationId}`),
  );
  assert.ok(
    text.lines.length > 0 && text.lines.every((l) => l.raw.includes(trace.summary.invocationId ?? '')),
  );
  const errors = await json<Lines>(await api('logs?function=console-probe-read&level=ERROR'));
  assert.ok(errors.lines.every((l) => l.level === 'ERROR'));
  assert.equal((await api('logs?limit=0')).status, 400);
  const queries = await json<{ queries: { name: string }[] }>(await api('queries'));
  assert.ok(queries.queries.length > 0);
});

test('a table edit made in the console is visible through the API and logged as an admin action', async () => {
  const token = await adminToken();
  const item = {
    id: 'console-edit-1',
    name: 'Edited',
    price: 7,
    version: 1,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
  };
  const put = await json<{ sizeBytes: number }>(
    await api('tables/products/items', { method: 'PUT', body: JSON.stringify({ item }) }),
  );
  assert.ok(put.sizeBytes > 0);
  const read = await fetch(`${system.url}/products/console-edit-1`, {
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(read.status, 200);
  assert.equal(((await read.json()) as { name: string }).name, 'Edited');
  const tooLarge = await api('tables/products/items', {
    method: 'PUT',
    body: JSON.stringify({ item: { ...item, id: 'console-edit-2', description: 'x'.repeat(400 * 1024) } }),
  });
  assert.equal(tooLarge.status, 400);
  assert.equal(tooLarge.headers.get('content-type'), 'application/problem+json');
  assert.equal(
    (
      await api('tables/products/items', {
        method: 'PUT',
        body: JSON.stringify({ item: { name: 'no key' } }),
      })
    ).status,
    400,
  );
  const queried = await json<{ items: { item: { id: string } }[] }>(
    await api('tables/products/query', {
      method: 'POST',
      body: JSON.stringify({ key: { id: 'console-edit-1' } }),
    }),
  );
  assert.deepEqual(
    queried.items.map((i) => i.item.id),
    ['console-edit-1'],
  );
  const deleted = await api('tables/products/items', {
    method: 'DELETE',
    body: JSON.stringify({ key: { id: 'console-edit-1' } }),
  });
  assert.equal(deleted.status, 204);
  assert.equal(
    (await fetch(`${system.url}/products/console-edit-1`, { headers: { authorization: `Bearer ${token}` } }))
      .status,
    404,
  );
  const logged = await eventually(async () => {
    const { lines } = await json<{ lines: { raw: string }[] }>(await api('logs?function=_console-admin'));
    return lines.some((l) => l.raw.includes('DeleteItem')) ? lines : undefined;
  }, 'the admin log');
  assert.ok(logged.some((l) => l.raw.includes('PutItem') && l.raw.includes('console-edit-1')));
  assert.equal((await api('tables/nope/items')).status, 404);
});

test('a fault switch turns a request into 503, and turning it off restores the answer', async () => {
  const token = await adminToken();
  const fault = await json<{ id: string }>(
    await api('faults', {
      method: 'POST',
      body: JSON.stringify({ kind: 'error', target: 'table:products', percent: 100 }),
    }),
  );
  try {
    const switches = await json<{ faults: { id: string }[] }>(await api('switches'));
    assert.ok(switches.faults.some((f) => f.id === fault.id));
    const failed = await fetch(`${system.url}/products/any`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(failed.status, 503);
    const trace = await traceOf(failed.headers.get('x-amzn-requestid') ?? '');
    assert.equal(spanNamed(trace, 'DynamoDB.GetItem').attributes['local.fault'], 'error');
  } finally {
    assert.equal((await api(`faults/${fault.id}`, { method: 'DELETE' })).status, 204);
  }
  const restored = await fetch(`${system.url}/products/any`, {
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(restored.status, 404);
  assert.equal(
    (await api('switches', { method: 'PUT', body: JSON.stringify({ logLevel: 'LOUD' }) })).status,
    400,
  );
});

test('the throttling switch turns the stage throttle on and off while the system runs', async () => {
  const probe = () => fetch(`${system.url}/console-probe/t1`).then((r) => r.status);
  assert.equal(await probe(), 200);
  assert.equal(await probe(), 200, 'off: no throttle');
  const on = await json<{ throttling: boolean }>(
    await api('switches', { method: 'PUT', body: JSON.stringify({ throttling: true }) }),
  );
  assert.equal(on.throttling, true);
  try {
    // The stage allows one request and its clock never refills the bucket.
    const statuses = [await probe(), await probe()];
    assert.ok(statuses.includes(429), statuses.join(', '));
  } finally {
    await api('switches', { method: 'PUT', body: JSON.stringify({ throttling: false }) });
  }
  assert.equal(await probe(), 200);
});

test('the tracing switch pauses and resumes the recording of traces', async () => {
  const token = await adminToken();
  const get = () => fetch(`${system.url}/products/any`, { headers: { authorization: `Bearer ${token}` } });
  const listed = async () =>
    (await json<{ traces: TraceSummary[] }>(await api(`traces?limit=${RING}`))).traces.map(
      (t) => t.requestId,
    );
  const paused = await json<{ tracing: boolean }>(
    await api('switches', { method: 'PUT', body: JSON.stringify({ tracing: false }) }),
  );
  assert.equal(paused.tracing, false);
  let unrecorded: string;
  try {
    const answer = await get();
    assert.equal(answer.status, 404, 'served as ever');
    unrecorded = answer.headers.get('x-amzn-requestid') ?? '';
    assert.ok(!(await listed()).includes(unrecorded), 'no trace while paused');
  } finally {
    await api('switches', { method: 'PUT', body: JSON.stringify({ tracing: true }) });
  }
  const recorded = await get();
  const trace = await traceOf(recorded.headers.get('x-amzn-requestid') ?? '');
  assert.equal(spanNamed(trace, 'DynamoDB.GetItem').attributes['local.iam.decision'], 'allow');
  assert.equal(
    (await api('switches', { method: 'PUT', body: JSON.stringify({ tracing: 'no' }) })).status,
    400,
  );
});

test('a new log level switched at run time starts new instances', async () => {
  const read = async () => {
    const answer = await fetch(`${system.url}/console-probe/l1`);
    return traceOf(answer.headers.get('x-amzn-requestid') ?? '');
  };
  await read();
  assert.equal((await read()).summary.cold, false, 'warm before the switch');
  const switched = await json<{ logLevel: string }>(
    await api('switches', { method: 'PUT', body: JSON.stringify({ logLevel: 'DEBUG' }) }),
  );
  assert.equal(switched.logLevel, 'DEBUG');
  assert.equal((await read()).summary.cold, true, 'a new instance, with the new level');
});

test('each trace is exported to the OTLP collector', async () => {
  const answer = await fetch(`${system.url}/console-probe/x3`);
  const trace = await traceOf(answer.headers.get('x-amzn-requestid') ?? '');
  const seen = () => exported.some((s) => s.name === 'DynamoDB.Query' && s.traceId === trace.summary.traceId);
  while (!seen()) await new Promise<void>((resolve) => exportWaiters.push(resolve));
  assert.ok(exported.some((s) => s.name === 'gateway' && s.traceId === trace.summary.traceId));
});

test('the live stream sends each finished trace', async () => {
  const controller = new AbortController();
  const stream = await fetch(`${system.url}/_local/console/api/events`, {
    headers: { 'x-console-secret': secret() },
    signal: controller.signal,
  });
  assert.equal(stream.headers.get('content-type'), 'text/event-stream');
  const reader = stream.body?.getReader();
  assert.ok(reader);
  try {
    const answer = await fetch(`${system.url}/no-such-route`);
    const requestId = answer.headers.get('x-amzn-requestid') ?? '';
    let text = '';
    while (!text.includes(requestId)) {
      const { value, done } = await reader.read();
      assert.ok(!done, 'the stream stays open');
      text += Buffer.from(value).toString('utf8');
    }
    assert.match(text, new RegExp(`event: trace\\ndata: \\{[^\\n]*"requestId":"${requestId}"`));
  } finally {
    controller.abort();
  }
});

test('the console keeps at most the configured number of traces, the newest', async () => {
  const ids: string[] = [];
  for (let i = 0; i < RING + 5; i += 1) {
    const answer = await fetch(`${system.url}/no-such-route-${i}`);
    ids.push(answer.headers.get('x-amzn-requestid') ?? '');
  }
  const all = await json<{ traces: TraceSummary[]; kept: number; capacity: number }>(
    await api(`traces?limit=${RING}`),
  );
  assert.equal(all.capacity, RING);
  assert.equal(all.kept, RING);
  assert.deepEqual(
    all.traces.map((t) => t.requestId),
    ids.slice(-RING).reverse(),
  );
  assert.equal((await api(`traces?limit=${RING + 1}`)).status, 400);
});

test('a table is queried by a declared index, and an unknown index is a 400', async () => {
  const token = await adminToken();
  const name = `console-index-${Date.now()}`;
  for (const price of [3, 9])
    assert.equal(
      (
        await fetch(`${system.url}/products`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ name, price }),
        })
      ).status,
      201,
    );
  const overview = await json<{ tables: { name: string; indexes: { name: string }[] }[] }>(
    await api('overview'),
  );
  const index = overview.tables.find((t) => t.name === 'products')?.indexes[0]?.name;
  assert.ok(index, 'the products table declares an index');
  const queried = await json<{ items: { item: { name: string; price: number } }[] }>(
    await api('tables/products/query', {
      method: 'POST',
      body: JSON.stringify({ index, key: { name }, sortKeyCondition: { operator: '<=', value: 5 } }),
    }),
  );
  assert.deepEqual(
    queried.items.map((i) => [i.item.name, i.item.price]),
    [[name, 3]],
  );
  const unknown = await api('tables/products/query', {
    method: 'POST',
    body: JSON.stringify({ index: 'noSuchIndex', key: { name } }),
  });
  assert.equal(unknown.status, 400);
  assert.equal(unknown.headers.get('content-type'), 'application/problem+json');
});

test('the live stream tails the log lines of the functions', async () => {
  const controller = new AbortController();
  const stream = await fetch(`${system.url}/_local/console/api/events`, {
    headers: { 'x-console-secret': secret() },
    signal: controller.signal,
  });
  const reader = stream.body?.getReader();
  assert.ok(reader);
  try {
    const token = await adminToken();
    const answer = await fetch(`${system.url}/products?limit=1`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(answer.status, 200);
    let text = '';
    while (!/event: log\ndata: [^\n]*products-list/.test(text)) {
      const { value, done } = await reader.read();
      assert.ok(!done, 'the stream stays open');
      text += Buffer.from(value).toString('utf8');
    }
  } finally {
    controller.abort();
  }
});

test('without the console (--no-console) nothing is served under its path and no URL is printed', async () => {
  const plainDir = await mkdtemp(path.join(os.tmpdir(), 'sm-no-console-'));
  const plain = await startLocalSystem({
    port: 0,
    engine: 'dynalite',
    dataDir: plainDir,
    inMemory: true,
    logLevel: 'WARN',
    logSink: { write() {} },
    notice: () => {},
  });
  try {
    assert.equal(plain.console, null);
    const page = await fetch(`${plain.url}/_local/console/?secret=${secret()}`);
    await page.arrayBuffer();
    assert.notEqual(page.status, 200);
    const call = await fetch(`${plain.url}/_local/console/api/overview`, {
      headers: { 'x-console-secret': secret() },
    });
    await call.arrayBuffer();
    assert.notEqual(call.status, 200);
  } finally {
    await plain.stop();
    await rm(plainDir, { recursive: true, force: true });
  }
});
