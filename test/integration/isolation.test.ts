// Lambda-like isolation of the local runtime: environment, hangs, crashes and result checks.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { PROJECT_ROOT } from '#src/declaration/load-services.ts';
import { type ApiClient, apiClient } from '../support/http.ts';
import { startTestSystem, type TestSystem } from '../support/test-system.ts';

// Short enough to test the 504 quickly, long enough that a cold start on a busy machine never hits it.
const INTEGRATION_TIMEOUT_MS = 5_000;

describe('function isolation in the local runtime', { timeout: 120_000 }, () => {
  let current: TestSystem;
  let call: ApiClient;
  const instanceOf = async (route: string) => {
    const reply = await call('GET', route);
    assert.equal(reply.status, 200, reply.text);
    return (reply.json as { instance: string }).instance;
  };

  before(async () => {
    current = await startTestSystem({
      engine: 'dynalite',
      servicesDirs: [path.join(PROJECT_ROOT, 'test/fixtures/services')],
      integrationTimeoutMs: INTEGRATION_TIMEOUT_MS,
    });
    call = apiClient(current.url);
  });
  after(() => current?.stop());

  test("a function sees its own environment only, not another's nor the host's", async () => {
    process.env.HOST_ONLY_SECRET = 'host';
    const mine = ((await call('GET', '/probe/env')).json as { env: Record<string, string> }).env;
    const other = ((await call('GET', '/probe/other')).json as { env: Record<string, string> }).env;
    delete process.env.HOST_ONLY_SECRET;
    assert.equal(mine.PROBE_SECRET, 'only-probe-env');
    assert.equal(mine.OTHER_SECRET, undefined);
    assert.equal(other.OTHER_SECRET, 'only-probe-other');
    assert.equal(other.PROBE_SECRET, undefined);
    assert.equal(mine.HOST_ONLY_SECRET, undefined);
    assert.equal(mine.AWS_LAMBDA_FUNCTION_NAME, 'probe-env');
    assert.equal(other.AWS_LAMBDA_FUNCTION_NAME, 'probe-other');
    assert.notEqual(mine.AWS_ACCESS_KEY_ID, other.AWS_ACCESS_KEY_ID);
  });

  test('a warm instance keeps its module state between requests', async () => {
    assert.equal(await instanceOf('/probe/env'), await instanceOf('/probe/env'));
  });

  test('a hanging handler gives 504 and the next request to that route is served', async () => {
    const hung = await call('GET', '/probe/hang?do=hang');
    assert.equal(hung.status, 504);
    assert.deepEqual(Object.keys(hung.json as object), ['message']);
    assert.equal((await call('GET', '/probe/hang')).status, 200);
  });

  test('a handler past its own timeout gives 502 and a new instance serves the next request', async () => {
    const before = await instanceOf('/probe/slow');
    const timedOut = await call('GET', '/probe/slow?do=hang');
    assert.equal(timedOut.status, 502);
    assert.deepEqual(timedOut.json, { message: 'Internal server error' });
    assert.notEqual(await instanceOf('/probe/slow'), before);
    assert.ok(
      current.logs.some(
        (l) => l.functionName === 'probe-slow' && /Task timed out after 1\.00 seconds/.test(l.line),
      ),
    );
  });

  test('a crashing handler gives 502, its instance is replaced, and the next request is served', async () => {
    const before = await instanceOf('/probe/crash');
    const crashed = await call('GET', '/probe/crash?do=crash');
    assert.equal(crashed.status, 502);
    assert.deepEqual(crashed.json, { message: 'Internal server error' });
    assert.notEqual(await instanceOf('/probe/crash'), before);
  });

  test('a rejected promise gives 502 and, as on Lambda, the instance is kept', async () => {
    const before = await instanceOf('/probe/crash');
    assert.equal((await call('GET', '/probe/crash?do=throw')).status, 502);
    assert.equal(await instanceOf('/probe/crash'), before);
  });

  test('a malformed proxy result gives 502 Internal server error', async () => {
    const reply = await call('GET', '/probe/crash?do=malformed');
    assert.equal(reply.status, 502);
    assert.deepEqual(reply.json, { message: 'Internal server error' });
  });

  test('a body over 10 MB is refused with 413 before any function runs', async () => {
    const reply = await call('POST', '/probe/echo', { raw: 'x'.repeat(10 * 1024 * 1024 + 1) });
    assert.equal(reply.status, 413);
  });
});
