// The gateway as the deployed stage: body models, throttling, CORS and "only this machine", over
// real HTTP with a stand-in Lambda service that records what reached it.
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { z } from 'zod';
import type { Invoker } from '#local/contracts.ts';
import { bodyDraft4Schema } from '#src/declaration/body-schema.ts';
import { type RunningGateway, startGateway } from './start-gateway.ts';

const events: APIGatewayProxyEvent[] = [];
const invoker: Invoker = {
  invoke: async (_name, event) => {
    events.push(event);
    return { kind: 'result', value: { statusCode: 200, body: '{}' } };
  },
};
const model = bodyDraft4Schema(z.strictObject({ name: z.string().min(1) }));
const routes = [
  {
    method: 'POST',
    resource: '/things',
    functionName: 'create',
    requestModels: { 'application/json': model },
  },
  { method: 'PATCH', resource: '/things/{id}', functionName: 'update' },
];

// node:http lets a test send any Host header and keeps the header's case.
function send(
  gateway: RunningGateway,
  method: string,
  path: string,
  headers: Record<string, string>,
  body = '',
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${gateway.url}${path}`, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString(),
        }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('the local gateway as the deployed stage', () => {
  let gateway: RunningGateway;
  before(async () => {
    gateway = await startGateway({
      routes,
      invoker,
      port: 0,
      throttle: false,
      log: (line) => logged.push(line),
    });
  });
  after(() => gateway.close());
  const logged: string[] = [];

  it('refuses a body that fails its model with the stage problem+json 400, before the function runs', async () => {
    const before = events.length;
    const reply = await send(
      gateway,
      'POST',
      '/things',
      { 'Content-Type': 'application/json' },
      '{"name":""}',
    );
    assert.equal(reply.status, 400);
    assert.equal(reply.headers['content-type'], 'application/problem+json');
    assert.equal(reply.headers['access-control-allow-origin'], '*');
    const problem = JSON.parse(reply.body);
    assert.match(problem.instance, /^urn:uuid:[0-9a-f-]{36}$/);
    assert.deepEqual(
      { ...problem, detail: typeof problem.detail, instance: 'urn:uuid' },
      {
        type: 'about:blank',
        title: 'Bad Request',
        status: 400,
        detail: 'string',
        instance: 'urn:uuid',
      },
    );
    assert.equal(problem.detail, 'Invalid request body', "AWS's message: the reasons stay in the log");
    // As the deployed stage's execution log does, the gateway's log says why.
    assert.ok(
      logged.some((line) => line.startsWith('[gateway] 400 POST /things: ') && line.includes('name')),
      logged.join('\n'),
    );
    assert.equal(events.length, before);
  });

  it('validates a POST with no body and no Content-Type against the JSON model: 400, as deployed', async () => {
    const reply = await send(gateway, 'POST', '/things', {});
    assert.equal(reply.status, 400);
    assert.equal(JSON.parse(reply.body).detail, 'Invalid request body');
  });

  it('passes a valid body on', async () => {
    const reply = await send(
      gateway,
      'POST',
      '/things',
      { 'Content-Type': 'application/json' },
      '{"name":"a"}',
    );
    assert.equal(reply.status, 200);
  });

  it('hands the function Authorization spelt so, whatever case the client used', async () => {
    await send(
      gateway,
      'POST',
      '/things',
      { authorization: 'Bearer t', 'content-type': 'application/json' },
      '{"name":"a"}',
    );
    const event = events.at(-1);
    assert.equal(event?.headers.Authorization, 'Bearer t');
    assert.equal(event?.headers.authorization, undefined);
    assert.deepEqual(event?.multiValueHeaders.Authorization, ['Bearer t']);
  });

  it('answers a browser preflight for PATCH with If-Match as the deployed stage does', async () => {
    const reply = await send(gateway, 'OPTIONS', '/prod/things/1', {
      Origin: 'http://localhost:5173',
      'Access-Control-Request-Method': 'PATCH',
      'Access-Control-Request-Headers': 'content-type,if-match',
    });
    assert.equal(reply.status, 204);
    assert.equal(reply.headers['access-control-allow-origin'], '*');
    assert.match(String(reply.headers['access-control-allow-methods']), /\bPATCH\b/);
    assert.match(String(reply.headers['access-control-allow-headers']), /\bIf-Match\b/);
    assert.equal(reply.headers['access-control-max-age'], '3600');
    assert.equal(reply.headers['access-control-expose-headers'], 'ETag,Location,Retry-After');
  });

  it('refuses a Host that does not name this machine with 403, before anything runs (DNS rebinding)', async () => {
    const before = events.length;
    const reply = await send(
      gateway,
      'POST',
      '/things',
      { Host: `rebind.example:${gateway.port}` },
      '{"name":"a"}',
    );
    assert.equal(reply.status, 403);
    assert.match(JSON.parse(reply.body).message, /loopback host names/);
    assert.equal(reply.headers['access-control-allow-origin'], undefined);
    assert.equal(events.length, before);
  });

  it('refuses a request from a foreign Origin with 403 and no CORS, before anything runs', async () => {
    const before = events.length;
    for (const method of ['POST', 'OPTIONS']) {
      const reply = await send(
        gateway,
        method,
        '/things',
        { Origin: 'https://evil.example' },
        '{"name":"a"}',
      );
      assert.equal(reply.status, 403, method);
      assert.equal(reply.headers['access-control-allow-origin'], undefined, method);
    }
    assert.equal(events.length, before);
  });

  it('serves loopback origins and clients that send no Origin', async () => {
    const json = { 'Content-Type': 'application/json' };
    assert.equal(
      (await send(gateway, 'POST', '/things', { ...json, Origin: 'http://127.0.0.1:8080' }, '{"name":"a"}'))
        .status,
      200,
    );
    assert.equal((await send(gateway, 'POST', '/things', json, '{"name":"a"}')).status, 200);
  });
});

describe('the local gateway opened up on purpose', () => {
  it('answers the extra Host names and Origins of its settings', async () => {
    const gateway = await startGateway({
      routes,
      invoker,
      port: 0,
      throttle: false,
      exposure: { allowedHosts: ['devbox.lan'], allowedOrigins: ['https://app.example'] },
    });
    try {
      const headers = { Host: `devbox.lan:${gateway.port}`, Origin: 'https://app.example' };
      assert.equal((await send(gateway, 'PATCH', '/things/1', headers)).status, 200);
      const other = { Host: `devbox.lan:${gateway.port}`, Origin: 'https://evil.example' };
      assert.equal((await send(gateway, 'PATCH', '/things/1', other)).status, 403);
    } finally {
      await gateway.close();
    }
  });
});

describe('the local gateway throttling', () => {
  it('answers 429 {"message":"Too Many Requests"} over the burst, with the stage CORS, then recovers', async () => {
    const gateway = await startGateway({
      routes,
      invoker,
      port: 0,
      throttle: { rateLimit: 1, burstLimit: 3 },
    });
    try {
      const statuses: number[] = [];
      let throttled: Awaited<ReturnType<typeof send>> | undefined;
      for (let i = 0; i < 6; i++) {
        const reply = await send(gateway, 'PATCH', '/things/1', {});
        statuses.push(reply.status);
        if (reply.status === 429) throttled = reply;
      }
      assert.deepEqual(statuses.slice(0, 3), [200, 200, 200]);
      assert.ok(throttled, `a 429 among ${statuses.join(',')}`);
      assert.equal(throttled.body, '{"message":"Too Many Requests"}');
      assert.equal(throttled.headers['access-control-allow-origin'], '*');
      assert.equal(throttled.headers['x-amzn-errortype'], 'TooManyRequestsException');
      await new Promise((resolve) => setTimeout(resolve, 1100)); // 1/s: a token back
      assert.equal((await send(gateway, 'PATCH', '/things/1', {})).status, 200);
    } finally {
      await gateway.close();
    }
  });

  it('lets everything through when throttling is off', async () => {
    const gateway = await startGateway({ routes, invoker, port: 0, throttle: false });
    try {
      const statuses = await Promise.all(
        Array.from({ length: 30 }, () => send(gateway, 'PATCH', '/things/1', {}).then((r) => r.status)),
      );
      assert.deepEqual(new Set(statuses), new Set([200]));
    } finally {
      await gateway.close();
    }
  });
});
