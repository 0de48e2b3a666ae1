import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { runtimeService } from '../build/runtime-service.ts';
import { allow } from '../declaration/access.ts';
import { defineCrudResource } from '../declaration/crud-resource.ts';
import { zodFieldsValidator } from '../declaration/zod-fields.ts';
import { ValidationError } from './errors.ts';
import { clientFields, ID_PATTERN, newId, orderItem } from './item.ts';

const schema = z.strictObject({ name: z.string().min(1), price: z.number().min(0) });
const service = defineCrudResource({
  name: 'things',
  item: schema,
  access: { read: allow.signedIn(), write: allow.signedIn() },
});
const checkItem = runtimeService(service).item;

test('makes URL-safe ids that sort by creation time', () => {
  const ids = Array.from({ length: 50 }, newId);
  assert.deepEqual([...ids].sort(), ids);
  for (const id of ids) assert.match(id, ID_PATTERN);
});

for (const [name, validate] of [
  ['the precompiled schema', checkItem],
  ['zod (schemas JSON Schema cannot say)', zodFieldsValidator(schema)],
] as const) {
  test(`${name} reports every failing field, and system fields as server-owned`, () => {
    try {
      validate?.({ name: '', price: 'x', version: 3, colour: 'red' });
      assert.fail('expected a ValidationError');
    } catch (error) {
      assert.ok(error instanceof ValidationError);
      const byPath = Object.fromEntries((error.errors ?? []).map((e) => [e.path, e.message]));
      assert.deepEqual(Object.keys(byPath).sort(), ['colour', 'name', 'price', 'version']);
      assert.match(byPath.version ?? '', /set by the server/);
      assert.match(byPath.colour ?? '', /not a known field/);
    }
  });
}

test('strips system fields from a stored item', () => {
  assert.deepEqual(clientFields({ id: 'a', version: 1, createdAt: 'x', updatedAt: 'y', name: 'n' }), {
    name: 'n',
  });
});

test('orders an item: id, schema fields, then version and timestamps; undeclared fields left out', () => {
  const item = { version: 2, price: 1, updatedAt: 'u', extra: true, id: 'a', createdAt: 'c', name: 'n' };
  assert.deepEqual(Object.keys(orderItem(item, ['name', 'price', 'tags'])), [
    'id',
    'name',
    'price',
    'version',
    'createdAt',
    'updatedAt',
  ]);
});
