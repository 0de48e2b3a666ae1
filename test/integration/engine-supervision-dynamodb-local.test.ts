// A stalled or dead DynamoDB Local (a process of its own, so it can stall or die apart from
// `npm start`): requests get 503 with Retry-After before the function times out, and a dead
// engine is restarted on the same data. dynalite runs inside the local system's own process.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type ApiClient, apiClient } from '../support/http.ts';
import { startTestSystem, type TestSystem } from '../support/test-system.ts';

describe('the DynamoDB Local engine, supervised', { timeout: 300_000 }, () => {
  let dataDir: string;
  let current: TestSystem;
  let client: ApiClient;
  let id: string;
  before(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'sm-supervise-'));
    current = await startTestSystem({ engine: 'dynamodb-local', dataDir });
    client = apiClient(current.url, { token: current.adminToken });
    const created = await client('POST', '/products', { body: { name: 'Survivor', price: 1 } });
    assert.equal(created.status, 201, created.text);
    id = (created.json as { id: string }).id;
  });
  after(async () => {
    await current?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });
  const enginePid = () => {
    const { pid } = current.system.dynamodb;
    assert.ok(pid !== null, 'DynamoDB Local runs in a process of its own');
    return pid;
  };

  test('a stalled engine gives 503 with Retry-After, never a function timeout, then serves again', async () => {
    const pid = enginePid();
    process.kill(pid, 'SIGSTOP');
    try {
      const reply = await client('GET', `/products/${id}`);
      assert.equal(reply.status, 503, reply.text);
      assert.match(reply.headers.get('retry-after') ?? '', /^\d+$/);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    assert.ok(!current.logs.some((l) => /Task timed out/.test(l.line)), 'a function timed out');
    assert.equal((await client('GET', `/products/${id}`)).status, 200);
  });

  test('a killed engine is noticed once, restarted on the same data, and serves again', async () => {
    const pid = enginePid();
    const died = noticeMatching(current, /stopped unexpectedly/);
    const back = noticeMatching(current, /serving again/);
    process.kill(pid, 'SIGKILL');
    assert.match(await died, /signal SIGKILL/);
    // The engine is down and being started again: a request now is answered 503, or served if
    // the new engine came up while the function's SDK was still retrying — never anything else.
    const during = await client('GET', `/products/${id}`);
    assert.ok([503, 200].includes(during.status), `${during.status} ${during.text}`);
    if (during.status === 503) assert.match(during.headers.get('retry-after') ?? '', /^\d+$/);
    await back;
    // No restart of the local system was needed.
    const reply = await client('GET', `/products/${id}`);
    assert.equal(reply.status, 200, reply.text);
    assert.equal((reply.json as { name: string }).name, 'Survivor');
    assert.notEqual(current.system.dynamodb.pid, pid);
    const deaths = current.notices.filter((n) => n.includes('stopped unexpectedly'));
    assert.equal(deaths.length, 1, current.notices.join('\n'));
    const written = await client('POST', '/products', { body: { name: 'After', price: 2 } });
    assert.equal(written.status, 201, written.text);
  });
});

/**
 * Resolves with the first notice of the local system matching `pattern` from now on. The test
 * system keeps its notices in an array; this taps the array's `push`, so the test waits on the
 * supervisor saying something rather than on a clock.
 */
function noticeMatching(system: TestSystem, pattern: RegExp): Promise<string> {
  const { notices } = system;
  return new Promise((resolve) => {
    const push = notices.push.bind(notices);
    notices.push = (...lines: string[]) => {
      const length = push(...lines);
      // Left in place once resolved (resolving again does nothing): other taps may sit on top.
      const found = lines.find((line) => pattern.test(line));
      if (found !== undefined) resolve(found);
      return length;
    };
  });
}
