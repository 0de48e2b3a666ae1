// The local stand-in for the stack's Cognito user pool: an RS256 signing key and an app client id,
// made on first use and kept in the data folder, that mint tokens shaped as Cognito's and verify
// them as the API's Cognito authorizer does. Keys never leave this machine; the folder is
// git-ignored like the rest of the data.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { link, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { exportJWK, generateKeyPair, importJWK, type JWK, type JWTPayload, SignJWT } from 'jose';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '#local/private-data-folder.ts';
import { groupNameProblem, TOKEN_LIFETIME_SECONDS } from '#src/declaration/access.ts';

/**
 * The issuer of local tokens. Cognito's is `https://cognito-idp.<region>.amazonaws.com/<pool id>`;
 * this one ends in the local pool's id under a reserved `.invalid` host, so it can never be
 * mistaken for (or resolve to) a real user pool.
 */
export const LOCAL_ISSUER_PREFIX = 'https://cognito-idp.local.invalid/';

/** Lifetime of a minted ID token unless asked otherwise: the stack's app client's. */
export const DEFAULT_TOKEN_SECONDS = TOKEN_LIFETIME_SECONDS;

/** What the data folder keeps, one JSON file. */
interface StoredPool {
  readonly poolId: string;
  readonly clientId: string;
  readonly privateJwk: JWK;
}

export interface MintOptions {
  /** `cognito:username`; the token's `sub` is derived from it, stable for this data folder. */
  readonly user: string;
  readonly groups?: readonly string[];
  /** `id` (what the API's authorizer accepts) or `access` (refused by it: it asks for no scopes). */
  readonly tokenUse?: 'id' | 'access';
  /** Seconds until `exp`; negative mints an already expired token (for tests). */
  readonly expiresInSeconds?: number;
  /** Seconds from now until `nbf`, when set (a token not valid yet). */
  readonly notBeforeSeconds?: number;
  /** The clock, for tests. */
  readonly now?: Date;
}

export interface LocalUserPool {
  readonly poolId: string;
  readonly clientId: string;
  readonly issuer: string;
  /** The public key set, as Cognito serves it at `<issuer>/.well-known/jwks.json`. */
  readonly jwks: { readonly keys: readonly JWK[] };
  /** The `sub` of a user name: the same on every mint from this data folder. */
  subOf(user: string): string;
  mint(options: MintOptions): Promise<string>;
}

/** Where a data folder keeps its local user pool. */
export function userPoolFile(dataDir: string): string {
  return path.join(dataDir, 'auth', 'local-user-pool.json');
}

/**
 * Opens the data folder's user pool, creating it on first use. Two processes creating it at once
 * agree on one: each writes a complete file under its own name, the first to link it into place
 * wins, and every opener then reads the file that won.
 */
export async function openLocalUserPool(dataDir: string): Promise<LocalUserPool> {
  const file = userPoolFile(dataDir);
  let stored = await readStored(file);
  if (!stored) {
    await mkdir(path.dirname(file), { recursive: true, mode: PRIVATE_DIR_MODE });
    const { privateKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
    const privateJwk = await exportJWK(privateKey);
    const candidate: StoredPool = {
      poolId: `local_${randomBytes(6).toString('base64url').replace(/[-_]/g, 'x')}`,
      // Cognito app client ids: 26 lower-case letters and digits.
      clientId: Array.from(randomBytes(26), (b) => 'abcdefghijklmnopqrstuvwxyz0123456789'[b % 36]).join(''),
      privateJwk: { ...privateJwk, kid: randomUUID(), alg: 'RS256', use: 'sig' },
    };
    const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
    await writeFile(temporary, JSON.stringify(candidate, null, 2), { mode: PRIVATE_FILE_MODE, flag: 'wx' });
    // `link` fails if the file exists, so the first writer's pool is the one everyone keeps.
    await link(temporary, file).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') return rename(temporary, file);
    });
    await rm(temporary, { force: true });
    stored = await readStored(file);
    if (!stored) throw new Error(`Could not create the local user pool in ${file}`);
  }
  return poolOf(stored);
}

async function readStored(file: string): Promise<StoredPool | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const parsed = JSON.parse(text) as Partial<StoredPool>;
  if (!parsed.poolId || !parsed.clientId || parsed.privateJwk?.kty !== 'RSA') {
    throw new Error(`${file} is not a local user pool; delete it to make a new one`);
  }
  return parsed as StoredPool;
}

async function poolOf(stored: StoredPool): Promise<LocalUserPool> {
  const { d, p, q, dp, dq, qi, ...publicJwk } = stored.privateJwk;
  const signingKey = await importJWK(stored.privateJwk, 'RS256');
  const issuer = `${LOCAL_ISSUER_PREFIX}${stored.poolId}`;
  const subOf = (user: string) => uuidFrom(`${stored.poolId}/${user}`);
  return {
    poolId: stored.poolId,
    clientId: stored.clientId,
    issuer,
    jwks: { keys: [publicJwk] },
    subOf,
    async mint({ user, groups = [], tokenUse = 'id', expiresInSeconds, notBeforeSeconds, now = new Date() }) {
      // Cognito would create such a group, but API Gateway would pass it on as several: never mint one.
      const problems = groups.map(groupNameProblem).filter((problem) => problem !== undefined);
      if (problems.length > 0) throw new Error(`Cannot mint a token with ${problems.join('; ')}`);
      const iat = Math.floor(now.getTime() / 1000);
      const originJti = randomUUID();
      // The claims of a Cognito token of each kind, in Cognito's order.
      const claims: JWTPayload =
        tokenUse === 'id'
          ? {
              sub: subOf(user),
              ...(groups.length ? { 'cognito:groups': [...groups] } : {}),
              iss: issuer,
              'cognito:username': user,
              origin_jti: originJti,
              aud: stored.clientId,
              event_id: randomUUID(),
              token_use: 'id',
              auth_time: iat,
            }
          : {
              sub: subOf(user),
              ...(groups.length ? { 'cognito:groups': [...groups] } : {}),
              iss: issuer,
              client_id: stored.clientId,
              origin_jti: originJti,
              event_id: randomUUID(),
              token_use: 'access',
              scope: 'aws.cognito.signin.user.admin',
              auth_time: iat,
              username: user,
            };
      const jwt = new SignJWT(claims)
        .setProtectedHeader({ kid: publicJwk.kid ?? '', alg: 'RS256' })
        .setIssuedAt(iat)
        .setExpirationTime(iat + (expiresInSeconds ?? DEFAULT_TOKEN_SECONDS))
        .setJti(randomUUID());
      if (notBeforeSeconds !== undefined) jwt.setNotBefore(iat + notBeforeSeconds);
      return jwt.sign(signingKey);
    },
  };
}

/** A UUID-shaped `sub` that depends only on `text` (Cognito's subs are UUIDs). */
function uuidFrom(text: string): string {
  const hex = createHash('sha256').update(text).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
