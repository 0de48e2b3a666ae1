import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PayloadTooLargeError } from './errors.ts';
import { assertItemFits, attributeSize, itemSize, MAX_ITEM_BYTES } from './item-size.ts';

test('counts names and values as DynamoDB does, never below its count', () => {
  assert.equal(itemSize({ id: 'abc' }), 2 + 3);
  assert.equal(itemSize({ é: 'ü€' }), 2 + 5, 'UTF-8 bytes');
  assert.equal(attributeSize(true), 1);
  assert.equal(attributeSize(null), 1);
  assert.equal(attributeSize(5), 3);
  assert.equal(attributeSize(12345), 5);
  assert.equal(attributeSize(1e100), 3, 'one significant digit');
  assert.equal(attributeSize(0.1234567890123456), 10);
  assert.equal(attributeSize([1, 'ab']), 3 + (1 + 3) + (1 + 2));
  assert.equal(attributeSize({ a: 'b', c: { d: true } }), 3 + (1 + 1 + 1) + (1 + 1 + (3 + 1 + 1 + 1)));
  assert.equal(itemSize({ a: undefined, b: 'x' }), 2, 'undefined is not stored');
});

test('refuses with 413 what is over the limit, however the body was written', () => {
  // 150,000 small numbers: a 300 KB body, but 600 KB as DynamoDB counts a list of numbers.
  const list = Array(150_000).fill(1);
  assert.ok(JSON.stringify(list).length < MAX_ITEM_BYTES);
  assert.throws(() => assertItemFits({ id: 'x', list }), PayloadTooLargeError);
  assert.doesNotThrow(() => assertItemFits({ id: 'x', text: 'a'.repeat(MAX_ITEM_BYTES - 100) }));
  assert.throws(
    () => assertItemFits({ id: 'x', text: 'é'.repeat(MAX_ITEM_BYTES / 2) }),
    PayloadTooLargeError,
  );
});
