import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ApiClient } from '../support/http.ts';
import { GADGET_FIELDS } from '../support/throwaway-service.ts';

const PARALLEL = 20;

/**
 * Concurrent writers never lose an update (design §4), with 20 requests in flight at once.
 * `throwaway: false` leaves out what needs the suites' throwaway service (a deployed stack has none).
 */
export function concurrency(api: () => ApiClient, { throwaway = true }: { throwaway?: boolean } = {}): void {
  describe('concurrent writers', () => {
    test('20 PATCHes with the same If-Match: exactly one 200, the rest 412', async () => {
      const created = await api()('POST', '/products', { body: { name: 'contended', price: 1 } });
      const path = created.headers.get('location') ?? '';
      const tag = created.headers.get('etag') ?? '';
      const replies = await Promise.all(
        Array.from({ length: PARALLEL }, (_, i) =>
          api()('PATCH', path, { body: { price: i + 100 }, headers: { 'If-Match': tag } }),
        ),
      );
      const statuses = replies.map((r) => r.status).sort();
      assert.deepEqual(statuses, [200, ...Array(PARALLEL - 1).fill(412)], JSON.stringify(statuses));
      const final = await api()('GET', path);
      assert.equal((final.json as { version: number }).version, 2);
      const winner = replies.find((r) => r.status === 200);
      assert.equal(final.headers.get('etag'), winner?.headers.get('etag'));
    });

    if (!throwaway) return;
    test('20 PATCHes without If-Match, each setting another field: no field is lost', async () => {
      const created = await api()('POST', '/gadgets', { body: { label: 'many writers' } });
      assert.equal(created.status, 201, created.text);
      const path = created.headers.get('location') ?? '';
      const replies = await Promise.all(
        Array.from({ length: GADGET_FIELDS }, (_, i) =>
          api()('PATCH', path, { body: { [`f${i}`]: `value ${i}` } }),
        ),
      );
      assert.deepEqual(
        replies.map((r) => r.status),
        Array(GADGET_FIELDS).fill(200),
        replies.map((r) => r.text).join('\n'),
      );
      const item = (await api()('GET', path)).json as Record<string, unknown>;
      for (let i = 0; i < GADGET_FIELDS; i++) assert.equal(item[`f${i}`], `value ${i}`, `f${i}`);
      assert.equal(item.version, GADGET_FIELDS + 1);
    });
  });
}
