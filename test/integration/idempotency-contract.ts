import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { parseFaults } from '#local/dynamodb/guard/faults.ts';
import { localAccessKey } from '#local/dynamodb/guard/guarded-dynamodb.ts';
import {
  IDEMPOTENCY_EXPIRY_SECONDS,
  IDEMPOTENCY_TTL_ATTRIBUTE,
  LOCAL_IDEMPOTENCY_TABLE,
} from '#src/declaration/idempotency.ts';
import { type ApiClient, apiClient, type Reply } from '../support/http.ts';
import type { TestSystem } from '../support/test-system.ts';
import { assertProblem } from './products-contract.ts';

const PARALLEL = 10;

/** What a client sees of a create: a replay must give back all of it. */
const seen = (reply: Reply) => ({
  status: reply.status,
  location: reply.headers.get('location'),
  etag: reply.headers.get('etag'),
  contentType: reply.headers.get('content-type'),
  body: reply.text,
});

/**
 * Creates that are safe to retry (issue 29, item 5): `Idempotency-Key` on `POST`, through real
 * HTTP, with the persistence table and the local IAM check in the path.
 */
export function idempotencyContract(api: () => ApiClient, system: () => TestSystem): void {
  describe('idempotent creates', () => {
    const productsNamed = async (name: string) =>
      (await system().scan('products')).filter((item) => item.name === name);
    const post = (body: unknown, key: string | undefined, client = api()) =>
      client('POST', '/products', { body, headers: key === undefined ? {} : { 'Idempotency-Key': key } });

    test('the same key and body again: the first response (status, Location, ETag, body), one item', async () => {
      const name = `once-${randomUUID()}`;
      const key = randomUUID();
      const first = await post({ name, price: 1 }, key);
      assert.equal(first.status, 201, first.text);
      const again = await post({ name, price: 1 }, key);
      assert.deepEqual(seen(again), seen(first));
      // The same document with its members in another order is the same body.
      const reordered = await post({ price: 1, name }, key);
      assert.deepEqual(seen(reordered), seen(first));
      assert.equal((await productsNamed(name)).length, 1);
      // Without a key a create is not deduplicated: the header is what makes a retry safe.
      assert.equal((await post({ name, price: 1 }, undefined)).status, 201);
      assert.equal((await productsNamed(name)).length, 2);
    });

    test(`${PARALLEL} concurrent creates with one key: one item, each answer the first response or 409`, async () => {
      const name = `contended-${randomUUID()}`;
      const key = randomUUID();
      const replies = await Promise.all(
        Array.from({ length: PARALLEL }, () => post({ name, price: 2 }, key)),
      );
      const items = await productsNamed(name);
      assert.equal(items.length, 1, JSON.stringify(items));
      const created = replies.filter((r) => r.status === 201);
      assert.ok(created.length >= 1, replies.map((r) => r.status).join(','));
      for (const reply of created) assert.deepEqual(seen(reply), seen(created[0] as Reply));
      assert.equal(created[0]?.headers.get('location'), `/products/${items[0]?.id}`);
      const outcomes = new Set(replies.map((r) => r.status));
      assert.ok(
        [...outcomes].every((s) => s === 201 || s === 409),
        [...outcomes].join(','),
      );
      for (const reply of replies.filter((r) => r.status === 409)) assertProblem(reply, 409);
    });

    test('the same key with another body: 422 problem+json, nothing created', async () => {
      const name = `first-${randomUUID()}`;
      const key = randomUUID();
      assert.equal((await post({ name, price: 3 }, key)).status, 201);
      const other = await post({ name, price: 4 }, key);
      assertProblem(other, 422);
      assert.match((other.json as { detail: string }).detail, /Idempotency-Key/);
      assert.deepEqual(
        (await productsNamed(name)).map((item) => item.price),
        [3],
      );
    });

    test('a retry while the first request is still running: 409 problem+json, then one item', async () => {
      const name = `slow-${randomUUID()}`;
      const key = randomUUID();
      // Two warm instances, so that the retry is not held up by an instance's cold start.
      await Promise.all([
        post({ name: 'warm', price: 0 }, undefined),
        post({ name: 'warm', price: 0 }, undefined),
      ]);
      const inProgress = async () =>
        (await system().scan(LOCAL_IDEMPOTENCY_TABLE)).some((record) => record.status === 'INPROGRESS');
      assert.equal(await inProgress(), false);
      // The first create's write to the products table is held back (not its idempotency record):
      // while it waits, its record says INPROGRESS. 2 s stays under the SDK's per-attempt timeout.
      system().system.guard.setFaults(parseFaults('latency=2000ms@table:products'));
      try {
        const first = post({ name, price: 5 }, key);
        while (!(await inProgress())) {
          // Each look is a round trip to the engine: no timer decides when the retry goes.
        }
        const retry = await post({ name, price: 5 }, key);
        assertProblem(retry, 409);
        assert.match((retry.json as { detail: string }).detail, /still being processed/);
        assert.equal((await first).status, 201);
      } finally {
        system().system.guard.setFaults([]);
      }
      assert.equal((await productsNamed(name)).length, 1);
      // Once the first has answered, the retry gets its response.
      assert.equal((await post({ name, price: 5 }, key)).status, 201);
      assert.equal((await productsNamed(name)).length, 1);
    });

    test('a key is kept 24 h; a record past its expiry counts as absent even before TTL removes it', async () => {
      const name = `expiring-${randomUUID()}`;
      const key = randomUUID();
      const first = await post({ name, price: 6 }, key);
      assert.equal(first.status, 201, first.text);
      const createdAt = Date.parse((first.json as { createdAt: string }).createdAt) / 1000;
      const records = (await system().scan(LOCAL_IDEMPOTENCY_TABLE)).filter(
        (record) => typeof record.data === 'string' && record.data.includes(name),
      );
      assert.equal(records.length, 1);
      const record = records[0] as Record<string, unknown>;
      const expiry = Number(record[IDEMPOTENCY_TTL_ATTRIBUTE]);
      // Stored with the item's own clock reading, 24 h on: the record says when it expires.
      assert.ok(Math.abs(expiry - createdAt - IDEMPOTENCY_EXPIRY_SECONDS) < 60, `${expiry} vs ${createdAt}`);
      // 24 h later, as DynamoDB's TTL (which deletes lazily, up to days late) would leave it.
      await system().putItem(LOCAL_IDEMPOTENCY_TABLE, {
        ...record,
        [IDEMPOTENCY_TTL_ATTRIBUTE]: Math.floor(Date.now() / 1000) - 1,
      });
      const later = await post({ name, price: 6 }, key);
      assert.equal(later.status, 201, later.text);
      assert.notEqual(later.headers.get('location'), first.headers.get('location'));
      assert.equal((await productsNamed(name)).length, 2);
    });

    test("keys are the caller's: two users sending one key make two items", async () => {
      const name = `shared-key-${randomUUID()}`;
      const key = randomUUID();
      const alice = apiClient(system().url, {
        token: await system().mint({ user: 'alice-i', groups: ['admin'] }),
      });
      const bob = apiClient(system().url, {
        token: await system().mint({ user: 'bob-i', groups: ['admin'] }),
      });
      const a = await post({ name, price: 7 }, key, alice);
      const b = await post({ name, price: 7 }, key, bob);
      assert.equal(a.status, 201, a.text);
      assert.equal(b.status, 201, b.text);
      assert.notEqual(a.headers.get('location'), b.headers.get('location'));
      assert.equal((await productsNamed(name)).length, 2);
    });

    test('a bad key is a 400 problem+json and creates nothing', async () => {
      const name = `bad-key-${randomUUID()}`;
      for (const key of ['a b', 'x'.repeat(129), 'slash/key', '"unterminated', 'semi;colon']) {
        assertProblem(await post({ name, price: 8 }, key), 400);
      }
      assert.equal((await productsNamed(name)).length, 0);
      // A Structured Field String in quotes is the same key as without them.
      const key = randomUUID();
      const bare = await post({ name, price: 8 }, key);
      assert.deepEqual(seen(await post({ name, price: 8 }, `"${key}"`)), seen(bare));
    });

    test('the local IAM check lets only the creates use the records: another function is denied', async () => {
      const as = (functionName: string) =>
        new DynamoDBClient({
          region: 'us-east-1',
          endpoint: system().system.guard.functionEndpoint,
          credentials: { accessKeyId: localAccessKey(functionName), secretAccessKey: 'local' },
          maxAttempts: 1,
        });
      const key = { id: { S: `iam-${randomUUID()}` } };
      const create = as('products-create');
      const get = as('products-get');
      try {
        assert.equal(
          (await create.send(new GetItemCommand({ TableName: LOCAL_IDEMPOTENCY_TABLE, Key: key }))).Item,
          undefined,
        );
        const refusedBy = (send: Promise<unknown>) =>
          send.then(
            () => 'allowed',
            (error: { name?: string }) => error.name,
          );
        const item = { ...key, status: { S: 'COMPLETED' } };
        assert.equal(
          await refusedBy(get.send(new GetItemCommand({ TableName: LOCAL_IDEMPOTENCY_TABLE, Key: key }))),
          'AccessDeniedException',
        );
        assert.equal(
          await refusedBy(get.send(new PutItemCommand({ TableName: LOCAL_IDEMPOTENCY_TABLE, Item: item }))),
          'AccessDeniedException',
        );
      } finally {
        create.destroy();
        get.destroy();
      }
      const records = await system().scan(LOCAL_IDEMPOTENCY_TABLE);
      assert.ok(!records.some((record) => record.id === key.id.S));
    });

    test('a declaration that requires a key: 400 without one; anonymous creates share one scope', async () => {
      const anonymous = apiClient(system().url);
      const subject = `ticket-${randomUUID()}`;
      const tickets = async () => (await system().scan('tickets')).filter((t) => t.subject === subject);
      const bare = await anonymous('POST', '/tickets', { body: { subject } });
      assertProblem(bare, 400);
      assert.match((bare.json as { detail: string }).detail, /Idempotency-Key/);
      assert.equal((await tickets()).length, 0);
      const key = randomUUID();
      const headers = { 'Idempotency-Key': key };
      const first = await anonymous('POST', '/tickets', { body: { subject }, headers });
      assert.equal(first.status, 201, first.text);
      // Another anonymous client with the same key and body gets the same answer: without a
      // caller the key alone is the scope, which is why such clients must send random keys.
      const other = await apiClient(system().url)('POST', '/tickets', { body: { subject }, headers });
      assert.deepEqual(seen(other), seen(first));
      // A public route has no authorizer, so a token sent there is verified by no one: its
      // caller is anonymous too, and shares the scope.
      const withToken = await api()('POST', '/tickets', { body: { subject }, headers });
      assert.deepEqual(seen(withToken), seen(first));
      assert.equal((await tickets()).length, 1);
    });
  });
}
