// A stalled or dead DynamoDB Local (a process of its own, so it can stall or die apart from
// `npm start`): requests get 503 with Retry-After before the function times out, and a dead
// engine is restarted on the same data. dynalite runs inside the local system's own process.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
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
    process.kill(pid, 'SIGKILL');
    const statuses = new Set<number>();
    let reply = await client('GET', `/products/${id}`);
    // Until it is back, requests get 503; no restart of the local system is needed.
    for (let i = 0; reply.status !== 200 && i < 120; i++) {
      statuses.add(reply.status);
      await sleep(500);
      reply = await client('GET', `/products/${id}`);
    }
    assert.equal(reply.status, 200, reply.text);
    assert.equal((reply.json as { name: string }).name, 'Survivor');
    for (const status of statuses) assert.equal(status, 503);
    assert.notEqual(current.system.dynamodb.pid, pid);
    const died = current.notices.filter((n) => n.includes('stopped unexpectedly'));
    assert.equal(died.length, 1, current.notices.join('\n'));
    assert.match(died[0] ?? '', /signal SIGKILL/);
    assert.ok(current.notices.some((n) => n.includes('serving again')));
    const written = await client('POST', '/products', { body: { name: 'After', price: 2 } });
    assert.equal(written.status, 201, written.text);
  });
});
