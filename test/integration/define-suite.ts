import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { EngineName } from '#local/dynamodb/engines/engine.ts';
import { lockDataFolder } from '#local/dynamodb/launcher/data-folder-lock.ts';
import { DEFAULT_SERVICES_DIR } from '#src/declaration/load-services.ts';
import { type ApiClient, apiClient } from '../support/http.ts';
import { startTestSystem, type TestSystem } from '../support/test-system.ts';
import { writeThrowawayService } from '../support/throwaway-service.ts';
import { accessContract } from './access-contract.ts';
import { badRequests } from './bad-requests.ts';
import { cliContract } from './cli-contract.ts';
import { clientContract } from './client-contract.ts';
import { concurrency } from './concurrency.ts';
import { exposure } from './exposure.ts';
import { foreignItems } from './foreign-items.ts';
import { hostileInput } from './hostile-input.ts';
import { idempotencyContract } from './idempotency-contract.ts';
import { indexQueries } from './index-queries.ts';
import { keptLogs } from './kept-logs.ts';
import { managerContract } from './manager-contract.ts';
import { metricsLines } from './metrics-lines.ts';
import { describedClient, openApiConformance } from './openapi-conformance.ts';
import { preconditionsContract } from './preconditions-contract.ts';
import { assertProblem, productsContract } from './products-contract.ts';
import { storageContract } from './storage-contract.ts';

/**
 * The whole HTTP contract against one DynamoDB engine: the local system is started on a free
 * port with the shipped services plus a throwaway one, and driven over real HTTP.
 */
export function defineSuite(engine: Exclude<EngineName, 'external'>): void {
  describe(`local system on ${engine}`, { timeout: 300_000 }, () => {
    let dataDir: string;
    let throwaway: Awaited<ReturnType<typeof writeThrowawayService>>;
    let current: TestSystem;
    let client: ApiClient;
    const undescribed: string[] = [];
    const start = async () => {
      current = await startTestSystem({
        engine,
        dataDir,
        servicesDirs: [DEFAULT_SERVICES_DIR, throwaway.dir],
      });
      client = describedClient(apiClient(current.url, { token: current.adminToken }), undescribed);
    };

    before(async () => {
      dataDir = await mkdtemp(path.join(os.tmpdir(), `sm-${engine}-`));
      throwaway = await writeThrowawayService();
      await start();
      assert.equal(current.system.dynamodb.engine, engine);
    });
    after(async () => {
      await current?.stop();
      await throwaway?.remove();
      await rm(dataDir, { recursive: true, force: true });
    });

    productsContract(() => client);
    accessContract(
      () => current,
      () => dataDir,
    );
    preconditionsContract(
      () => client,
      () => current,
    );
    storageContract(() => client);
    // Items another writer put may lack what the OpenAPI document's item requires (system
    // fields, required fields): they are served as stored, so not through the describing client.
    foreignItems(
      () => apiClient(current.url, { token: current.adminToken }),
      () => current,
    );
    indexQueries(
      () => client,
      () => current,
    );
    managerContract(
      () => client,
      () => engine,
    );
    concurrency(() => client);
    idempotencyContract(
      () => client,
      () => current,
    );
    openApiConformance(() => client);
    clientContract(
      () => current.url,
      () => current.adminToken,
    );
    cliContract(() => ({ url: current.url, token: current.adminToken }));
    badRequests(
      () => client,
      () => current,
    );
    metricsLines(
      () => client,
      () => current,
    );
    keptLogs(
      () => client,
      () => current,
    );
    exposure(() => current);
    hostileInput(() => current);

    test('serves a service added as one declaration file, with its own table', async () => {
      const created = await client('POST', '/gadgets', { body: { label: 'first', f3: 'x' } });
      assert.equal(created.status, 201, created.text);
      assert.match(created.headers.get('location') ?? '', /^\/gadgets\/[0-9A-Z]{26}$/);
      const items = await current.scan('gadgets');
      assert.ok(items.some((item) => item.label === 'first'));
      assert.ok(
        current.system.routes.some((r) => r.functionName === 'gadgets-update' && r.method === 'PATCH'),
      );
    });

    test('serves the API reference on a path the deployed API does not have', async () => {
      assert.equal(current.system.referenceUrl, `${current.url}/_local/docs/`);
      const page = await fetch(current.system.referenceUrl);
      assert.equal(page.status, 200);
      assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
      const doc = (await (await fetch(`${current.system.referenceUrl}openapi.json`)).json()) as {
        paths: Record<string, unknown>;
      };
      assert.ok(doc.paths['/gadgets/{id}'], 'the served document describes the services served');
    });

    test('answers unknown routes and methods as API Gateway does', async () => {
      for (const [method, route] of [
        ['GET', '/nothing'],
        ['DELETE', '/products'],
        ['GET', '/DynamoDBManager'],
      ] as const) {
        const reply = await client(method, route);
        assert.equal(reply.status, 403, `${method} ${route}`);
        assert.deepEqual(reply.json, { message: 'Missing Authentication Token' });
      }
    });

    test('logs START, one JSON line per request without bodies, END and REPORT', async () => {
      const marker = `secret-${Date.now()}`;
      await client('POST', '/products', { body: { name: marker, price: 1 } });
      const lines = current.logs.filter((l) => l.functionName === 'products-create').map((l) => l.line);
      assert.ok(!lines.some((line) => line.includes(marker)), 'the body is not logged');
      const report = lines.filter((line) => line.startsWith('REPORT RequestId: '));
      assert.ok(report.length > 0);
      assert.match(
        report[0] ?? '',
        /Duration: [\d.]+ ms\tBilled Duration: \d+ ms\tMemory Size: 256 MB\tMax Memory Used: \d+ MB\tInit Duration: [\d.]+ ms/,
      );
      const completed = lines
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .filter((entry) => entry.message === 'request completed');
      const last = completed.at(-1) ?? {};
      assert.equal(last.level, 'INFO');
      assert.equal(last.service, 'products');
      assert.equal(last.function_name, 'products-create');
      assert.equal(last.status, 201);
      assert.equal(last.method, 'POST');
      assert.equal(last.route, '/products');
      assert.equal(typeof last.correlation_id, 'string');
      assert.equal(typeof last.function_request_id, 'string');
      assert.equal(typeof last.cold_start, 'boolean');
    });

    test('refuses a second local system on the same data folder, and the first keeps serving', async () => {
      const second = startTestSystem({ engine, dataDir, servicesDirs: [DEFAULT_SERVICES_DIR] });
      const outcome = await second.then(
        async (unexpected) => {
          await unexpected.stop(); // started although it should not have: stopped all the same
          return 'started';
        },
        (error: unknown) => String(error),
      );
      assert.match(outcome, /is another local runtime using it\?/);
      assert.equal((await client('GET', '/products?limit=1')).status, 200);
    });

    test('a declaration that fails to load stops the engine started beside it, freeing its data folder', async () => {
      const services = await mkdtemp(path.join(os.tmpdir(), 'sm-broken-services-'));
      const folder = await mkdtemp(path.join(os.tmpdir(), 'sm-broken-data-'));
      try {
        await writeFile(path.join(services, 'broken.ts'), "throw new Error('this declaration is broken');\n");
        await assert.rejects(
          startTestSystem({ engine, dataDir: folder, servicesDirs: [services] }),
          /this declaration is broken/,
        );
        // The engine took the folder's lock while the declarations loaded; it was released.
        const lock = await lockDataFolder(path.join(folder, engine), engine);
        await lock.release();
      } finally {
        await rm(services, { recursive: true, force: true });
        await rm(folder, { recursive: true, force: true });
      }
    });

    test('keeps data across a stop and a start on the same data folder', async () => {
      const created = await client('POST', '/products', { body: { name: 'durable', price: 3 } });
      const location = created.headers.get('location') ?? '';
      const manager = await client('POST', '/DynamoDBManager', {
        body: { operation: 'create', payload: { Item: { id: 'durable', n: 1 } } },
      });
      assert.equal(manager.status, 200);
      await current.stop();
      await start();
      const read = await client('GET', location);
      assert.equal(read.status, 200);
      assert.deepEqual(read.json, created.json);
      const item = await client('POST', '/DynamoDBManager', {
        body: { operation: 'read', payload: { Key: { id: 'durable' } } },
      });
      assert.deepEqual(item.json, { Item: { id: 'durable', n: 1 } });
    });

    // Last: it deletes a table (a restart would re-create it).
    test('a missing table is our fault: a generic 500, the cause only in the log', async () => {
      await current.deleteTable('gizmos');
      const reply = await client('GET', '/gizmos/anything');
      assertProblem(reply, 500);
      assert.doesNotMatch(reply.text, /ResourceNotFound|gizmos|table|Exception/i);
      const logged = current.logs
        .filter((l) => l.functionName === 'gizmos-get' && l.line.startsWith('{'))
        .map((l) => JSON.parse(l.line) as Record<string, unknown>)
        .filter((entry) => entry.level === 'ERROR');
      assert.match(JSON.stringify(logged), /ResourceNotFoundException/);
    });

    test('got only responses the OpenAPI document describes, in every test above', () => {
      assert.deepEqual(undescribed, []);
    });
  });
}
