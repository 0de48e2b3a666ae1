import { createHmac, timingSafeEqual } from 'node:crypto';
import { BadRequestError } from './errors.ts';

/** A table key as a page boundary, e.g. `{ id: "01J…" }`. */
export type PageKey = Record<string, string | number>;

const SIGNATURE_BYTES = 16;

const sign = (secret: string, payload: string): Buffer =>
  createHmac('sha256', secret).update(payload).digest().subarray(0, SIGNATURE_BYTES);

/**
 * Encodes a page boundary as an opaque cursor: the key in base64url, then a truncated
 * HMAC-SHA256 so that a cursor edited by a client is refused instead of silently read.
 *
 * @example
 * const cursor = encodeCursor({ id: 'abc' }, secret); // "eyJpZCI6ImFiYyJ9.Vx…"
 * decodeCursor(cursor, secret) // { id: 'abc' }
 */
export function encodeCursor(key: PageKey, secret: string): string {
  const payload = Buffer.from(JSON.stringify(key)).toString('base64url');
  return `${payload}.${sign(secret, payload).toString('base64url')}`;
}

/** Decodes a cursor made by `encodeCursor`; anything else (tampered, truncated, foreign) → 400. */
export function decodeCursor(cursor: string, secret: string): PageKey {
  const invalid = () =>
    new BadRequestError('The cursor is not valid: pass back the nextCursor of a previous page.');
  const [payload, signature, extra] = cursor.split('.');
  if (!payload || !signature || extra !== undefined || cursor.length > 2048) throw invalid();
  // Compare the text, not decoded bytes: base64 ignores a last character's spare bits.
  const expected = Buffer.from(sign(secret, payload).toString('base64url'));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid();
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  const valid =
    typeof key === 'object' &&
    key !== null &&
    !Array.isArray(key) &&
    Object.values(key).every((v) => typeof v === 'string' || typeof v === 'number');
  if (!valid) throw invalid();
  return key as PageKey;
}
