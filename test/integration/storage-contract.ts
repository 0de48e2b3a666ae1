import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { encodeCursor, type PageKey } from '#src/domain/cursor.ts';
import type { ApiClient, Reply } from '../support/http.ts';
import { assertNamesField, assertProblem } from './products-contract.ts';

/** Numbers DynamoDB cannot store, as JSON text (JSON.stringify could not even write some). */
const UNSTORABLE = ['1e300', '1.7976931348623157e308', '1e-200', '1234567890123456789012345678901234567890'];

/** A 400 problem that names the field. */
function assertFieldError(reply: Reply, path: string): void {
  assertProblem(reply, 400);
  assertNamesField(reply, path);
}

/** What DynamoDB can store — numbers, sizes, nested patches — through real HTTP (gizmos, products). */
export function storageContract(api: () => ApiClient): void {
  describe('what DynamoDB can store', () => {
    test('a number DynamoDB cannot hold is a 400 naming the field on POST, PUT and PATCH', async () => {
      const created = await api()('POST', '/products', { body: { name: 'numbers', price: 1 } });
      const path = created.headers.get('location') ?? '';
      for (const number of UNSTORABLE) {
        const body = `{"name":"n","price":${number}}`;
        assertFieldError(await api()('POST', '/products', { raw: body }), 'price');
        assertFieldError(await api()('PUT', path, { raw: body }), 'price');
        assertFieldError(await api()('PATCH', path, { raw: `{"price":${number}}` }), 'price');
        assertFieldError(
          await api()('POST', '/gizmos', { raw: `{"label":"g","size":{"w":1,"h":${number}}}` }),
          'size.h',
        );
        assertFieldError(
          await api()('POST', '/gizmos', { raw: `{"label":"g","readings":[1,2,${number}]}` }),
          'readings.2',
        );
      }
      const after = await api()('GET', path);
      assert.deepEqual(after.json, created.json, 'nothing was written');
    });

    test('numbers at the edges of what DynamoDB stores are stored and read back', async () => {
      const raw = '{"label":"edges","readings":[9.999999999999998e125,-1e-130,1e20,0,-0.5]}';
      const created = await api()('POST', '/gizmos', { raw });
      assert.equal(created.status, 201, created.text);
      const read = await api()('GET', created.headers.get('location') ?? '');
      assert.deepEqual(
        (read.json as { readings: number[] }).readings,
        [9.999999999999998e125, -1e-130, 1e20, 0, -0.5],
      );
    });

    test('an item over 400 KB as DynamoDB counts it is a 413, even from a smaller body', async () => {
      // 150,000 numbers: a 300 KB body, about 450 KB as DynamoDB sizes a list of numbers.
      const readings = Array(150_000).fill(1);
      assertProblem(await api()('POST', '/gizmos', { body: { label: 'big', readings } }), 413);
      assertProblem(await api()('PUT', '/gizmos/big-one', { body: { label: 'big', readings } }), 413);
      const notes = 'n'.repeat(250_000);
      const created = await api()('POST', '/gizmos', { body: { label: 'half', notes } });
      assert.equal(created.status, 201, created.text);
      const path = created.headers.get('location') ?? '';
      const more = { readings: Array(60_000).fill(7) };
      const patched = await api()('PATCH', path, { body: more });
      assertProblem(patched, 413);
      assert.equal((await api()('GET', path)).headers.get('etag'), created.headers.get('etag'));
      const nearLimit = await api()('POST', '/gizmos', {
        body: { label: 'full', notes: 'x'.repeat(409_000) },
      });
      assert.equal(nearLimit.status, 201, 'an item just under the limit is stored');
    });

    test("a cursor is bound to its table and to the table's key shape", async () => {
      for (const label of ['c1', 'c2']) await api()('POST', '/gizmos', { body: { label } });
      const page = (await api()('GET', '/gizmos?limit=1')).json as { nextCursor: string };
      assert.equal(typeof page.nextCursor, 'string');
      const cursor = encodeURIComponent(page.nextCursor);
      assert.equal((await api()('GET', `/gizmos?limit=1&cursor=${cursor}`)).status, 200);
      assertProblem(await api()('GET', `/products?limit=1&cursor=${cursor}`), 400);
      // Cursors a client computed itself (the checksum is not secret): only the key's shape decides.
      const scope = { table: 'products', key: { id: 'string' } } as const;
      for (const key of [{ id: 5 }, { id: 'a', extra: 'b' }, { id: '' }, { other: 'a' }] as PageKey[]) {
        const forged = encodeURIComponent(encodeCursor(key, scope));
        assertProblem(await api()('GET', `/products?cursor=${forged}`), 400);
      }
      const wellFormed = encodeURIComponent(encodeCursor({ id: 'any-id-at-all' }, scope));
      assert.equal((await api()('GET', `/products?cursor=${wellFormed}`)).status, 200);
    });

    test('PATCH merges nested objects: partial members, null removes one, the result validated', async () => {
      const created = await api()('POST', '/gizmos', {
        body: {
          label: 'nested',
          size: { w: 1, h: 2, unit: 'cm' },
          place: { city: 'Oslo', geo: { lat: 1, lon: 2 } },
        },
      });
      assert.equal(created.status, 201, created.text);
      const path = created.headers.get('location') ?? '';
      const patch = async (body: unknown) =>
        api()('PATCH', path, {
          raw: JSON.stringify(body),
          headers: { 'Content-Type': 'application/merge-patch+json' },
        });
      const first = await patch({ size: { h: 3 }, place: { geo: { lat: 5 } } });
      assert.equal(first.status, 200, first.text);
      assert.deepEqual((first.json as { size: unknown }).size, { w: 1, h: 3, unit: 'cm' });
      assert.deepEqual((first.json as { place: unknown }).place, { city: 'Oslo', geo: { lat: 5, lon: 2 } });
      const second = await patch({ size: { unit: null }, place: { geo: null } });
      assert.equal(second.status, 200, second.text);
      assert.deepEqual((second.json as { size: unknown }).size, { w: 1, h: 3 });
      assert.deepEqual((second.json as { place: unknown }).place, { city: 'Oslo' });
      const before = await api()('GET', path);
      assertFieldError(await patch({ size: { w: null } }), 'size.w');
      assertFieldError(await patch({ size: { depth: 1 } }), 'size.depth');
      for (const raw of ['{"size":{"__proto__":{"w":1}}}', '{"place":{"constructor":{"prototype":{}}}}']) {
        assertProblem(await api()('PATCH', path, { raw }), 400);
      }
      const after = await api()('GET', path);
      assert.deepEqual(after.json, before.json);
      assert.equal(after.headers.get('etag'), before.headers.get('etag'));
    });
  });
}
