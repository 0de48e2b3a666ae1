import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ApiClient } from '../support/http.ts';
import type { TestSystem } from '../support/test-system.ts';
import { assertProblem } from './products-contract.ts';

const widget = { name: 'Conditional', price: 4 };
const weak = (tag: string) => `W/${tag}`;

/** Entity tags and RFC 9110 §13 preconditions on a typed resource, through real HTTP. */
export function preconditionsContract(api: () => ApiClient, system: () => TestSystem): void {
  describe('entity tags and preconditions', () => {
    const put = async (id: string, headers: Record<string, string> = {}, body: unknown = widget) =>
      api()('PUT', `/products/${id}`, { body, headers });
    const read = async (id: string) => api()('GET', `/products/${id}`);

    test('a tag from before a delete never matches the re-created item: PATCH, PUT, DELETE → 412', async () => {
      const id = `reborn-${Date.now()}`;
      const first = await put(id);
      assert.equal(first.status, 201, first.text);
      const old = first.headers.get('etag') ?? '';
      assert.equal((await api()('DELETE', `/products/${id}`)).status, 204);
      const again = await put(id, {}, { name: 'Second life', price: 5 });
      assert.equal(again.status, 201, again.text);
      assert.equal((again.json as { version: number }).version, 1, 'version is the counter, from 1 again');
      assert.notEqual(again.headers.get('etag'), old);
      const before = await read(id);
      const withOld = { 'If-Match': old };
      assertProblem(await api()('PATCH', `/products/${id}`, { body: { price: 1 }, headers: withOld }), 412);
      assertProblem(await put(id, withOld), 412);
      assertProblem(await api()('DELETE', `/products/${id}`, { headers: withOld }), 412);
      // The tag of the old design ("1", the version) does not match either.
      assertProblem(await put(id, { 'If-Match': '"1"' }), 412);
      const after = await read(id);
      assert.deepEqual(after.json, before.json);
      assert.equal(after.headers.get('etag'), again.headers.get('etag'));
    });

    test('an item stored before revisions existed has its version as tag until its next write', async () => {
      const id = `legacy-${Date.now()}`;
      const at = '2025-01-01T00:00:00.000Z';
      await system().putItem('products', {
        id,
        name: 'Old',
        price: 1,
        version: 3,
        createdAt: at,
        updatedAt: at,
      });
      assert.equal((await read(id)).headers.get('etag'), '"v3"');
      const notModified = await api()('GET', `/products/${id}`, { headers: { 'If-None-Match': '"v3"' } });
      assert.equal(notModified.status, 304);
      assertProblem(await put(id, { 'If-Match': '"v2"' }), 412);
      const patched = await api()('PATCH', `/products/${id}`, {
        body: { price: 2 },
        headers: { 'If-Match': '"v3"' },
      });
      assert.equal(patched.status, 200, patched.text);
      assert.equal((patched.json as { version: number }).version, 4);
      assert.match(patched.headers.get('etag') ?? '', /^"[A-Za-z0-9_-]{16}"$/);
      assertProblem(await api()('DELETE', `/products/${id}`, { headers: { 'If-Match': '"v3"' } }), 412);
      const legacyPut = `legacy-put-${Date.now()}`;
      await system().putItem('products', {
        id: legacyPut,
        name: 'Old',
        price: 1,
        version: 1,
        createdAt: at,
        updatedAt: at,
      });
      assert.equal((await put(legacyPut, { 'If-Match': '"v1"' })).status, 200);
    });

    test('GET: If-None-Match matching weakly is 304 with the ETag and no body; If-Match decides first', async () => {
      const id = `get-cond-${Date.now()}`;
      const tag = (await put(id)).headers.get('etag') ?? '';
      for (const header of [tag, weak(tag), `"other", ${tag}`, '*']) {
        const reply = await api()('GET', `/products/${id}`, { headers: { 'If-None-Match': header } });
        assert.equal(reply.status, 304, header);
        assert.equal(reply.headers.get('etag'), tag, header);
        assert.equal(reply.text, '', header);
      }
      const other = await api()('GET', `/products/${id}`, { headers: { 'If-None-Match': '"other"' } });
      assert.equal(other.status, 200);
      assert.equal(other.headers.get('etag'), tag);
      assertProblem(await api()('GET', `/products/${id}`, { headers: { 'If-Match': weak(tag) } }), 412);
      assertProblem(
        await api()('GET', `/products/${id}`, { headers: { 'If-Match': '"other"', 'If-None-Match': tag } }),
        412,
      );
      const listed = await api()('GET', `/products/${id}`, { headers: { 'If-Match': `"other", ${tag}` } });
      assert.equal(listed.status, 200);
      assertProblem(await api()('GET', '/products/nothing-here', { headers: { 'If-None-Match': '*' } }), 404);
    });

    test('PUT: If-Match compares strongly, If-None-Match weakly (412), lists and * both ways', async () => {
      const id = `put-cond-${Date.now()}`;
      const tag = (await put(id)).headers.get('etag') ?? '';
      assertProblem(await put(id, { 'If-Match': weak(tag) }), 412);
      assertProblem(await put(id, { 'If-None-Match': tag }), 412);
      assertProblem(await put(id, { 'If-None-Match': weak(tag) }), 412);
      assertProblem(await put(id, { 'If-None-Match': `"a", ${weak(tag)}` }), 412);
      assertProblem(await put(id, { 'If-Match': tag, 'If-None-Match': tag }), 412);
      assert.equal((await read(id)).headers.get('etag'), tag, 'nothing was written');
      const listed = await put(id, { 'If-Match': `"a", ${tag}`, 'If-None-Match': '"b"' });
      assert.equal(listed.status, 200, listed.text);
      const replaced = await put(id, { 'If-None-Match': '"not-current"' });
      assert.equal(replaced.status, 200, replaced.text);
      const created = await put(`${id}-new`, { 'If-None-Match': tag });
      assert.equal(created.status, 201, 'no current item: If-None-Match with tags holds');
      assertProblem(await put(`${id}-none`, { 'If-Match': '*' }), 412);
    });

    test('PATCH and DELETE: If-None-Match matching is 412 and changes nothing', async () => {
      const id = `patch-cond-${Date.now()}`;
      const tag = (await put(id)).headers.get('etag') ?? '';
      const path = `/products/${id}`;
      assertProblem(
        await api()('PATCH', path, { body: { price: 9 }, headers: { 'If-None-Match': tag } }),
        412,
      );
      assertProblem(
        await api()('PATCH', path, { body: { price: 9 }, headers: { 'If-None-Match': '*' } }),
        412,
      );
      assertProblem(
        await api()('PATCH', path, { body: { price: 9 }, headers: { 'If-Match': weak(tag) } }),
        412,
      );
      assertProblem(await api()('DELETE', path, { headers: { 'If-None-Match': weak(tag) } }), 412);
      assertProblem(await api()('DELETE', path, { headers: { 'If-Match': '*', 'If-None-Match': tag } }), 412);
      const unchanged = await read(id);
      assert.equal(unchanged.headers.get('etag'), tag);
      assert.equal((unchanged.json as { price: number }).price, widget.price);
      const patched = await api()('PATCH', path, {
        body: { price: 9 },
        headers: { 'If-Match': `W/"x", ${tag}`, 'If-None-Match': '"x"' },
      });
      assert.equal(patched.status, 200, patched.text);
      const next = patched.headers.get('etag') ?? '';
      const deleted = await api()('DELETE', path, { headers: { 'If-Match': '*', 'If-None-Match': tag } });
      assert.equal(deleted.status, 204, deleted.text);
      assertProblem(await api()('DELETE', path, { headers: { 'If-Match': next } }), 404);
    });
  });
}
