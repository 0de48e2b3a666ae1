// The local gateway's Cognito authorizer step over real HTTP, with a stand-in Invoker: which
// requests reach the function, what they carry, and what the rest get.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { localAuthorizer } from '#local/auth/authorizer.ts';
import { type LocalUserPool, openLocalUserPool } from '#local/auth/local-user-pool.ts';
import type { Invoker, RouteBinding } from '#local/contracts.ts';
import { type RunningGateway, startGateway } from './start-gateway.ts';

const routes: RouteBinding[] = [
  {
    method: 'POST',
    resource: '/things',
    functionName: 'things-create',
    authorizationType: 'COGNITO_USER_POOLS',
    requestModels: {
      'application/json': { type: 'object', required: ['name'], properties: { name: { type: 'string' } } },
    },
  },
  { method: 'GET', resource: '/open', functionName: 'open-get', authorizationType: 'NONE' },
];

describe('the gateway with a Cognito authorizer', () => {
  const events: APIGatewayProxyEvent[] = [];
  const invoker: Invoker = {
    async invoke(_name, event) {
      events.push(event);
      return { kind: 'result', value: { statusCode: 200, body: '{}' } };
    },
  };
  let dataDir: string;
  let pool: LocalUserPool;
  let gateway: RunningGateway;
  let bare: RunningGateway;
  before(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'sm-gw-auth-'));
    pool = await openLocalUserPool(dataDir);
    gateway = await startGateway({
      routes,
      invoker,
      port: 0,
      throttle: false,
      authorizer: localAuthorizer(pool),
    });
    bare = await startGateway({ routes, invoker, port: 0, throttle: false });
  });
  after(async () => {
    await gateway?.close();
    await bare?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const post = (base: RunningGateway, body: string, authorization?: string) =>
    fetch(`${base.url}/things`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        ...(authorization ? { Authorization: authorization } : {}),
      },
      body,
    });

  test('refuses a request without a token with 401 before validating its body or invoking anything', async () => {
    const before = events.length;
    const reply = await post(gateway, '{"wrong":1}');
    assert.equal(reply.status, 401);
    assert.equal(await reply.text(), '{"message":"Unauthorized"}');
    assert.equal(reply.headers.get('x-amzn-errortype'), 'UnauthorizedException');
    assert.equal(events.length, before);
  });

  test('validates the body of an authorized request, then passes the claims in requestContext.authorizer', async () => {
    const token = await pool.mint({ user: 'alice', groups: ['admin'] });
    assert.equal((await post(gateway, '{"wrong":1}', token)).status, 400);
    const reply = await post(gateway, '{"name":"x"}', token);
    assert.equal(reply.status, 200);
    const event = events.at(-1);
    const claims = event?.requestContext.authorizer?.claims as Record<string, string>;
    assert.equal(claims.sub, pool.subOf('alice'));
    assert.equal(claims['cognito:groups'], 'admin');
    assert.equal(claims.token_use, 'id');
    // Keys in the order AWS sends them: the authorizer right after resourceId.
    assert.deepEqual(Object.keys(event?.requestContext ?? {}).slice(0, 3), [
      'resourceId',
      'authorizer',
      'resourcePath',
    ]);
    // The token itself still reaches the function, as API Gateway passes every header on.
    assert.equal(event?.headers.Authorization, token);
  });

  test('a public route needs no token and its event has no authorizer', async () => {
    const reply = await fetch(`${gateway.url}/open`);
    assert.equal(reply.status, 200);
    assert.equal('authorizer' in (events.at(-1)?.requestContext ?? {}), false);
  });

  test('a gateway given no authorizer refuses protected routes rather than opening them', async () => {
    const token = await pool.mint({ user: 'alice' });
    assert.equal((await post(bare, '{"name":"x"}', token)).status, 401);
    assert.equal((await fetch(`${bare.url}/open`)).status, 200);
  });
});
