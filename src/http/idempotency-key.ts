import {
  IDEMPOTENCY_HEADER,
  IDEMPOTENCY_KEY_DESCRIPTION,
  IDEMPOTENCY_KEY_PATTERN,
} from '../declaration/idempotency.ts';
import type { IdempotencyMode } from '../declaration/types.ts';
import { BadRequestError } from '../domain/errors.ts';
import type { HttpRequest } from './request.ts';

/**
 * The scope of a request without a verified caller (a public create). Every anonymous client
 * shares it, so there the key alone tells requests apart: such clients must send unguessable
 * keys (a random UUID), as the draft recommends.
 */
export const ANONYMOUS_SCOPE = 'anonymous';

/** `sub` values are the user pool's, so they never collide with the anonymous scope's marker. */
export const scopeOf = (request: HttpRequest): string =>
  request.caller ? `sub:${request.caller.sub}` : ANONYMOUS_SCOPE;

/**
 * The request's `Idempotency-Key`, checked: undefined when absent and optional, 400 when absent
 * and required or when it is not a key this API accepts. The draft defines the field as a
 * Structured Field String, so a key sent quoted (`"8e03…"`) is read without its quotes.
 */
export function idempotencyKeyOf(request: HttpRequest, mode: IdempotencyMode): string | undefined {
  const raw = request.header(IDEMPOTENCY_HEADER)?.trim();
  if (raw === undefined || raw === '') {
    if (mode === 'required') {
      throw new BadRequestError(`This create needs an ${IDEMPOTENCY_HEADER} header (e.g. a random UUID).`);
    }
    return undefined;
  }
  const key = raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"') ? raw.slice(1, -1) : raw;
  if (!IDEMPOTENCY_KEY_PATTERN.test(key)) {
    throw new BadRequestError(`The ${IDEMPOTENCY_HEADER} must be ${IDEMPOTENCY_KEY_DESCRIPTION}.`);
  }
  return key;
}
