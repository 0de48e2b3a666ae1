// The gateway as the deployed stage: body models, throttling, CORS and "only this machine", over
// real HTTP with a stand-in Lambda service that records what reached it.
import assert from 'node:assert/strict';
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { after, before, describe, it } from 'node:test';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { z } from 'zod';
import type { Invoker } from '#local/contracts.ts';
import { bodyDraft4Schema } from '#src/declaration/body-schema.ts';
import { sendRaw } from '../../test/support/http.ts';
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
  {
    method: 'DELETE',
    resource: '/things/{id}',
    functionName: 'remove',
    authorizationType: 'COGNITO_USER_POOLS',
  },
] as const;

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

describe('the local gateway after a reload (setRoutes)', () => {
  let gateway: RunningGateway;
  let now = 0;
  before(async () => {
    gateway = await startGateway({
      routes,
      invoker,
      port: 0,
      throttle: { rateLimit: 1, burstLimit: 2 },
      clock: () => now,
      log: (line) => logged.push(line),
    });
  });
  after(() => gateway.close());
  const logged: string[] = [];

  // Every rule of the stage, checked the same way before and after each reload.
  // Waits for nothing: moves the throttle's clock far enough to fill the bucket.
  const full = () => {
    now += 10_000;
  };
  const rulesHold = async (when: string) => {
    const before = events.length;
    full();
    const invalid = await send(
      gateway,
      'POST',
      '/things',
      { 'Content-Type': 'application/json' },
      '{"name":""}',
    );
    assert.equal(invalid.status, 400, `${when}: invalid body`);
    assert.equal(invalid.headers['content-type'], 'application/problem+json', when);
    // The body says API Gateway's fixed message; the route's model's reason is in the gateway's log.
    assert.equal(JSON.parse(invalid.body).detail, 'Invalid request body', when);
    assert.match(logged.at(-1) ?? '', /400 POST \/things: .*name/, when);
    full();
    const empty = await send(gateway, 'POST', '/things', {});
    assert.equal(empty.status, 400, `${when}: no body`);
    assert.match(logged.at(-1) ?? '', /required property 'name'/, when);
    assert.equal(events.length, before, `${when}: no function ran`);
    full();
    const preflight = await send(gateway, 'OPTIONS', '/things/1', {
      Origin: 'http://localhost:5173',
      'Access-Control-Request-Method': 'DELETE',
    });
    assert.equal(preflight.status, 204, `${when}: preflight`);
    assert.equal(preflight.headers['access-control-allow-origin'], '*', when);
    full();
    const unsigned = await send(gateway, 'DELETE', '/things/1', {});
    assert.equal(unsigned.status, 401, `${when}: no token`);
    assert.equal(events.length, before, `${when}: no function ran`);
    full();
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await send(gateway, 'PATCH', '/things/1', {})).status);
    assert.deepEqual(statuses, [200, 200, 429], `${when}: throttle`);
    assert.equal((await send(gateway, 'GET', '/nowhere', {})).status, 403, `${when}: unknown route`);
  };

  it('keeps validation, CORS, authorization, throttling and routing identical after reloads', async () => {
    await rulesHold('at start');
    // A reload hands the gateway new route objects, equal to the old ones.
    gateway.setRoutes(routes.map((route) => ({ ...route })));
    await rulesHold('after a reload');
    gateway.setRoutes([...routes, { method: 'GET', resource: '/extra', functionName: 'extra' }]);
    await rulesHold('after a route was added');
    full();
    assert.equal((await send(gateway, 'GET', '/extra', {})).status, 200);
    gateway.setRoutes(routes.map((route) => ({ ...route })));
    await rulesHold('after it was removed');
    assert.equal((await send(gateway, 'GET', '/extra', {})).status, 403);
  });

  it('keeps the throttle bucket across a reload: a reload is not a redeployment', async () => {
    full();
    assert.equal((await send(gateway, 'PATCH', '/things/1', {})).status, 200);
    assert.equal((await send(gateway, 'PATCH', '/things/1', {})).status, 200);
    gateway.setRoutes(routes.map((route) => ({ ...route })));
    assert.equal((await send(gateway, 'PATCH', '/things/1', {})).status, 429);
  });

  it('refuses routes that clash, changing nothing', async () => {
    assert.throws(() => gateway.setRoutes([...routes, routes[0]]), /Duplicate route POST \/things/);
    full();
    assert.equal((await send(gateway, 'POST', '/things', {})).status, 400);
  });
});

describe('the local gateway gate, as RFC 9112 §3.2 has it', () => {
  let gateway: RunningGateway;
  const pageHits: string[] = [];
  // A stand-in local page: records that it ran.
  const localPages = (req: IncomingMessage, res: ServerResponse) => {
    if (!(req.url ?? '').includes('/_local/')) return false;
    pageHits.push(req.url ?? '');
    res.writeHead(200, { 'Content-Type': 'text/plain' }).end('page');
    return true;
  };
  before(async () => {
    gateway = await startGateway({ routes, invoker, port: 0, throttle: false, log: () => {}, localPages });
  });
  after(() => gateway.close());

  it('answers 400 problem+json to a request with two Host lines, before anything runs', async () => {
    const before = events.length;
    const reply = await sendRaw(
      gateway.port,
      `PATCH /things/1 HTTP/1.1\r\nHost: localhost:${gateway.port}\r\nHost: evil.example`,
    );
    assert.equal(reply.status, 400, reply.text);
    assert.match(reply.text, /content-type: application\/problem\+json/i);
    assert.match(reply.text, /more than one Host/);
    const page = await sendRaw(
      gateway.port,
      `GET /_local/docs/ HTTP/1.1\r\nHost: localhost:${gateway.port}\r\nHost: evil.example`,
    );
    assert.equal(page.status, 400);
    assert.equal(events.length, before);
    assert.deepEqual(pageHits, []);
  });

  it('checks the authority of an absolute-form target, not the Host line', async () => {
    const before = events.length;
    const foreign = await sendRaw(
      gateway.port,
      `PATCH http://evil.example:${gateway.port}/things/1 HTTP/1.1\r\nHost: localhost:${gateway.port}`,
    );
    assert.equal(foreign.status, 403, foreign.text);
    assert.match(foreign.text, /evil\.example/);
    const page = await sendRaw(
      gateway.port,
      `GET http://evil.example/_local/docs/ HTTP/1.1\r\nHost: localhost:${gateway.port}`,
    );
    assert.equal(page.status, 403);
    assert.equal(events.length, before);
    const loopback = await sendRaw(
      gateway.port,
      `PATCH http://localhost:${gateway.port}/things/1 HTTP/1.1\r\nHost: localhost:${gateway.port}`,
    );
    assert.equal(loopback.status, 200, loopback.text);
    assert.equal(events.length, before + 1);
    const scheme = await sendRaw(
      gateway.port,
      `GET ftp://localhost/things HTTP/1.1\r\nHost: localhost:${gateway.port}`,
    );
    assert.equal(scheme.status, 400, scheme.text);
  });

  it('puts the local pages behind the same Host and Origin gate as the API', async () => {
    const foreignHost = await send(gateway, 'GET', '/_local/docs/', {
      Host: `rebind.example:${gateway.port}`,
    });
    assert.equal(foreignHost.status, 403);
    const foreignOrigin = await send(gateway, 'GET', '/_local/auth/x', { Origin: 'https://evil.example' });
    assert.equal(foreignOrigin.status, 403);
    assert.deepEqual(pageHits, []);
    const served = await send(gateway, 'GET', '/_local/docs/', {});
    assert.equal(served.status, 200);
    assert.deepEqual(pageHits, ['/_local/docs/']);
  });

  it('sends Vary: Origin with every answer, whose fate the Origin decides', async () => {
    const json = { 'Content-Type': 'application/json' };
    const answers = {
      function: await send(gateway, 'PATCH', '/things/1', {}),
      validation: await send(gateway, 'POST', '/things', json, '{}'),
      missing: await send(gateway, 'GET', '/nowhere', {}),
      unauthorized: await send(gateway, 'DELETE', '/things/1', {}),
      preflight: await send(gateway, 'OPTIONS', '/things', {
        Origin: 'http://localhost:5173',
        'Access-Control-Request-Method': 'POST',
      }),
      refused: await send(gateway, 'PATCH', '/things/1', { Origin: 'https://evil.example' }),
    };
    for (const [what, reply] of Object.entries(answers)) {
      assert.match(String(reply.headers.vary), /\bOrigin\b/, what);
    }
  });
});

describe('the local gateway and a local page that fails', () => {
  it('answers with the generic 500, the cause in the log and not in the answer', async () => {
    const logged: string[] = [];
    const gateway = await startGateway({
      routes,
      invoker,
      port: 0,
      throttle: false,
      log: (line) => logged.push(line),
      localPages: () => {
        throw new Error('the page broke');
      },
    });
    try {
      const reply = await send(gateway, 'GET', '/_local/docs/', {});
      assert.equal(reply.status, 500);
      assert.deepEqual(JSON.parse(reply.body), { message: 'Internal server error' });
      assert.doesNotMatch(reply.body, /the page broke|at /);
      assert.match(logged.join('\n'), /the page broke/);
    } finally {
      await gateway.close();
    }
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
    let now = 0;
    const gateway = await startGateway({
      routes,
      invoker,
      port: 0,
      throttle: { rateLimit: 1, burstLimit: 3 },
      clock: () => now,
    });
    try {
      const statuses: number[] = [];
      let throttled: Awaited<ReturnType<typeof send>> | undefined;
      for (let i = 0; i < 6; i++) {
        const reply = await send(gateway, 'PATCH', '/things/1', {});
        statuses.push(reply.status);
        if (reply.status === 429) throttled = reply;
      }
      assert.deepEqual(statuses, [200, 200, 200, 429, 429, 429]);
      assert.ok(throttled);
      assert.equal(throttled.body, '{"message":"Too Many Requests"}');
      assert.equal(throttled.headers['access-control-allow-origin'], '*');
      assert.equal(throttled.headers['x-amzn-errortype'], 'TooManyRequestsException');
      now += 999; // 1/s: not yet a token back
      assert.equal((await send(gateway, 'PATCH', '/things/1', {})).status, 429);
      now += 1; // a token back
      assert.equal((await send(gateway, 'PATCH', '/things/1', {})).status, 200);
      assert.equal((await send(gateway, 'PATCH', '/things/1', {})).status, 429);
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
