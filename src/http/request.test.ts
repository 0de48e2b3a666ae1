import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { PROJECT_ROOT } from '../declaration/load-services.ts';
import { BadRequestError } from '../domain/errors.ts';
import { readJsonBody, toHttpRequest } from './request.ts';

const event = (overrides: Partial<APIGatewayProxyEvent>): APIGatewayProxyEvent =>
  ({
    httpMethod: 'PUT',
    resource: '/things/{id}',
    path: '/things/a',
    headers: {},
    multiValueHeaders: {},
    body: null,
    isBase64Encoded: false,
    requestContext: { path: '/things/a' },
    ...overrides,
  }) as APIGatewayProxyEvent;

test('joins a header sent on several lines into one list, case-insensitively', () => {
  const request = toHttpRequest(
    event({
      headers: { 'If-Match': '"b"' },
      multiValueHeaders: { 'If-Match': ['"a"', '"b"'], 'Content-Type': ['application/json'] },
    }),
  );
  assert.equal(request.header('if-match'), '"a", "b"');
});

test('names every number DynamoDB cannot store by its path, judged on its JSON text', () => {
  const body = '{"a":1e300,"b":[1,2,1e-200],"c":{"d":12345678901234567890123456789012345678901},"e":1.5}';
  const request = toHttpRequest(event({ body, headers: { 'Content-Type': 'application/json' } }));
  try {
    readJsonBody(request, { storableNumbers: true });
    assert.fail('expected a 400');
  } catch (error) {
    assert.ok(error instanceof BadRequestError);
    assert.deepEqual(
      error.errors?.map((e) => e.path),
      ['a', 'b.2', 'c.d'],
    );
  }
  assert.deepEqual(readJsonBody(request), {
    a: 1e300,
    b: [1, 2, 1e-200],
    c: { d: 1.2345678901234568e40 },
    e: 1.5,
  });
});

test('refuses an unstorable number where JSON.parse gives no source text, without naming the field', () => {
  // A fresh process without the test runner's preloads: on Node 20 its JSON.parse has no source
  // text access (Node.js 22 and later have it, and then the field is named as above).
  const code = [
    "import { readJsonBody, toHttpRequest } from './src/http/request.ts';",
    "const request = toHttpRequest({ httpMethod: 'POST', path: '/x', resource: '/x', body: '{\"a\":1e300}', headers: {} });",
    'try { readJsonBody(request, { storableNumbers: true }); console.log("accepted"); }',
    'catch (error) { console.log(JSON.stringify({ name: error.name, fields: error.errors?.map((e) => e.path) ?? null })); }',
    "JSON.parse('1', (key, value, context) => { console.log(context?.source === undefined ? 'no source text' : 'source text'); return value; });",
  ].join('\n');
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
    timeout: 30_000,
  });
  assert.equal(child.status, 0, child.stderr);
  const [outcome = '', support] = child.stdout.trim().split('\n');
  const expectedFields = support === 'no source text' ? null : ['a'];
  assert.deepEqual(JSON.parse(outcome), { name: 'BadRequestError', fields: expectedFields });
});

test('does not read digits inside strings as numbers, escaped quotes included', () => {
  const body = '{"a":"1e300","b":"say \\"1e300\\" 1e-999","c":[1e2,"x"],"d":{"e":2,"e":1e300}}';
  const value = readJsonBody(toHttpRequest(event({ body: body.replace(',"e":1e300', '') })), {
    storableNumbers: true,
  });
  assert.deepEqual(value, { a: '1e300', b: 'say "1e300" 1e-999', c: [100, 'x'], d: { e: 2 } });
  // A member named twice keeps its last value, as JSON.parse does, and that value is judged.
  assert.throws(
    () => readJsonBody(toHttpRequest(event({ body })), { storableNumbers: true }),
    BadRequestError,
  );
});

test('refuses __proto__ at any depth, and malformed JSON', () => {
  for (const body of ['{"a":{"__proto__":{}}}', '[{"__proto__":1}]', '{"a":', '{"a":1,}', '']) {
    const request = toHttpRequest(event({ body }));
    assert.throws(() => readJsonBody(request), BadRequestError, body);
  }
});

test('refuses a body nested 100,000 levels deep with a 400 naming the limit, before any recursive walk', () => {
  const deep = '['.repeat(100_000) + ']'.repeat(100_000);
  for (const [body, options] of [
    [deep, {}],
    [`{"name":"x","tags":${deep}}`, { storableNumbers: true }],
    [`{"name":"x","n":1e300,"tags":${deep}}`, { storableNumbers: true }],
    [`{"operation":"echo","payload":${deep}}`, { envelope: 3 }],
  ] as const) {
    const request = toHttpRequest(event({ body, headers: { 'Content-Type': 'application/json' } }));
    assert.throws(
      () => readJsonBody(request, options),
      (error: unknown) => error instanceof BadRequestError && /levels of nesting/.test(error.message),
    );
  }
  const shallow = toHttpRequest(event({ body: '{"a":[[{"b":[1]}]]}' }));
  assert.deepEqual(readJsonBody(shallow), { a: [[{ b: [1] }]] });
});
