import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BadRequestError } from './errors.ts';
import { applyMergePatch } from './merge-patch.ts';

// The examples of RFC 7396, appendix A.
const cases: [unknown, unknown, unknown][] = [
  [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
  [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
  [{ a: 'b' }, { a: null }, {}],
  [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
  [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
  [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
  [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
  [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
  [
    ['a', 'b'],
    ['c', 'd'],
    ['c', 'd'],
  ],
  [{ a: 'b' }, ['c'], ['c']],
  [{ a: 'foo' }, null, null],
  [{ a: 'foo' }, 'bar', 'bar'],
  [{ e: null }, { a: 1 }, { e: null, a: 1 }],
  [[1, 2], { a: 'b', c: null }, { a: 'b' }],
  [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
];

test('applies every example of RFC 7396', () => {
  for (const [target, patch, expected] of cases) {
    assert.deepEqual(applyMergePatch(target, patch), expected, JSON.stringify({ target, patch }));
  }
});

test('leaves the target unchanged', () => {
  const target = { a: { b: 1 } };
  applyMergePatch(target, { a: { b: 2 } });
  assert.deepEqual(target, { a: { b: 1 } });
});

test('refuses __proto__, constructor and prototype members at any depth, polluting nothing', () => {
  const patches = [
    JSON.parse('{"__proto__": {"polluted": true}}'),
    JSON.parse('{"a": {"__proto__": {"polluted": true}}}'),
    { constructor: { prototype: { polluted: true } } },
    { a: { b: { prototype: { polluted: true } } } },
  ];
  for (const patch of patches) {
    assert.throws(() => applyMergePatch({ a: { b: {} } }, patch), BadRequestError, JSON.stringify(patch));
  }
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal(Object.getPrototypeOf(applyMergePatch({}, { a: { b: 1 } })), Object.prototype);
});

test('keeps an own __proto__ member of the target as data, never as a prototype', () => {
  const target = JSON.parse('{"__proto__": {"x": 1}, "a": 1}');
  const result = applyMergePatch(target, { a: 2 }) as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(result), Object.prototype);
  assert.deepEqual(Object.keys(result), ['__proto__', 'a']);
  assert.equal((result as { x?: number }).x, undefined);
});
