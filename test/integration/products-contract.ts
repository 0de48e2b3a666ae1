import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ApiClient, Reply } from '../support/http.ts';

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
const ETAG = /^"[A-Za-z0-9_-]{16}"$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export function assertProblem(reply: Reply, status: number): void {
  assert.equal(reply.status, status, reply.text);
  assert.equal(reply.headers.get('content-type'), 'application/problem+json');
  const body = reply.json as Record<string, unknown>;
  assert.equal(body.status, status);
  for (const key of ['type', 'title', 'detail']) assert.equal(typeof body[key], 'string', key);
  // RFC 9457: `instance` is a URI reference; here the request id as a UUID URN.
  assert.match(
    String(body.instance),
    /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
  );
  assert.doesNotMatch(reply.text, /\bat .+\.(ts|js|mjs):\d+/, 'no stack trace');
}

/**
 * The problem names the field in `errors` when the function refused the body. When the stage's
 * model refused it first (it carries what draft 4 can express, e.g. DynamoDB's number magnitudes),
 * the body is API Gateway's fixed `BAD_REQUEST_BODY` ("Invalid request body": its validation
 * message cannot be placed in JSON safely) and the reason, field included, is in the gateway's log
 * (the stage-gateway tests check that line).
 */
export function assertNamesField(reply: Reply, path: string, what = ''): void {
  const body = reply.json as { type?: string; errors?: { path: string }[]; detail?: string };
  const byStage = body.type === 'about:blank' && body.detail === 'Invalid request body';
  assert.ok(
    byStage || (body.errors ?? []).some((e) => e.path === path),
    `${what} names ${path}: ${reply.text}`,
  );
}

const widget = { name: 'Widget', price: 9.5, description: 'A widget', tags: ['a', 'b'] };

/** Every row of the typed-resource contract (design §4), through real HTTP. */
export function productsContract(api: () => ApiClient): void {
  describe('products', () => {
    test('POST creates an item: 201, Location, ETag and system fields', async () => {
      const reply = await api()('POST', '/products', { body: widget });
      assert.equal(reply.status, 201, reply.text);
      const item = reply.json as Record<string, unknown>;
      assert.match(String(item.id), ULID);
      assert.equal(item.version, 1);
      assert.match(String(item.createdAt), ISO);
      assert.equal(item.createdAt, item.updatedAt);
      assert.deepEqual(
        { ...item, id: 0, version: 0, createdAt: 0, updatedAt: 0 },
        { ...widget, id: 0, version: 0, createdAt: 0, updatedAt: 0 },
      );
      assert.equal(reply.headers.get('location'), `/products/${item.id}`);
      assert.match(reply.headers.get('etag') ?? '', ETAG);
      assert.equal(reply.headers.get('access-control-allow-origin'), '*');
      assert.match(reply.headers.get('access-control-expose-headers') ?? '', /ETag,\s*Location/);
      const read = await api()('GET', reply.headers.get('location') ?? '');
      assert.equal(read.status, 200);
      assert.deepEqual(read.json, item);
      assert.equal(read.headers.get('etag'), reply.headers.get('etag'));
    });

    test('GET answers 404 problem+json for an unknown id', async () => {
      assertProblem(await api()('GET', '/products/01ARZ3NDEKTSV4RRFFQ69G5FAV'), 404);
    });

    test('PUT creates with the client id (201) then replaces (200), dropping omitted fields', async () => {
      const id = `put-${Date.now()}`;
      const created = await api()('PUT', `/products/${id}`, { body: widget });
      assert.equal(created.status, 201, created.text);
      assert.match(created.headers.get('etag') ?? '', ETAG);
      assert.equal(created.headers.get('location'), `/products/${id}`);
      const replaced = await api()('PUT', `/products/${id}`, { body: { name: 'Plain', price: 1 } });
      assert.equal(replaced.status, 200, replaced.text);
      assert.match(replaced.headers.get('etag') ?? '', ETAG);
      assert.notEqual(replaced.headers.get('etag'), created.headers.get('etag'));
      const item = replaced.json as Record<string, unknown>;
      assert.equal(item.description, undefined);
      assert.equal(item.tags, undefined);
      assert.equal(item.createdAt, (created.json as Record<string, unknown>).createdAt);
      assert.equal(item.version, 2);
    });

    test('PUT honours If-Match and If-None-Match: *', async () => {
      const id = `cond-${Date.now()}`;
      const first = await api()('PUT', `/products/${id}`, {
        body: widget,
        headers: { 'If-None-Match': '*' },
      });
      assert.equal(first.status, 201);
      const tag = first.headers.get('etag') ?? '';
      assertProblem(
        await api()('PUT', `/products/${id}`, { body: widget, headers: { 'If-None-Match': '*' } }),
        412,
      );
      assertProblem(
        await api()('PUT', `/products/${id}`, { body: widget, headers: { 'If-Match': '"7"' } }),
        412,
      );
      assertProblem(
        await api()('PUT', `/products/absent-${id}`, { body: widget, headers: { 'If-Match': tag } }),
        412,
      );
      const ok = await api()('PUT', `/products/${id}`, { body: widget, headers: { 'If-Match': tag } });
      assert.equal(ok.status, 200);
      assert.equal((ok.json as { version: number }).version, 2);
    });

    test('PATCH merges (RFC 7396), validates the result and honours If-Match', async () => {
      const created = await api()('POST', '/products', { body: widget });
      const path = created.headers.get('location') ?? '';
      const patched = await api()('PATCH', path, {
        raw: JSON.stringify({ price: 12, description: null }),
        headers: { 'Content-Type': 'application/merge-patch+json' },
      });
      assert.equal(patched.status, 200, patched.text);
      const tag = patched.headers.get('etag') ?? '';
      assert.match(tag, ETAG);
      const item = patched.json as Record<string, unknown>;
      assert.equal(item.price, 12);
      assert.equal(item.description, undefined);
      assert.deepEqual(item.tags, widget.tags);
      assertProblem(await api()('PATCH', path, { body: { name: null } }), 400);
      const stale = created.headers.get('etag') ?? '';
      assertProblem(await api()('PATCH', path, { body: { price: 1 }, headers: { 'If-Match': stale } }), 412);
      assert.equal(
        (await api()('PATCH', path, { body: { price: 2 }, headers: { 'If-Match': tag } })).status,
        200,
      );
      assertProblem(
        await api()('PATCH', '/products/01ARZ3NDEKTSV4RRFFQ69G5FAV', { body: { price: 1 } }),
        404,
      );
    });

    test('DELETE answers 204, then 404; a mismatched If-Match is 412 and keeps the item', async () => {
      const created = await api()('POST', '/products', { body: widget });
      const path = created.headers.get('location') ?? '';
      assertProblem(await api()('DELETE', path, { headers: { 'If-Match': '"9"' } }), 412);
      assert.equal((await api()('GET', path)).status, 200);
      const deleted = await api()('DELETE', path, {
        headers: { 'If-Match': created.headers.get('etag') ?? '' },
      });
      assert.equal(deleted.status, 204);
      assert.equal(deleted.text, '');
      assertProblem(await api()('DELETE', path), 404);
      assertProblem(await api()('GET', path), 404);
    });

    test('GET lists every item once across pages, then nextCursor is null', async () => {
      const ids = new Set<string>();
      for (let i = 0; i < 5; i++) {
        ids.add(
          (
            (await api()('POST', '/products', { body: { name: `page ${i}`, price: i } })).json as {
              id: string;
            }
          ).id,
        );
      }
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
        const reply = await api()('GET', `/products?limit=2${query}`);
        assert.equal(reply.status, 200, reply.text);
        const page = reply.json as { items: { id: string }[]; nextCursor: string | null };
        assert.ok(page.items.length <= 2);
        seen.push(...page.items.map((item) => item.id));
        cursor = page.nextCursor;
        pages++;
      } while (cursor && pages < 100);
      assert.equal(cursor, null);
      assert.equal(new Set(seen).size, seen.length, 'no item twice');
      for (const id of ids) assert.ok(seen.includes(id), id);
      const first = (await api()('GET', '/products')).json as { items: unknown[] };
      assert.ok(first.items.length <= 20, 'default limit is 20');
    });
  });
}
