import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { BadRequestError } from './errors.ts';

test('round-trips a page key', () => {
  const key = { id: '01JABCDEF' };
  assert.deepEqual(decodeCursor(encodeCursor(key, 's'), 's'), key);
});

test('refuses a cursor whose key or signature was changed', () => {
  const cursor = encodeCursor({ id: 'a' }, 's');
  const [payload, signature] = cursor.split('.') as [string, string];
  const forgedPayload = Buffer.from(JSON.stringify({ id: 'b' })).toString('base64url');
  const flipped = `${signature.slice(0, -1)}${signature.endsWith('A') ? 'B' : 'A'}`;
  for (const bad of [
    `${forgedPayload}.${signature}`,
    `${payload}.${flipped}`,
    payload,
    `${cursor}.x`,
    'nope',
    '',
  ]) {
    assert.throws(() => decodeCursor(bad, 's'), BadRequestError, bad);
  }
});

test('refuses a cursor signed with another key', () => {
  assert.throws(() => decodeCursor(encodeCursor({ id: 'a' }, 'other'), 's'), BadRequestError);
});
