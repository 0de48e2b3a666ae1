// The pure parts of the bench's peer (bench/peer-serverless-offline.ts): what its service file
// declares, which claims its events carry, and what of this machine its process sees. Running the
// peer itself needs its pinned install (hundreds of packages), so `npm run bench -- --peer` does.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { localAuthorizer } from '#local/auth/authorizer.ts';
import { type LocalUserPool, openLocalUserPool } from '#local/auth/local-user-pool.ts';
import {
  PEER_INSTALL_DIR,
  PEER_VERSIONS,
  peerAuthorizer,
  peerEnvironment,
  peerServiceFile,
} from '../../bench/peer-serverless-offline.ts';

describe("the bench's serverless-offline peer", () => {
  let dataDir: string;
  let pool: LocalUserPool;
  before(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'sm-peer-test-'));
    pool = await openLocalUserPool(dataDir);
  });
  after(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  test("its events carry the claims our gateway's authorizer passes for the same token", async () => {
    const token = await pool.mint({ user: 'bench', groups: ['admin', 'ops'] });
    const verified = await localAuthorizer(pool)(token);
    assert.ok(verified.ok);
    const authorizer = JSON.parse(peerAuthorizer(token)) as {
      claims: Record<string, string>;
      principalId: string;
    };
    assert.deepEqual(authorizer.claims, verified.claims);
    assert.equal(authorizer.claims['cognito:groups'], 'admin,ops');
    assert.equal(authorizer.principalId, verified.claims.sub);
  });

  test('its service file serves each bundle on its REST routes with its own environment', () => {
    const file = peerServiceFile(
      [
        {
          name: 'products-get',
          handler: 'bundles/products-get/abc/index.handler',
          runtime: 'nodejs24.x',
          memoryMb: 512,
          timeoutSeconds: 10,
          environment: { TABLE_NAME: 'products', AWS_LAMBDA_LOG_LEVEL: 'WARN' },
          routes: [{ method: 'GET', resource: '/products/{id}' }],
        },
      ],
      'us-east-1',
    ) as {
      plugins: string[];
      provider: Record<string, string>;
      functions: Record<string, Record<string, unknown>>;
    };
    assert.deepEqual(file.plugins, ['serverless-offline']);
    assert.equal(file.provider.name, 'aws');
    assert.equal(file.provider.region, 'us-east-1');
    assert.deepEqual(file.functions['products-get'], {
      name: 'products-get',
      handler: 'bundles/products-get/abc/index.handler',
      runtime: 'nodejs24.x',
      memorySize: 512,
      timeout: 10,
      environment: { TABLE_NAME: 'products', AWS_LAMBDA_LOG_LEVEL: 'WARN' },
      events: [{ http: { method: 'get', path: 'products/{id}' } }],
    });
  });

  test("its process gets dummy AWS credentials and telemetry off, and none of this machine's variables but PATH", () => {
    // A developer's credentials and settings in this process's environment must not reach it.
    const planted = { AWS_PROFILE: 'developer', AWS_SESSION_TOKEN: 'secret', NODE_OPTIONS: '--inspect' };
    const saved = Object.fromEntries(Object.keys(planted).map((name) => [name, process.env[name]]));
    Object.assign(process.env, planted);
    try {
      const env = peerEnvironment('/tmp/peer-home', '{"claims":{}}', 'us-east-1');
      assert.equal(env.HOME, '/tmp/peer-home');
      assert.equal(env.PATH, process.env.PATH);
      assert.equal(env.SLS_TELEMETRY_DISABLED, '1');
      assert.equal(env.SLS_NOTIFICATIONS_MODE, 'off');
      assert.equal(env.AWS_ACCESS_KEY_ID, 'bench-peer');
      assert.equal(env.AWS_REGION, 'us-east-1');
      assert.equal(env.AUTHORIZER, '{"claims":{}}');
      for (const name of Object.keys(planted)) assert.equal(env[name], undefined, name);
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  test('its install folder names the exact versions it holds', () => {
    for (const [name, version] of Object.entries(PEER_VERSIONS)) {
      assert.match(version, /^\d+\.\d+\.\d+$/, `${name} is pinned`);
      assert.ok(path.basename(PEER_INSTALL_DIR).includes(`${name}-${version}`));
    }
  });
});
