// Tokens an attacker might send, each made from a real token of the pool under test. The local
// gateway must refuse every one of them with 401, as API Gateway's Cognito authorizer does.
import { createPublicKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { decodeJwt, generateKeyPair, importJWK, type JWTPayload, SignJWT, UnsecuredJWT } from 'jose';
import { type LocalUserPool, userPoolFile } from '#local/auth/local-user-pool.ts';

/**
 * Name → token; every one must be refused. `dataDir` is the pool's data folder: a few forgeries
 * need its private key (claims only a leaked key could sign), read from the file it keeps.
 */
export async function forgedTokens(
  pool: LocalUserPool,
  dataDir: string,
  user = 'mallory',
): Promise<Record<string, string>> {
  const stored = JSON.parse(await readFile(userPoolFile(dataDir), 'utf8'));
  const poolKey = await importJWK(stored.privateJwk, 'RS256');
  const signedByPool = (body: JWTPayload) =>
    new SignJWT(body).setProtectedHeader({ alg: 'RS256', kid: stored.privateJwk.kid }).sign(poolKey);
  const valid = await pool.mint({ user });
  const claims = decodeJwt(valid);
  const now = Math.floor(Date.now() / 1000);
  const [header = '', payload = '', signature = ''] = valid.split('.');
  const elevated = Buffer.from(JSON.stringify({ ...claims, 'cognito:groups': ['admin'] })).toString(
    'base64url',
  );
  const strangerKey = (await generateKeyPair('RS256', { extractable: true })).privateKey;
  const kid = pool.jwks.keys[0]?.kid ?? '';
  const publicPem = createPublicKey({
    key: pool.jwks.keys[0] as import('node:crypto').JsonWebKey,
    format: 'jwk',
  })
    .export({ type: 'spki', format: 'pem' })
    .toString();
  const sign = (body: Record<string, unknown>) =>
    new SignJWT(body).setProtectedHeader({ alg: 'RS256', kid }).sign(strangerKey);
  return {
    'an expired token': await pool.mint({ user, expiresInSeconds: -60 }),
    'a token not valid yet': await pool.mint({ user, notBeforeSeconds: 600 }),
    'a token whose payload was changed (groups added)': `${header}.${elevated}.${signature}`,
    'a token with its signature cut off': `${header}.${payload}.`,
    'a token signed by another key with the pool’s key id': await sign(claims),
    'an unsigned token (alg: none)': new UnsecuredJWT(claims).encode(),
    'a token signed HS256 with the pool’s public key as the secret': await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', kid })
      .sign(new TextEncoder().encode(publicPem)),
    'a token of a foreign issuer': await (async () => {
      const { privateKey } = await generateKeyPair('RS256');
      return new SignJWT({ ...claims, iss: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_other' })
        .setProtectedHeader({ alg: 'RS256', kid: 'other' })
        .sign(privateKey);
    })(),
    'a token of the pool for another app client (wrong audience)': await signedByPool({
      ...claims,
      aud: 'another0client0id000000000',
    }),
    'an access token (the authorizer asks for ID tokens)': await pool.mint({ user, tokenUse: 'access' }),
    'a token with a wrong issuer signed by the pool': await signedByPool({
      ...claims,
      iss: 'https://cognito-idp.local.invalid/someone_else',
    }),
    'a token with no expiry at all': await signedByPool({ ...claims, exp: undefined, iat: now }),
    'not a token': 'hello',
  };
}
