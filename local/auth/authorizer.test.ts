import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { forgedTokens } from '../../test/support/forged-tokens.ts';
import { apiGatewayClaims, localAuthorizer } from './authorizer.ts';
import { type LocalUserPool, openLocalUserPool, userPoolFile } from './local-user-pool.ts';

describe('the local Cognito authorizer', () => {
  let dataDir: string;
  let pool: LocalUserPool;
  before(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'sm-auth-'));
    pool = await openLocalUserPool(dataDir);
  });
  after(() => rm(dataDir, { recursive: true, force: true }));

  test('accepts an ID token of the pool, raw or after "Bearer", and passes its claims as strings', async () => {
    const token = await pool.mint({
      user: 'alice',
      groups: ['admin', 'ops'],
      now: new Date('2024-06-17T15:00:04Z'),
      expiresInSeconds: 10 ** 9,
    });
    for (const header of [token, `Bearer ${token}`]) {
      const result = await localAuthorizer(pool)(header);
      assert.ok(result.ok, JSON.stringify(result));
      assert.equal(result.claims.sub, pool.subOf('alice'));
      assert.equal(result.claims['cognito:username'], 'alice');
      assert.equal(result.claims['cognito:groups'], 'admin,ops');
      assert.equal(result.claims.token_use, 'id');
      assert.equal(result.claims.iat, 'Mon Jun 17 15:00:04 UTC 2024');
      assert.equal(result.claims.auth_time, '1718636404');
      for (const value of Object.values(result.claims)) assert.equal(typeof value, 'string');
    }
  });

  test('refuses a missing header and every forged, expired or misdirected token', async () => {
    const authorize = localAuthorizer(pool);
    for (const header of [undefined, '', 'Bearer ']) {
      assert.equal((await authorize(header)).ok, false, `header ${JSON.stringify(header)}`);
    }
    for (const [name, token] of Object.entries(await forgedTokens(pool, dataDir))) {
      const result = await authorize(token);
      assert.equal(result.ok, false, `${name} was accepted`);
    }
  });

  test('mints no token with a group whose name API Gateway would split, nor an invalid group name', async () => {
    await assert.rejects(pool.mint({ user: 'mallory', groups: ['admin,ops'] }), /"admin,ops".*holds ","/);
    await assert.rejects(pool.mint({ user: 'mallory', groups: ['two words'] }), /not a Cognito group name/);
  });

  test('keeps a verified result as API Gateway caches it, but never past the token’s expiry', async () => {
    let clock = Date.now();
    const authorize = localAuthorizer(pool, () => clock);
    const token = await pool.mint({ user: 'alice', expiresInSeconds: 60 });
    const first = await authorize(token);
    const again = await authorize(token);
    assert.ok(first.ok && again.ok);
    assert.equal(again.claims, first.claims, 'the cached claims, not a second verification');
    clock += 61_000;
    assert.equal((await authorize(token)).ok, false, 'expired while cached');
  });

  test('a user keeps one sub across mints, and each data folder has its own pool', async () => {
    const other = await mkdtemp(path.join(os.tmpdir(), 'sm-auth-'));
    try {
      const again = await openLocalUserPool(dataDir);
      assert.equal(again.subOf('alice'), pool.subOf('alice'));
      assert.equal(again.clientId, pool.clientId);
      const elsewhere = await openLocalUserPool(other);
      assert.notEqual(elsewhere.issuer, pool.issuer);
      const foreign = await elsewhere.mint({ user: 'alice' });
      assert.equal((await localAuthorizer(pool)(foreign)).ok, false);
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });

  test('processes creating a pool at once agree on one, kept private to the user', async () => {
    const fresh = await mkdtemp(path.join(os.tmpdir(), 'sm-auth-'));
    try {
      const pools = await Promise.all(Array.from({ length: 6 }, () => openLocalUserPool(fresh)));
      assert.equal(new Set(pools.map((p) => p.issuer)).size, 1);
      const stored = JSON.parse(await readFile(userPoolFile(fresh), 'utf8'));
      assert.equal(stored.poolId, pools[0]?.poolId);
      if (process.platform !== 'win32') {
        const { stat } = await import('node:fs/promises');
        assert.equal((await stat(userPoolFile(fresh))).mode & 0o077, 0, 'no access for group or others');
      }
      // The public key set carries no private part.
      for (const key of pools[0]?.jwks.keys ?? [])
        for (const part of ['d', 'p', 'q', 'dp', 'dq', 'qi']) assert.ok(!(part in key));
    } finally {
      await rm(fresh, { recursive: true, force: true });
    }
  });
});

describe('claims as API Gateway passes them', () => {
  test('matches the shape of claims captured from a Cognito authorizer', async () => {
    const captured = JSON.parse(
      await readFile(
        new URL('../../test/fixtures/apigw-rest/powertools-jwt-authorizer-auth.json', import.meta.url),
        'utf8',
      ),
    ).requestContext.authorizer.claims as Record<string, string>;
    const rebuilt = apiGatewayClaims({
      ...captured,
      exp: Date.parse('2024-06-18T15:00:04Z') / 1000,
      iat: Date.parse('2024-06-17T15:00:04Z') / 1000,
      auth_time: 1718636404,
    });
    assert.deepEqual(rebuilt, captured);
  });
});
