// What the API's Cognito user pool authorizer does, locally: it takes the token from the
// `Authorization` header, verifies its RS256 signature against the pool's keys, its issuer,
// expiry and not-before time, that it is an ID token (the authorizer asks for no OAuth scopes, so
// API Gateway accepts ID tokens only) of the pool's app client, and hands the claims to the
// function as API Gateway formats them: every value a string. The app client check (`aud`) is the
// deployed authorizer's too, but only because the stack gives it a token validation expression
// (`infra/user-pool.ts`): without one, API Gateway takes an ID token of any app client of the pool.
import { createLocalJWKSet, type JWTPayload, jwtVerify } from 'jose';
import { AUTHORIZER_CACHE_SECONDS, GROUP_SEPARATOR } from '#src/declaration/access.ts';
import type { LocalUserPool } from './local-user-pool.ts';

export type Authorization =
  | {
      readonly ok: true;
      readonly claims: Readonly<Record<string, string>>;
      /** The token was verified earlier and its result reused (the authorizer's cache). */
      readonly cached?: boolean;
    }
  /** `reason` is for the local log only; clients get API Gateway's bare 401. */
  | { readonly ok: false; readonly reason: string };

export type Authorizer = (authorizationHeader: string | undefined) => Promise<Authorization>;

/**
 * The authorizer of a pool. Only RS256 is accepted, so `alg: none`, HS256 signed with the public
 * key as a secret, and any other algorithm are refused before a key is looked at.
 *
 * @example
 * const authorize = localAuthorizer(pool);
 * const result = await authorize(req.headers.authorization);
 * if (!result.ok) answer401();
 */
export function localAuthorizer(
  pool: Pick<LocalUserPool, 'issuer' | 'clientId' | 'jwks'>,
  now: () => number = Date.now,
): Authorizer {
  const keys = createLocalJWKSet({ keys: [...pool.jwks.keys] });
  // As API Gateway caches an authorizer's result by token: a client sending the same token again
  // is not verified again, for AUTHORIZER_CACHE_SECONDS at most and never past the token's expiry.
  const verified = new Map<string, { claims: Record<string, string>; until: number }>();
  return async (header) => {
    const token = tokenOf(header);
    if (!token) return { ok: false, reason: 'no token in the Authorization header' };
    const cached = verified.get(token);
    if (cached && cached.until > now()) return { ok: true, claims: cached.claims, cached: true };
    verified.delete(token);
    const result = await verify(token);
    if (!result.ok) return result;
    if (verified.size >= CACHED_TOKENS) verified.delete(verified.keys().next().value ?? '');
    const until = Math.min(result.expiresAtMs, now() + AUTHORIZER_CACHE_SECONDS * 1000);
    verified.set(token, { claims: result.claims, until });
    return { ok: true, claims: result.claims };
  };

  async function verify(
    token: string,
  ): Promise<
    Exclude<Authorization, { ok: true }> | { ok: true; claims: Record<string, string>; expiresAtMs: number }
  > {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        issuer: pool.issuer,
        algorithms: ['RS256'],
        requiredClaims: ['sub', 'exp', 'iat', 'token_use'],
        currentDate: new Date(now()),
      }));
    } catch (error) {
      return { ok: false, reason: (error as Error).message };
    }
    if (payload.token_use !== 'id') {
      return {
        ok: false,
        reason: `token_use is ${String(payload.token_use)}; the authorizer accepts ID tokens`,
      };
    }
    if (payload.aud !== pool.clientId) {
      return {
        ok: false,
        reason: `the token's audience ${String(payload.aud)} is not the pool's app client`,
      };
    }
    // `exp` is required above, so it is a number here.
    return { ok: true, claims: apiGatewayClaims(payload), expiresAtMs: Number(payload.exp) * 1000 };
  }
}

/** Tokens whose result is kept at once; the oldest goes first beyond it. */
const CACHED_TOKENS = 1000;

/**
 * The token in an `Authorization` header: the header's whole value, as API Gateway's Cognito
 * authorizer reads it; a `Bearer ` prefix is accepted too, as it is by the authorizer.
 */
function tokenOf(header: string | undefined): string | undefined {
  const value = header?.trim();
  if (!value) return undefined;
  return /^bearer\s+/i.test(value) ? value.replace(/^bearer\s+/i, '') : value;
}

/**
 * Claims as API Gateway passes them in `requestContext.authorizer.claims`: strings only. `exp`
 * and `iat` become dates in Java's `Date.toString()` form (`Tue Jun 18 15:00:04 UTC 2024`), other
 * numbers their decimal text, and lists (`cognito:groups`) their items joined by commas, without
 * brackets or spaces ({@link GROUP_SEPARATOR}).
 *
 * @example
 * apiGatewayClaims({ sub: 'a1', exp: 1718722804, 'cognito:groups': ['admin', 'ops'] });
 * // { sub: 'a1', exp: 'Tue Jun 18 15:00:04 UTC 2024', 'cognito:groups': 'admin,ops' }
 */
export function apiGatewayClaims(payload: JWTPayload): Record<string, string> {
  const claims: Record<string, string> = {};
  for (const [name, value] of Object.entries(payload)) {
    if (value === undefined || value === null) continue;
    if ((name === 'exp' || name === 'iat') && typeof value === 'number') claims[name] = javaDate(value);
    else if (Array.isArray(value)) claims[name] = value.map(String).join(GROUP_SEPARATOR);
    else if (typeof value === 'object') claims[name] = JSON.stringify(value);
    else claims[name] = String(value);
  }
  return claims;
}

/** `Tue Jun 18 15:00:04 UTC 2024` (Java's `Date.toString()`), rearranged from `toUTCString()`. */
function javaDate(epochSeconds: number): string {
  const [day, date, month, year, time] = new Date(epochSeconds * 1000)
    .toUTCString()
    .replace(',', '')
    .split(' ');
  return `${day} ${month} ${date} ${time} UTC ${year}`;
}
