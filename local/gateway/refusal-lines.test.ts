// Every request the gateway refuses before a function runs gets one line in the terminal saying
// which request, which status and why: a user can tell why a browser or curl call failed.
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { z } from 'zod';
import type { Invoker } from '#local/contracts.ts';
import { bodyDraft4Schema } from '#src/declaration/body-schema.ts';
import { type RunningGateway, startGateway } from './start-gateway.ts';

const invoker: Invoker = { invoke: async () => ({ kind: 'result', value: { statusCode: 200, body: '{}' } }) };
const routes = [
  {
    method: 'POST',
    resource: '/things',
    functionName: 'create',
    requestModels: { 'application/json': bodyDraft4Schema(z.strictObject({ name: z.string() })) },
  },
  {
    method: 'DELETE',
    resource: '/things/{id}',
    functionName: 'remove',
    authorizationType: 'COGNITO_USER_POOLS',
  },
  { method: 'GET', resource: '/things/{id}', functionName: 'get' },
] as const;

function send(
  gateway: RunningGateway,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body = '',
) {
  return new Promise<number>((resolve, reject) => {
    const req = httpRequest(`${gateway.url}${path}`, { method, headers, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('the terminal line of a refused request', () => {
  const logged: string[] = [];
  let gateway: RunningGateway;
  const now = 0;
  before(async () => {
    gateway = await startGateway({
      routes,
      invoker,
      port: 0,
      maxBodyBytes: 64,
      throttle: { rateLimit: 1, burstLimit: 100 },
      clock: () => now,
      authorizer: async () => ({ ok: false, reason: 'the token has expired' }),
      log: (line) => logged.push(line),
    });
  });
  after(() => gateway.close());

  const lineFor = async (status: number, request: () => Promise<number>) => {
    logged.length = 0;
    assert.equal(await request(), status);
    assert.equal(logged.length, 1, `one line: ${logged.join('\n')}`);
    return logged[0] ?? '';
  };

  it('names an unknown route (403) and the routes the path has', async () => {
    const line = await lineFor(403, () => send(gateway, 'PUT', '/things/1?x=secret'));
    assert.match(line, /^\[gateway\] 403 PUT \/things\/1: no route PUT \/things\/1 .*DELETE, GET/);
    assert.doesNotMatch(line, /secret/, 'the query string stays out');
    const nowhere = await lineFor(403, () => send(gateway, 'GET', '/nowhere'));
    assert.match(nowhere, /^\[gateway\] 403 GET \/nowhere: no route GET \/nowhere/);
  });

  it('names a refused Origin and a refused Host (403)', async () => {
    const origin = await lineFor(403, () =>
      send(gateway, 'GET', '/things/1', { Origin: 'https://evil.example' }),
    );
    assert.match(origin, /^\[gateway\] 403 GET \/things\/1: .*evil\.example/);
    const host = await lineFor(403, () => send(gateway, 'GET', '/things/1', { Host: 'attacker.example' }));
    assert.match(host, /^\[gateway\] 403 GET \/things\/1: .*attacker\.example/);
  });

  it('says why a token was refused (401) and why a body was (400)', async () => {
    assert.match(
      await lineFor(401, () => send(gateway, 'DELETE', '/things/1', { Authorization: 'x' })),
      /^\[gateway\] 401 DELETE \/things\/1: the token has expired/,
    );
    assert.match(
      await lineFor(400, () =>
        send(gateway, 'POST', '/things', { 'Content-Type': 'application/json' }, '{"n":1}'),
      ),
      /^\[gateway\] 400 POST \/things: request body does not match the model/,
    );
  });

  it('names the payload limit (413) and the throttle (429)', async () => {
    assert.match(
      await lineFor(413, () =>
        send(gateway, 'POST', '/things', { 'Content-Type': 'application/json' }, 'x'.repeat(65)),
      ),
      /^\[gateway\] 413 POST \/things: .*64 bytes/,
    );
    // The clock stands still: the burst runs out within at most 100 requests, whatever came before.
    logged.length = 0;
    let status = 0;
    for (let i = 0; i <= 100 && status !== 429; i++) status = await send(gateway, 'GET', '/things/1');
    assert.equal(status, 429);
    assert.equal(logged.length, 1, logged.join('\n'));
    assert.match(logged[0] ?? '', /^\[gateway\] 429 GET \/things\/1: .*throttle.*1 requests\/s, burst 100/);
  });
});
