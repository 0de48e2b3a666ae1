import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
// Through the package's subpath export, as another project would import it.
import {
  createClient,
  NotFoundError,
  PreconditionFailedError,
  ProblemError,
} from 'serverless-microservices/client';

/** The typed client against the running local system. */
export function clientContract(url: () => string, token: () => string): void {
  describe('the typed client', () => {
    test('updates with If-Match from the last read and surfaces a lost race as a typed 412', async () => {
      const alice = createClient({ baseUrl: url(), token });
      const bob = createClient({ baseUrl: url(), token });
      const mug = await alice.products.create({ name: 'Client mug', price: 3 });
      assert.equal(mug.version, 1);
      await bob.products.get(mug.id);
      const updated = await alice.products.update(mug.id, { price: 4, tags: ['kitchen'] });
      assert.equal(updated.price, 4);
      assert.equal(updated.version, 2);
      const lost = await bob.products.update(mug.id, { price: 5 }).catch((e: unknown) => e);
      assert.ok(lost instanceof PreconditionFailedError, String(lost));
      assert.equal(lost.status, 412);
      assert.equal(lost.title, 'Precondition Failed');
      assert.equal(typeof lost.instance, 'string');
      // After the conflict bob reads again (no ETag kept) and wins on the current version.
      assert.equal(bob.products.etag(mug.id), undefined);
      const retried = await bob.products.update(mug.id, { price: 5 });
      assert.equal(retried.version, 3);
      assert.equal((await alice.products.get(mug.id)).price, 5);
      await alice.products.delete(mug.id, { ifMatch: true });
    });

    test('throws typed problems: 404 with its fields, 400 with the failing fields', async () => {
      const client = createClient({ baseUrl: url(), token });
      const missing = await client.products.get('01ARZ3NDEKTSV4RRFFQ69G5FAV').catch((e: unknown) => e);
      assert.ok(missing instanceof NotFoundError);
      assert.equal(missing.status, 404);
      assert.match(missing.type, /not-found/);
      assert.match(missing.detail ?? '', /01ARZ3NDEKTSV4RRFFQ69G5FAV/);
      // The stage's model refuses this body first: API Gateway's fixed BAD_REQUEST_BODY problem.
      const invalid = await client.products.create({ name: '', price: -1 }).catch((e: unknown) => e);
      assert.ok(invalid instanceof ProblemError);
      assert.equal(invalid.status, 400);
      assert.equal(invalid.type, 'about:blank');
      assert.equal(invalid.detail, 'Invalid request body');
      // A patch that fits the model but leaves an invalid item: the function lists the fields.
      const mug = await client.products.create({ name: 'Mug', price: 3 });
      const emptied = await client.products.update(mug.id, { name: null }).catch((e: unknown) => e);
      assert.ok(emptied instanceof ProblemError);
      assert.equal(emptied.status, 400);
      assert.deepEqual(
        emptied.errors?.map((e) => e.path),
        ['name'],
      );
    });

    test('lists every item over many pages with an async iterator', async () => {
      const client = createClient({ baseUrl: url(), token });
      const tag = `paged-${Date.now()}`;
      const ids = new Set<string>();
      for (let i = 0; i < 5; i++)
        ids.add((await client.products.create({ name: `p${i}`, price: i, tags: [tag] })).id);
      const seen: string[] = [];
      let pages = 0;
      const counting = createClient({
        baseUrl: url(),
        token,
        fetch: (request) => {
          pages++;
          return fetch(request);
        },
      });
      for await (const product of counting.products.list({ pageSize: 2 })) {
        if (product.tags?.includes(tag)) seen.push(product.id);
      }
      assert.deepEqual(seen.sort(), [...ids].sort());
      assert.ok(pages >= 3, `${pages} pages`);
    });

    test('a create with an Idempotency-Key is served as any create; an aborted call sends nothing', async () => {
      const client = createClient({ baseUrl: url(), token });
      const keyed = await client.products.create(
        { name: 'Keyed mug', price: 3 },
        { idempotencyKey: crypto.randomUUID(), timeoutMs: 60_000 },
      );
      assert.equal((await client.products.get(keyed.id)).name, 'Keyed mug');
      let sent = 0;
      const counting = createClient({
        baseUrl: url(),
        token,
        fetch: (request) => {
          sent++;
          return fetch(request);
        },
      });
      const aborted = await counting.products
        .create({ name: 'Never', price: 1 }, { signal: AbortSignal.abort() })
        .catch((e: unknown) => e);
      assert.ok(aborted instanceof DOMException && aborted.name === 'AbortError', String(aborted));
      assert.equal(sent, 0);
    });

    test('every create carries its own Idempotency-Key: a retry after a lost answer gets the same item', async () => {
      const keys: (string | null)[] = [];
      let lostId: string | undefined;
      const client = createClient({
        baseUrl: url(),
        token,
        retry: { sleep: async () => {} },
        fetch: async (request) => {
          keys.push(request.headers.get('idempotency-key'));
          const answer = await fetch(request);
          if (lostId !== undefined || request.method !== 'POST') return answer;
          // The server created the item, but its answer is lost on the way: the client sees a 503.
          lostId = ((await answer.json()) as { id: string }).id;
          return new Response(null, { status: 503 });
        },
      });
      const item = await client.products.create({ name: 'Retried mug', price: 3 });
      assert.equal(item.id, lostId);
      assert.equal(keys.length, 2);
      assert.match(keys[0] ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      assert.equal(keys[1], keys[0]);
      await client.products.create({ name: 'Another mug', price: 3 });
      assert.notEqual(keys[2], keys[0]);
      const chosen = await client.products.create(
        { name: 'Keyed mug', price: 3 },
        { idempotencyKey: 'order-42-line-1' },
      );
      assert.equal(keys[3], 'order-42-line-1');
      assert.equal(
        (await client.products.create({ name: 'Keyed mug', price: 3 }, { idempotencyKey: 'order-42-line-1' }))
          .id,
        chosen.id,
      );
    });

    test('runs DynamoDBManager operations', async () => {
      const client = createClient({ baseUrl: url(), token });
      assert.equal(await client.manager({ operation: 'ping' }), 'pong');
      assert.deepEqual(await client.manager({ operation: 'echo', payload: { a: 1 } }), { a: 1 });
      const refused = await client
        .manager({ operation: 'list', tableName: 'users', payload: {} })
        .catch((e: unknown) => e);
      assert.ok(refused instanceof ProblemError);
      assert.equal(refused.status, 403);
    });
  });
}
