import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { applyMergePatch } from '../domain/merge-patch.ts';
import { mergePatchSchema } from './merge-patch-schema.ts';

const item = z.strictObject({
  name: z.string().min(1),
  size: z.strictObject({ w: z.number(), h: z.number(), unit: z.enum(['cm', 'in']).optional() }),
  place: z
    .object({ city: z.string(), geo: z.strictObject({ lat: z.number(), lon: z.number() }).optional() })
    .optional(),
  labels: z
    .record(z.string(), z.strictObject({ text: z.string(), colour: z.string().optional() }))
    .optional(),
  parts: z.array(z.strictObject({ sku: z.string() })).optional(),
  either: z.union([z.string(), z.strictObject({ code: z.string(), note: z.string().optional() })]).optional(),
});
const target = {
  name: 'n',
  size: { w: 1, h: 2, unit: 'cm' },
  place: { city: 'Oslo', geo: { lat: 1, lon: 2 } },
  labels: { a: { text: 'A', colour: 'red' } },
  either: { code: 'c', note: 'x' },
};
const patchSchema = mergePatchSchema(item);

test('accepts every patch whose merged result is valid, nested members included', () => {
  const patches = [
    { size: { h: 3 } },
    { size: { unit: null } },
    { place: { geo: { lat: 5 } } },
    { place: { geo: null } },
    { place: null },
    { labels: { a: { colour: null }, b: { text: 'B' } } },
    { labels: { a: null } },
    { parts: [{ sku: 's' }] },
    { either: { note: null } },
    { either: 'plain' },
    {},
  ];
  for (const patch of patches) {
    assert.equal(patchSchema.safeParse(patch).success, true, JSON.stringify(patch));
    const merged = applyMergePatch(target, patch);
    assert.equal(item.safeParse(merged).success, true, JSON.stringify(merged));
  }
});

test('refuses what no merge could make valid: unknown members, wrong types, partial array elements', () => {
  const patches = [
    { colour: 'red' },
    { size: { depth: 1 } },
    { size: { w: 'wide' } },
    { place: { geo: { alt: 1 } } },
    { parts: [{}] },
    { labels: { a: { text: 5 } } },
    { id: 'x' },
  ];
  for (const patch of patches) {
    assert.equal(patchSchema.safeParse(patch).success, false, JSON.stringify(patch));
  }
});

test('leaves to the merged result what depends on the target: a required nested member removed', () => {
  const patch = { size: { w: null } };
  assert.equal(patchSchema.safeParse(patch).success, true);
  assert.equal(item.safeParse(applyMergePatch(target, patch)).success, false);
});
