import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type CursorScope, decodeCursor, encodeCursor } from './cursor.ts';
import { BadRequestError } from './errors.ts';

const scope: CursorScope = { table: 'products-T1', key: { id: 'string' } };

test('round-trips a page key', () => {
  const key = { id: '01JABCDEF' };
  assert.deepEqual(decodeCursor(encodeCursor(key, scope), scope), key);
  const composite: CursorScope = { table: 't', key: { owner: 'string', at: 'number' } };
  assert.deepEqual(decodeCursor(encodeCursor({ owner: 'o', at: 3 }, composite), composite), {
    owner: 'o',
    at: 3,
  });
});

test('refuses a cursor whose key or checksum was changed', () => {
  const cursor = encodeCursor({ id: 'a' }, scope);
  const [payload, check] = cursor.split('.') as [string, string];
  const forgedPayload = Buffer.from(JSON.stringify({ id: 'b' })).toString('base64url');
  const flipped = `${check.slice(0, -1)}${check.endsWith('A') ? 'B' : 'A'}`;
  for (const bad of [
    `${forgedPayload}.${check}`,
    `${payload}.${flipped}`,
    payload,
    `${cursor}.x`,
    'nope',
    '',
  ]) {
    assert.throws(() => decodeCursor(bad, scope), BadRequestError, bad);
  }
});

test("refuses another table's cursor, even one of the same key shape", () => {
  const other = encodeCursor({ id: 'a' }, { ...scope, table: 'products-T2' });
  assert.throws(() => decodeCursor(other, scope), BadRequestError);
});

test("refuses a key that is not exactly the table's key attributes and types", () => {
  const keys: unknown[] = [
    { id: 5 },
    { id: '' },
    { id: 'a', extra: 'b' },
    { other: 'a' },
    {},
    ['a'],
    'a',
    null,
    { id: { S: 'a' } },
    { id: ['a'] },
    JSON.parse('{"__proto__": {"id": "a"}}'),
  ];
  for (const key of keys) {
    // A correct checksum over a wrong shape: what a client that computes checksums could send.
    const payload = Buffer.from(JSON.stringify(key)).toString('base64url');
    const check = (encodeCursor({ id: 'x' }, scope).split('.')[1] ?? '').length;
    const forged = encodeCursor(key as Record<string, string>, scope);
    assert.equal(forged.split('.')[0], payload);
    assert.equal(forged.split('.')[1]?.length, check);
    assert.throws(() => decodeCursor(forged, scope), BadRequestError, JSON.stringify(key));
  }
});

test("refuses the table's cursor on an index, and one index's cursor on another", () => {
  const key = { id: 'a' };
  const ofTable = encodeCursor(key, scope);
  const ofIndex = encodeCursor(key, { ...scope, index: 'byName' });
  assert.deepEqual(decodeCursor(ofIndex, { ...scope, index: 'byName' }), key);
  assert.throws(() => decodeCursor(ofTable, { ...scope, index: 'byName' }), BadRequestError);
  assert.throws(() => decodeCursor(ofIndex, scope), BadRequestError);
  assert.throws(() => decodeCursor(ofIndex, { ...scope, index: 'byPrice' }), BadRequestError);
});
