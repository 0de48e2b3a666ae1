import { createHash, timingSafeEqual } from 'node:crypto';
import { BadRequestError } from './errors.ts';

/** A table key as a page boundary, e.g. `{ id: "01J…" }`. */
export type PageKey = Record<string, string | number>;

/** What a cursor is valid for: one table, and the exact attributes and types of its key. */
export interface CursorScope {
  /** The physical table name: a cursor of another table (or stack) is refused. */
  readonly table: string;
  /** The index a Query ran on: a cursor of the table, or of another index, is refused. */
  readonly index?: string;
  readonly key: Readonly<Record<string, 'string' | 'number'>>;
}

const CHECK_BYTES = 16;
/** DynamoDB's largest partition key value (2048 bytes) plus room for the encoding. */
const MAX_CURSOR_LENGTH = 4096;

// A checksum, not a secret: the table is bound in, and the key's shape is checked on decode.
// Why no secret is needed: see decodeCursor.
const checksum = (scope: CursorScope, payload: string): string =>
  createHash('sha256')
    .update(
      `serverless-microservices cursor\n${scope.table}\n${scope.index === undefined ? '' : `index ${scope.index}\n`}${payload}`,
    )
    .digest()
    .subarray(0, CHECK_BYTES)
    .toString('base64url');

/**
 * Encodes a page boundary as an opaque cursor: the key in base64url, then a checksum over the
 * table and the key, so a cursor that was edited, truncated or made for another table is refused.
 *
 * @example
 * const scope = { table: 'products', key: { id: 'string' } } as const;
 * const cursor = encodeCursor({ id: 'abc' }, scope); // "eyJpZCI6ImFiYyJ9.Vx…"
 * decodeCursor(cursor, scope) // { id: 'abc' }
 */
export function encodeCursor(key: PageKey, scope: CursorScope): string {
  const payload = Buffer.from(JSON.stringify(key)).toString('base64url');
  return `${payload}.${checksum(scope, payload)}`;
}

/**
 * Decodes a cursor made by `encodeCursor` for the same table; anything else → 400. The decoded
 * key must have exactly the table's key attributes with their types, so DynamoDB only ever
 * receives a well-formed `ExclusiveStartKey` of this table.
 *
 * The checksum is deliberately not keyed with a secret: a client who computes a valid cursor
 * gains nothing. The list is public and every page is reachable from the first, so starting a
 * Scan after any key of the right shape reveals no item the client could not read anyway, and
 * DynamoDB confines `ExclusiveStartKey` to the table (and, for a Query, to its partition).
 */
export function decodeCursor(cursor: string, scope: CursorScope): PageKey {
  const invalid = () =>
    new BadRequestError('The cursor is not valid: pass back the nextCursor of a previous page.');
  const [payload, check, extra] = cursor.split('.');
  if (!payload || !check || extra !== undefined || cursor.length > MAX_CURSOR_LENGTH) throw invalid();
  // Compare the text, not decoded bytes: base64 ignores a last character's spare bits.
  const expected = Buffer.from(checksum(scope, payload));
  const given = Buffer.from(check);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid();
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!hasKeyShape(key, scope.key)) throw invalid();
  return key;
}

function hasKeyShape(key: unknown, shape: CursorScope['key']): key is PageKey {
  if (typeof key !== 'object' || key === null || Array.isArray(key)) return false;
  const names = Object.keys(key);
  if (names.length !== Object.keys(shape).length) return false;
  return names.every((name) => {
    const value: unknown = (key as Record<string, unknown>)[name];
    const type = Object.hasOwn(shape, name) ? shape[name] : undefined;
    if (type === 'string') return typeof value === 'string' && value.length > 0;
    if (type === 'number') return typeof value === 'number' && Number.isFinite(value);
    return false;
  });
}
