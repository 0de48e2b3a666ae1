// The event `npm run invoke` builds is the one the local gateway hands the function for the same
// request: compared field by field with the gateway's, over real HTTP, ids and times aside.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { localAuthorizer } from '#local/auth/authorizer.ts';
import { type LocalUserPool, openLocalUserPool } from '#local/auth/local-user-pool.ts';
import type { RouteBinding } from '#local/contracts.ts';
import { type RunningGateway, startGateway } from '#local/gateway/start-gateway.ts';
import { LOCAL_REGION } from '#local/local-account.ts';
import { loadStack, stackInputFor } from '#local/stack/load-stack.ts';
import { DEFAULT_API_SETTINGS } from '#src/declaration/api-settings.ts';
import { loadServices } from '#src/declaration/load-services.ts';
import { buildInvokeEvent } from './invoke-event.ts';

/** What differs between two requests however alike: their ids, times and trace. */
function comparable(event: APIGatewayProxyEvent): unknown {
  const copy = structuredClone(event) as unknown as {
    headers: Record<string, string>;
    multiValueHeaders: Record<string, string[]>;
    requestContext: Record<string, unknown>;
  };
  for (const key of ['requestId', 'extendedRequestId', 'requestTime', 'requestTimeEpoch', 'deploymentId'])
    delete copy.requestContext[key];
  delete copy.headers['X-Amzn-Trace-Id'];
  delete copy.multiValueHeaders['X-Amzn-Trace-Id'];
  return copy;
}

describe('the event npm run invoke builds', () => {
  let dataDir: string;
  let pool: LocalUserPool;
  let routes: RouteBinding[];
  let gateway: RunningGateway;
  const received: APIGatewayProxyEvent[] = [];
  before(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'sm-invoke-event-'));
    pool = await openLocalUserPool(dataDir);
    routes = [
      ...(await loadStack(await loadServices(), stackInputFor(DEFAULT_API_SETTINGS, 'INFO', LOCAL_REGION)))
        .stack.routes,
    ];
    gateway = await startGateway({
      routes,
      port: 0,
      throttle: false,
      authorizer: localAuthorizer(pool),
      invoker: {
        invoke: async (_name, event) => {
          received.push(event);
          return { kind: 'result', value: { statusCode: 200, body: '{}' } };
        },
      },
    });
  });
  after(async () => {
    await gateway.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const send = (method: string, target: string, headers: Record<string, string>, body?: string) =>
    new Promise<void>((resolve, reject) => {
      const req = httpRequest(`${gateway.url}${target}`, { method, headers, agent: false }, (res) => {
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', reject);
      req.end(body);
    });

  test("is the gateway's for the same signed request: path, query, headers, claims, body", async () => {
    const token = await pool.mint({ user: 'alice', groups: ['admin'] });
    const verified = await localAuthorizer(pool)(token);
    assert.ok(verified.ok);
    const body = '{"name":"Pen","price":2}';
    await send(
      'PATCH',
      '/products/p1?dryRun=1',
      {
        Host: `127.0.0.1:${gateway.port}`,
        'User-Agent': 'npm-run-invoke',
        Accept: '*/*',
        'Content-Type': 'application/json',
        Authorization: token,
      },
      body,
    );
    const built = buildInvokeEvent(routes, {
      functionName: 'products-update',
      method: 'PATCH',
      path: '/products/p1?dryRun=1',
      body,
      token,
      claims: verified.claims,
      stage: 'prod',
      port: gateway.port,
    });
    assert.equal(received.length, 1);
    assert.deepEqual(comparable(built), comparable(received[0] as APIGatewayProxyEvent));
    assert.equal(built.requestContext.authorizer?.claims?.['cognito:groups'], 'admin');
  });

  test('refuses a template path and a path served by another function', () => {
    const base = { functionName: 'products-get', method: 'GET', stage: 'prod', port: 3000 };
    assert.throws(
      () => buildInvokeEvent(routes, { ...base, path: '/products/{id}' }),
      /--path takes a real path.*\/products\/p1/,
    );
    assert.throws(
      () => buildInvokeEvent(routes, { ...base, path: '/products' }),
      /GET \/products is served by products-list, not products-get \(GET \/products\/\{id\}\)/,
    );
    assert.throws(
      () => buildInvokeEvent(routes, { ...base, path: '/nowhere' }),
      /No route answers GET \/nowhere/,
    );
  });
});
