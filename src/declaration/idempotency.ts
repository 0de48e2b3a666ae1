// Idempotent creates (issue 29): one source for what the declaration, the stack, the local
// engines, the handler and the OpenAPI document say about the `Idempotency-Key` header.
import type { DynamoDbAction } from './types.ts';

export const IDEMPOTENCY_HEADER = 'Idempotency-Key';

/**
 * What a key may be: 1–128 characters of letters, digits and `-_.:~` (a UUID, a ULID, a hash in
 * hex or base64url all fit). The draft leaves the format to the server; this bound keeps keys
 * printable, unambiguous in logs and far under DynamoDB's key size.
 */
export const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9._:~-]{1,128}$/;
export const IDEMPOTENCY_KEY_DESCRIPTION = '1–128 characters of A–Z, a–z, 0–9 and "-", "_", ".", ":", "~"';

/** How long a key's first response is replayed: 24 h, as the draft's examples and the issue say. */
export const IDEMPOTENCY_EXPIRY_SECONDS = 24 * 60 * 60;

/**
 * The persistence table's key and TTL attributes (Powertools' layout, so that its utility could
 * take the table over), named here once for the stack, the local engines and the handler.
 */
export const IDEMPOTENCY_TABLE_KEY = 'id';
export const IDEMPOTENCY_TTL_ATTRIBUTE = 'expiration';

/** The table's name locally (CloudFormation names it when deployed). */
export const LOCAL_IDEMPOTENCY_TABLE = 'idempotency-records';

/** Environment of an idempotent create: the table's name, and whether a key is required. */
export const IDEMPOTENCY_TABLE_ENV = 'IDEMPOTENCY_TABLE_NAME';
export const IDEMPOTENCY_MODE_ENV = 'IDEMPOTENCY_MODE';

/**
 * Exactly what an idempotent create calls on the persistence table (and only there): PutItem (the
 * in-progress record, conditional), GetItem (the record in the way, when the put's condition
 * failed), UpdateItem (stores the response), DeleteItem (removes the record when the create
 * failed, so that a retry may run). The same four Powertools' persistence layer needs.
 */
export const IDEMPOTENCY_ACTIONS: readonly DynamoDbAction[] = [
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
];
