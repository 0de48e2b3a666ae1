import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ApiClient, Reply } from '../support/http.ts';
import type { TestSystem } from '../support/test-system.ts';
import { assertProblem } from './products-contract.ts';

/** A strong tag made from a stored item's content: never `"vNaN"`, never a revision's shape. */
const CONTENT_TAG = /^"c\.[A-Za-z0-9_-]{22}"$/;
const REVISION_TAG = /^"[A-Za-z0-9_-]{16}"$/;

/**
 * Items the handlers did not write — put by DynamoDBManager, an import, an older schema: no
 * revision, no version, fields the schema no longer declares. Served, written and deleted with
 * preconditions that stay correct, and nothing of them lost.
 */
export function foreignItems(api: () => ApiClient, system: () => TestSystem): void {
  const stored = async (id: string) => (await system().scan('products')).find((item) => item.id === id);
  const etag = (reply: Reply) => reply.headers.get('etag') ?? '';
  const patch = (id: string, body: unknown, headers: Record<string, string> = {}) =>
    api()('PATCH', `/products/${id}`, {
      body,
      headers: { 'Content-Type': 'application/merge-patch+json', ...headers },
    });

  describe('items the handlers did not write', () => {
    test('GET gives a strong tag made from the content, stable while it is unchanged, and leaves undeclared fields out', async () => {
      const id = `foreign-get-${Date.now()}`;
      await system().putItem('products', { id, name: 'Imported', price: 2, colour: 'red' });
      const first = await api()('GET', `/products/${id}`);
      assert.equal(first.status, 200, first.text);
      assert.match(etag(first), CONTENT_TAG);
      assert.deepEqual(first.json, { id, name: 'Imported', price: 2 });
      assert.equal(
        etag(await api()('GET', `/products/${id}`)),
        etag(first),
        'the same content, the same tag',
      );
      const notModified = await api()('GET', `/products/${id}`, {
        headers: { 'If-None-Match': etag(first) },
      });
      assert.equal(notModified.status, 304);
      // Another tool changes it: the tag changes with it.
      await system().putItem('products', { id, name: 'Imported', price: 3, colour: 'red' });
      const changed = await api()('GET', `/products/${id}`, { headers: { 'If-None-Match': etag(first) } });
      assert.equal(changed.status, 200);
      assert.match(etag(changed), CONTENT_TAG);
      assert.notEqual(etag(changed), etag(first));
    });

    test('PATCH honours If-Match on the content tag, keeps undeclared fields and gives the item a version and revision', async () => {
      const id = `foreign-patch-${Date.now()}`;
      await system().putItem('products', {
        id,
        name: 'Imported',
        price: 2,
        colour: 'red',
        legacy: { a: [1] },
      });
      const tag = etag(await api()('GET', `/products/${id}`));
      assertProblem(await patch(id, { price: 5 }, { 'If-Match': '"c.AAAAAAAAAAAAAAAAAAAAAA"' }), 412);
      assertProblem(await patch(id, { price: 5 }, { 'If-None-Match': tag }), 412);
      const patched = await patch(id, { price: 5 }, { 'If-Match': tag });
      assert.equal(patched.status, 200, patched.text);
      assert.match(etag(patched), REVISION_TAG);
      const item = patched.json as Record<string, unknown>;
      assert.equal(item.price, 5);
      assert.equal(item.version, 1);
      assert.equal(item.colour, undefined, 'left out of the response');
      const kept = await stored(id);
      assert.equal(kept?.colour, 'red');
      assert.deepEqual(kept?.legacy, { a: [1] });
      assertProblem(await patch(id, { price: 6 }, { 'If-Match': tag }), 412);
      // Once written by a handler, it is an item like any other.
      const again = await patch(id, { name: 'Renamed' }, { 'If-Match': etag(patched) });
      assert.equal(again.status, 200, again.text);
      assert.equal((again.json as { version: number }).version, 2);
      assert.equal((await stored(id))?.colour, 'red');
    });

    test('PUT replaces the declared fields only, answers 200 (it existed) and honours the content tag', async () => {
      const id = `foreign-put-${Date.now()}`;
      await system().putItem('products', { id, name: 'Imported', price: 2, colour: 'red', version: 'three' });
      const tag = etag(await api()('GET', `/products/${id}`));
      assert.match(tag, CONTENT_TAG, 'a version that is not a whole number is no version');
      const body = { name: 'Replaced', price: 9 };
      assertProblem(await api()('PUT', `/products/${id}`, { body, headers: { 'If-None-Match': '*' } }), 412);
      assertProblem(await api()('PUT', `/products/${id}`, { body, headers: { 'If-Match': '"other"' } }), 412);
      const replaced = await api()('PUT', `/products/${id}`, { body, headers: { 'If-Match': tag } });
      assert.equal(replaced.status, 200, replaced.text);
      assert.deepEqual(
        { ...(replaced.json as Record<string, unknown>), createdAt: undefined, updatedAt: undefined },
        { id, ...body, version: 1, createdAt: undefined, updatedAt: undefined },
      );
      assert.equal((await stored(id))?.colour, 'red');
      const plain = `foreign-put-plain-${Date.now()}`;
      await system().putItem('products', { id: plain, name: 'Imported', price: 2, colour: 'blue' });
      const unconditional = await api()('PUT', `/products/${plain}`, { body });
      assert.equal(unconditional.status, 200, unconditional.text);
      assert.equal((await stored(plain))?.colour, 'blue');
    });

    test('DELETE honours If-Match on the content tag, and deletes without one', async () => {
      const id = `foreign-delete-${Date.now()}`;
      await system().putItem('products', { id, name: 'Imported', price: 2 });
      const tag = etag(await api()('GET', `/products/${id}`));
      assertProblem(await api()('DELETE', `/products/${id}`, { headers: { 'If-Match': '"other"' } }), 412);
      assertProblem(await api()('DELETE', `/products/${id}`, { headers: { 'If-None-Match': tag } }), 412);
      assert.ok(await stored(id), 'still there');
      assert.equal((await api()('DELETE', `/products/${id}`, { headers: { 'If-Match': tag } })).status, 204);
      assert.equal(await stored(id), undefined);
      const plain = `foreign-delete-plain-${Date.now()}`;
      await system().putItem('products', { id: plain, name: 'Imported', price: 2, colour: 'x' });
      assert.equal((await api()('DELETE', `/products/${plain}`)).status, 204);
      assert.equal(await stored(plain), undefined);
      assertProblem(await api()('DELETE', `/products/${plain}`), 404);
    });

    test('lists them without their undeclared fields', async () => {
      const id = `foreign-list-${Date.now()}`;
      // Deleted again at the end: other suites list products through the describing client.
      await system().putItem('products', { id, name: 'Imported', price: 2, colour: 'red' });
      let cursor: string | null = null;
      let found: Record<string, unknown> | undefined;
      do {
        const query: string = cursor ? `&cursor=${cursor}` : '';
        const page = await api()('GET', `/products?limit=100${query}`);
        assert.equal(page.status, 200, page.text);
        const json = page.json as { items: Record<string, unknown>[]; nextCursor: string | null };
        found ??= json.items.find((item) => item.id === id);
        cursor = json.nextCursor;
      } while (cursor);
      assert.deepEqual(found, { id, name: 'Imported', price: 2 });
    });

    // Last: the items put here lack the system fields other suites' listings are checked for.
    test('every foreign item left here is deleted through the API', async () => {
      const left = (await system().scan('products')).filter((item) => String(item.id).startsWith('foreign-'));
      for (const { id } of left) {
        assert.equal((await api()('DELETE', `/products/${String(id)}`)).status, 204, String(id));
      }
      const rest = (await system().scan('products')).filter((item) => String(item.id).startsWith('foreign-'));
      assert.deepEqual(rest, []);
    });
  });
}
