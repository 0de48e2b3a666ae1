import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { loadShippedServices } from '../../test/support/shipped-services.ts';
import { isPlainSchema, runtimeService, runtimeServiceSource } from './runtime-service.ts';

test('the shipped item schemas compile to validators; refinements, transforms, formats and stripping objects keep zod', async () => {
  for (const { service } of await loadShippedServices()) {
    if (service.itemSchema) assert.ok(isPlainSchema(service.itemSchema), service.name);
  }
  for (const schema of [
    z.strictObject({ name: z.string().refine((s) => s !== 'x') }),
    z.strictObject({ name: z.string().trim() }),
    z.strictObject({ email: z.email() }),
    z.strictObject({ place: z.object({ city: z.string() }) }),
  ]) {
    assert.equal(isPlainSchema(schema), false);
  }
});

test('a compiled item validator accepts what zod accepts and names each failing field', () => {
  const item = z.strictObject({
    name: z.string().min(1).max(3),
    qty: z.int().min(1),
    tags: z.array(z.string()).max(2).optional(),
    size: z.strictObject({ w: z.number() }).optional(),
  });
  const service = {
    name: 'things',
    table: { name: 'things', partitionKey: 'id' },
    functions: [],
    itemSchema: item,
  };
  const { item: check, patch } = runtimeService(service);
  const good = { name: '😀a', qty: 2, tags: ['a'], size: { w: 1 } };
  assert.deepEqual(check?.(good), item.parse(good));
  assert.throws(
    () => check?.({ name: '😀😀', qty: 1.5, size: { w: 1, h: 2 }, id: 'x' }),
    (error: { errors: { path: string; message: string }[] }) => {
      const paths = error.errors.map((e) => e.path).sort();
      assert.deepEqual(paths, ['id', 'name', 'qty', 'size.h']);
      assert.match(error.errors.find((e) => e.path === 'id')?.message ?? '', /set by the server/);
      assert.match(error.errors.find((e) => e.path === 'size.h')?.message ?? '', /not a known field/);
      return true;
    },
  );
  assert.deepEqual(patch?.({ size: { w: null }, tags: null }), { size: { w: null }, tags: null });
  assert.throws(
    () => patch?.({ name: 5 }),
    (error: { errors: { path: string; message: string }[] }) =>
      error.errors.length === 1 && error.errors[0]?.path === 'name',
  );
  assert.doesNotMatch(runtimeServiceSource('/x.ts', service, []), /zod|validate/);
});

test('a member the patch repeats from the item is compiled once, and both validators name its failures by path', () => {
  const line = z.strictObject({ sku: z.string().min(1).max(20), qty: z.int().min(1).max(99) });
  const item = z.strictObject({ lines: z.array(line).min(1).max(50), note: z.string().max(10).optional() });
  const service = {
    name: 'carts',
    table: { name: 'carts', partitionKey: 'id' },
    functions: [],
    itemSchema: item,
  };
  const source = runtimeServiceSource('/x.ts', service, ['item', 'patch']);
  assert.equal(source.split('must NOT have more than 50 items').length - 1, 1, 'the lines member once');
  const { item: check, patch } = runtimeService(service);
  const bad = { lines: [{ sku: '', qty: 100 }, { qty: 1 }] };
  const paths = (run: () => unknown) => {
    try {
      run();
    } catch (error) {
      return (error as { errors: { path: string }[] }).errors.map((e) => e.path).sort();
    }
    return [];
  };
  const expected = ['lines.0.qty', 'lines.0.sku', 'lines.1.sku'];
  assert.deepEqual(
    paths(() => check?.(bad)),
    expected,
  );
  assert.deepEqual(
    paths(() => patch?.(bad)),
    expected,
  );
  assert.deepEqual(patch?.({ lines: null }), { lines: null });
  assert.deepEqual(
    paths(() => check?.({ lines: null })),
    ['lines'],
  );
});
