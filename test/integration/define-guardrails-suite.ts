import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { EngineName } from '#local/dynamodb/engines/engine.ts';
import { parseFaults } from '#local/dynamodb/guard/faults.ts';
import { DEFAULT_SERVICES_DIR } from '#src/declaration/load-services.ts';
import { type ApiClient, apiClient } from '../support/http.ts';
import { SNOOP_SLOW_TIMEOUT_S, writeSnoopService } from '../support/snoop-service.ts';
import { startTestSystem, type TestSystem } from '../support/test-system.ts';
import { iamFailsClosed } from './iam-fails-closed.ts';

const ACCESS_DENIED =
  /User: arn:aws:sts::000000000000:assumed-role\/\w+\/(snoops-\w+) is not authorized to perform: (dynamodb:\w+) on resource: (arn:aws:dynamodb:us-east-1:000000000000:table\/\w+) because no identity-based policy allows the \2 action/;

/**
 * The local guardrails against one engine: each function's synthesized IAM policy enforced on
 * its DynamoDB calls, the unused-permission report, and faults injected on purpose.
 */
export function defineGuardrailsSuite(engine: Exclude<EngineName, 'external'>): void {
  describe(`local guardrails on ${engine}`, { timeout: 300_000 }, () => {
    let snoops: Awaited<ReturnType<typeof writeSnoopService>>;
    let current: TestSystem;
    let client: ApiClient;

    before(async () => {
      snoops = await writeSnoopService();
      current = await startTestSystem({ engine, servicesDirs: [DEFAULT_SERVICES_DIR, snoops.dir] });
      client = apiClient(current.url, { token: current.adminToken });
    });
    after(async () => {
      await current?.stop();
      await snoops?.remove();
    });

    const logsOf = (fn: string) => current.logs.filter((l) => l.functionName === fn).map((l) => l.line);

    test('a call the declaration does not grant is denied: generic 500, the log names action and resource', async () => {
      const reply = await client('GET', '/snoops/snoops-overreach');
      assert.equal(reply.status, 500, reply.text);
      assert.doesNotMatch(reply.text, /dynamodb|AccessDenied|arn:/i);
      const logged = logsOf('snoops-overreach').find((line) => ACCESS_DENIED.test(line));
      assert.ok(
        logged,
        `no AccessDeniedException in the function's log:\n${logsOf('snoops-overreach').join('\n')}`,
      );
      const [, who, action, resource] = ACCESS_DENIED.exec(logged) ?? [];
      assert.deepEqual(
        [who, action, resource],
        ['snoops-overreach', 'dynamodb:Scan', 'arn:aws:dynamodb:us-east-1:000000000000:table/snoops'],
      );
      assert.match(logged, /AccessDeniedException/);
      assert.ok(
        current.notices.some((n) => n.includes('snoops-overreach denied') && n.includes('dynamodb:Scan')),
      );
    });

    test("a handler reaching another service's table is denied", async () => {
      const reply = await client('GET', '/snoops/snoops-trespass');
      assert.equal(reply.status, 500, reply.text);
      const logged = logsOf('snoops-trespass').find((line) => ACCESS_DENIED.test(line)) ?? '';
      assert.match(
        logged,
        /dynamodb:Scan on resource: arn:aws:dynamodb:us-east-1:000000000000:table\/products /,
      );
    });

    iamFailsClosed(
      () => current,
      () => client,
    );

    test('a granted call on its own table passes the check', async () => {
      const reply = await client('GET', '/snoops/snoops-scan');
      assert.equal(reply.status, 200, reply.text);
      assert.deepEqual(reply.json, { count: 0 });
    });

    test('the shipped services use every DynamoDB action they are granted', async () => {
      const created = await client('POST', '/products', { body: { name: 'Kettle', price: 20 } });
      assert.equal(created.status, 201, created.text);
      const id = (created.json as { id: string }).id;
      const steps = [
        await client('GET', `/products/${id}`),
        await client('GET', '/products?limit=5'),
        // A filtered list: products-list's Query of its index.
        await client('GET', '/products?name=Kettle&price[lte]=30'),
        await client('PUT', `/products/${id}`, { body: { name: 'Kettle', price: 21 } }),
        // A failed conditional replace reads the item (it may be one no handler wrote): products-replace's GetItem.
        await client('PUT', `/products/${id}`, {
          body: { name: 'Kettle', price: 21 },
          headers: { 'If-Match': '"999"' },
        }),
        await client('PATCH', `/products/${id}`, { body: { price: 22 } }),
        // A failed conditional delete reads the item to tell 404 from 412: products-delete's GetItem.
        await client('DELETE', `/products/${id}`, { headers: { 'If-Match': '"999"' } }),
        await client('DELETE', `/products/${id}`),
      ];
      assert.deepEqual(
        steps.map((s) => s.status),
        [200, 200, 200, 200, 412, 200, 412, 204],
      );
      // orders, as its owner: the same six operations, listing with Query.
      const owner = apiClient(current.url, { token: await current.mint({ user: 'iam-owner' }) });
      const order = { items: [{ productId: 'p1', quantity: 1 }], status: 'pending' };
      const placed = await owner('POST', '/orders', { body: order });
      assert.equal(placed.status, 201, placed.text);
      const orderId = (placed.json as { id: string }).id;
      const orderSteps = [
        await owner('GET', `/orders/${orderId}`),
        await owner('GET', '/orders?limit=5'),
        await owner('PUT', `/orders/${orderId}`, { body: { ...order, status: 'paid' } }),
        // A failed conditional replace reads the item (it may be one no handler wrote): orders-replace's GetItem.
        await owner('PUT', `/orders/${orderId}`, { body: order, headers: { 'If-Match': '"999"' } }),
        await owner('PATCH', `/orders/${orderId}`, { body: { note: 'ring twice' } }),
        await owner('DELETE', `/orders/${orderId}`, { headers: { 'If-Match': '"999"' } }),
        await owner('DELETE', `/orders/${orderId}`),
      ];
      assert.deepEqual(
        orderSteps.map((s) => s.status),
        [200, 200, 200, 412, 200, 412, 204],
      );
      const manager = (operation: string, payload: unknown) =>
        client('POST', '/DynamoDBManager', { body: { operation, tableName: 'lambda-apigateway', payload } });
      for (const [operation, payload] of [
        ['create', { Item: { id: 'iam-1', n: 1 } }],
        ['read', { Key: { id: 'iam-1' } }],
        [
          'update',
          { Key: { id: 'iam-1' }, UpdateExpression: 'SET n = :n', ExpressionAttributeValues: { ':n': 2 } },
        ],
        ['list', {}],
        ['delete', { Key: { id: 'iam-1' } }],
      ] as const) {
        const reply = await manager(operation, payload);
        assert.equal(reply.status, 200, `${operation}: ${reply.text}`);
      }
      // A create with an Idempotency-Key: the record's put and update, a replay's read, and the
      // record's delete when the create fails (here DynamoDB refusing the item's put).
      const keyed = async (call: ApiClient, route: string, body: unknown, table: string) => {
        const headers = { 'Idempotency-Key': `iam-${table}-${Date.now()}` };
        assert.equal((await call('POST', route, { body, headers })).status, 201);
        assert.equal((await call('POST', route, { body, headers })).status, 201);
        current.system.guard.setFaults(parseFaults(`error=100%@table:${table}`));
        try {
          const failed = await call('POST', route, {
            body,
            headers: { 'Idempotency-Key': `${headers['Idempotency-Key']}-f` },
          });
          assert.equal(failed.status, 503, failed.text);
        } finally {
          current.system.guard.setFaults([]);
        }
      };
      await keyed(client, '/products', { name: 'Keyed kettle', price: 20 }, 'products');
      await keyed(owner, '/orders', order, 'orders');
      const report = current.system.guard.unusedPermissions();
      // The services this flow calls: a service a user adds to services/ (README, "Add a
      // microservice") is not among them, and its unused permissions are not this test's business.
      const exercised = new Set(['products', 'orders', 'DynamoDBManager']);
      const shipped = current.system.services
        .filter(({ service }) => exercised.has(service.name))
        .flatMap(({ service }) => service.functions.map((fn) => fn.name));
      assert.equal(shipped.length, 13);
      for (const fn of shipped) assert.deepEqual(report.get(fn), [], fn);
      // The denied call used nothing; the report names what snoops-overreach was granted and never used.
      assert.deepEqual(report.get('snoops-overreach'), ['dynamodb:GetItem']);
    });

    test('at 30 % throttling every write succeeds or gets 503 with Retry-After, none lost or doubled', async () => {
      current.system.guard.setFaults(parseFaults('throttle=30%@table:products'));
      const marker = `throttled-${Date.now()}`;
      try {
        const replies = await Promise.all(
          Array.from({ length: 40 }, (_, i) =>
            client('POST', '/products', { body: { name: `${marker}-${i}`, price: i } }),
          ),
        );
        for (const reply of replies) {
          assert.ok(reply.status === 201 || reply.status === 503, `${reply.status} ${reply.text}`);
          if (reply.status === 503) assert.match(reply.headers.get('retry-after') ?? '', /^\d+$/);
        }
        const createdIds = replies.filter((r) => r.status === 201).map((r) => (r.json as { id: string }).id);
        const stored = (await current.scan('products')).filter((item) =>
          String(item.name).startsWith(marker),
        );
        assert.deepEqual(stored.map((item) => item.id).sort(), createdIds.sort());
        assert.equal(new Set(stored.map((item) => item.name)).size, stored.length);
      } finally {
        current.system.guard.setFaults([]);
      }
    });

    test('at 100 % throttling every write gets 503 and the table is unchanged', async () => {
      const seeded = await client('POST', '/products', { body: { name: 'Teapot', price: 30 } });
      const id = (seeded.json as { id: string }).id;
      const before = await current.scan('products');
      current.system.guard.setFaults(parseFaults('throttling=100%@table:products'));
      try {
        const writes = [
          await client('POST', '/products', { body: { name: 'New', price: 1 } }),
          await client('PUT', `/products/${id}`, { body: { name: 'Replaced', price: 2 } }),
          await client('PATCH', `/products/${id}`, { body: { price: 3 } }),
          await client('DELETE', `/products/${id}`),
        ];
        for (const reply of writes) {
          assert.equal(reply.status, 503, reply.text);
          assert.match(reply.headers.get('retry-after') ?? '', /^\d+$/);
          assert.equal(reply.headers.get('content-type'), 'application/problem+json');
        }
      } finally {
        current.system.guard.setFaults([]);
      }
      assert.deepEqual(await current.scan('products'), before);
      // The log names the error and its cause readably, although the bundle is minified.
      const failure = current.logs
        .filter(({ functionName }) => functionName === 'products-create')
        .map(({ line }) => line)
        .findLast((line) => line.includes('"request failed"'));
      assert.match(failure ?? '', /"name":"ServiceUnavailableError"/);
      assert.match(failure ?? '', /"cause":\{[^}]*"name":"ThrottlingException"/);
    });

    test('latency beyond the function timeout ends in 503 with Retry-After before the timeout', async () => {
      current.system.guard.setFaults(parseFaults(`latency=${SNOOP_SLOW_TIMEOUT_S * 2000}ms@snoops-slow`));
      try {
        const reply = await client('GET', '/snoops/snoops-slow');
        assert.equal(reply.status, 503, reply.text);
        assert.match(reply.headers.get('retry-after') ?? '', /^\d+$/);
        assert.ok(
          !logsOf('snoops-slow').some((line) => /Task timed out/.test(line)),
          'the function timed out',
        );
      } finally {
        current.system.guard.setFaults([]);
      }
    });
  });
}
