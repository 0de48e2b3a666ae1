import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { allow } from './access.ts';
import { defineCrudResource } from './crud-resource.ts';
import type { IndexInput } from './secondary-indexes.ts';

const item = z.strictObject({
  name: z.string().min(1).max(50),
  price: z.number().min(0),
  status: z.enum(['open', 'shut']).optional(),
  note: z.string().max(10).optional(),
  maybe: z.string().min(1).nullable(),
  tags: z.array(z.string()).optional(),
});

const declare = (indexes: Record<string, IndexInput>, owner = false) =>
  defineCrudResource({
    name: 'things',
    item,
    access: owner
      ? { read: allow.owner(), write: allow.owner() }
      : { read: allow.signedIn(), write: allow.signedIn() },
    indexes,
  });

test('an index keyed on item and system fields gets the fields types, and the list alone queries it', () => {
  const service = declare({
    byName: { partitionKey: 'name', sortKey: 'price' },
    byStatus: { partitionKey: 'status', sortKey: 'createdAt' },
  });
  assert.deepEqual(service.table.indexes, [
    {
      name: 'byName',
      partitionKey: { field: 'name', type: 'string' },
      sortKey: { field: 'price', type: 'number' },
      key: { hash: { attribute: 'name', type: 'string' }, range: { attribute: 'price', type: 'number' } },
    },
    {
      name: 'byStatus',
      partitionKey: { field: 'status', type: 'string', values: ['open', 'shut'] },
      sortKey: { field: 'createdAt', type: 'string' },
      key: {
        hash: { attribute: 'status', type: 'string' },
        range: { attribute: 'createdAt', type: 'string' },
      },
    },
  ]);
  const querying = service.functions.filter((fn) => fn.indexes).map((fn) => [fn.name, fn.indexes]);
  assert.deepEqual(querying, [['things-list', ['byName', 'byStatus']]]);
});

test("an owner-scoped index is keyed by the owner, then the field: a query stays in the caller's items", () => {
  const service = declare({ byStatus: { partitionKey: 'status' } }, true);
  assert.deepEqual(service.table.indexes?.[0]?.key, {
    hash: { attribute: 'owner', type: 'string' },
    range: { attribute: 'status', type: 'string' },
  });
  assert.throws(
    () => declare({ byStatus: { partitionKey: 'status', sortKey: 'createdAt' } }, true),
    /index byStatus: an owner-scoped index .* takes no sortKey/,
  );
});

test('refuses, naming index and field, what DynamoDB could not key or the local engines could not serve', () => {
  const cases: [Record<string, IndexInput>, RegExp][] = [
    [{ byX: { partitionKey: 'nope' } }, /index byX: partitionKey "nope" is not a field of the item schema/],
    [{ byTags: { partitionKey: 'tags' } }, /index byTags: partitionKey "tags" is of type array/],
    [{ byNote: { partitionKey: 'note' } }, /index byNote: partitionKey "note" is a string that may be empty/],
    [{ byMaybe: { partitionKey: 'maybe' } }, /index byMaybe: partitionKey "maybe" may be null/],
    [
      { byTwo: { partitionKey: ['name', 'status'] } },
      /index byTwo: partitionKey names 2 fields: one field per key/,
    ],
    [{ x: { partitionKey: 'name' } }, /index x: its name must be 3–255 characters/],
    [{ byName: { partitionKey: 'name', sortKey: 'name' } }, /partitionKey and sortKey are the same field/],
    [
      { byName: { partitionKey: 'name' }, again: { partitionKey: 'name' } },
      /index again: has the same key as index byName/,
    ],
    [
      { byName: { partitionKey: 'name', projection: 'KEYS_ONLY' as 'ALL' } },
      /projection "KEYS_ONLY": only ALL/,
    ],
  ];
  for (const [indexes, expected] of cases) {
    assert.throws(
      () => declare(indexes),
      (error: Error) => {
        assert.match(error.message, /^Invalid declaration of service "things": /);
        assert.match(error.message, expected);
        return true;
      },
    );
  }
  const many = Object.fromEntries(
    Array.from({ length: 21 }, (_, i) => [
      `index${i}`,
      { partitionKey: 'name', sortKey: i % 2 ? 'price' : 'createdAt' },
    ]),
  );
  assert.throws(() => declare(many), /21 indexes: DynamoDB allows at most 20 per table/);
});
