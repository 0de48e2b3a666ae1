import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pooledRandomBytes, randomFraction } from './random-pool.ts';

test('hands out each pooled byte once, across refills, with every byte value about equally often', () => {
  const draws = Array.from({ length: 4_096 }, () => pooledRandomBytes(7));
  assert.ok(draws.every((bytes) => bytes.length === 7));
  const hex = new Set(draws.map((bytes) => bytes.toString('hex')));
  assert.equal(hex.size, draws.length, 'no two draws are the same');
  const counts = new Array<number>(256).fill(0);
  for (const bytes of draws) for (const byte of bytes) counts[byte] = (counts[byte] ?? 0) + 1;
  // 28,672 bytes: 112 of each value expected; a fair source stays far inside these bounds.
  assert.ok(
    Math.min(...counts) > 50 && Math.max(...counts) < 200,
    `counts ${Math.min(...counts)}–${Math.max(...counts)}`,
  );
});

test('returns a copy the pool does not overwrite, and larger requests in full', () => {
  const first = pooledRandomBytes(16);
  const copy = Buffer.from(first);
  for (let i = 0; i < 200; i++) pooledRandomBytes(16);
  assert.deepEqual(first, copy);
  assert.equal(pooledRandomBytes(2_000).length, 2_000);
});

test('fractions lie in [0, 1)', () => {
  const fractions = Array.from({ length: 2_000 }, randomFraction);
  assert.ok(fractions.every((f) => f >= 0 && f < 1));
  assert.ok(new Set(fractions).size > 200);
});
