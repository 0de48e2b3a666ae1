import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BadRequestError } from './errors.ts';
import { assertNestingWithin, MAX_NESTING_LEVELS, nestsDeeperThan } from './nesting.ts';

const arrays = (levels: number) => JSON.parse('['.repeat(levels) + ']'.repeat(levels)) as unknown;
const objects = (levels: number) => JSON.parse(`${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`) as unknown;

test('counts each array and object as one level, scalars as none', () => {
  assert.equal(nestsDeeperThan(1, 0), false);
  assert.equal(nestsDeeperThan({}, 0), true);
  assert.equal(nestsDeeperThan({}, 1), false);
  assert.equal(nestsDeeperThan({ a: [1, { b: 'x' }] }, 2), true);
  assert.equal(nestsDeeperThan({ a: [1, { b: 'x' }] }, 3), false);
  assert.equal(nestsDeeperThan(arrays(33), 33), false);
  assert.equal(nestsDeeperThan(objects(34), 33), true);
});

test('walks 100,000 levels of arrays and of objects without recursion', () => {
  // Any recursive walk (JSON.stringify among them) overflows the stack on these.
  assert.throws(() => JSON.stringify(arrays(100_000)), RangeError);
  assert.equal(nestsDeeperThan(arrays(100_000), MAX_NESTING_LEVELS), true);
  assert.equal(nestsDeeperThan(objects(100_000), MAX_NESTING_LEVELS), true);
});

test('refuses a body deeper than an item may nest with a 400 that names the limit', () => {
  assert.doesNotThrow(() => assertNestingWithin(arrays(1 + MAX_NESTING_LEVELS), 1));
  assert.throws(
    () => assertNestingWithin(arrays(100_000), 1),
    (error: unknown) =>
      error instanceof BadRequestError && error.status === 400 && /32 levels of nesting/.test(error.message),
  );
  // The manager's item sits inside its request and payload: three levels are its envelope.
  const inManager = (levels: number) => ({ payload: { Item: { x: arrays(levels) } } });
  assert.doesNotThrow(() => assertNestingWithin(inManager(MAX_NESTING_LEVELS), 3));
  assert.throws(() => assertNestingWithin(inManager(MAX_NESTING_LEVELS + 1), 3), BadRequestError);
});
