// The gateway over real HTTP. The Lambda service is replaced by a small stand-in Invoker; routing,
// event building, result validation and HTTP responses are the real ones.
import assert from 'node:assert/strict';
import { request as httpRequest, type OutgoingHttpHeaders } from 'node:http';
import { after, before, describe, it } from 'node:test';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { InvokeOptions, InvokeOutcome, Invoker, RouteBinding } from '#local/contracts.ts';
import { type RunningGateway, startGateway } from './start-gateway.ts';

type Behaviour = (
  event: APIGatewayProxyEvent,
  signal?: AbortSignal,
) => InvokeOutcome | Promise<InvokeOutcome>;

class StandInLambda implements Invoker {
  readonly calls: Array<{ functionName: string; event: APIGatewayProxyEvent; signal?: AbortSignal }> = [];
  constructor(private readonly behaviours: Readonly<Record<string, Behaviour>>) {}

  async invoke(
    functionName: string,
    event: APIGatewayProxyEvent,
    options?: InvokeOptions,
  ): Promise<InvokeOutcome> {
    this.calls.push({ functionName, event, ...(options?.signal ? { signal: options.signal } : {}) });
    const behaviour = this.behaviours[functionName];
    if (!behaviour) throw new Error(`stand-in has no function ${functionName}`);
    return behaviour(event, options?.signal);
  }

  lastCall(functionName: string) {
    const call = this.calls.findLast((c) => c.functionName === functionName);
    assert.ok(call, `${functionName} was invoked`);
    return call;
  }
}

const returns =
  (value: unknown): Behaviour =>
  () => ({ kind: 'result', value });
const lateResults: string[] = [];

const lambda = new StandInLambda({
  echo: returns({ statusCode: 200, body: '{}' }),
  search: returns({ statusCode: 200, body: '{"search":true}' }),
  created: returns({
    statusCode: '201',
    headers: { Location: '/products/p1', 'X-Flag': true },
    multiValueHeaders: { 'Set-Cookie': ['a=1', 'b=2'] },
    body: '{"id":"p1"}',
  }),
  image: returns({
    statusCode: 200,
    headers: { 'Content-Type': 'application/octet-stream' },
    body: Buffer.from([0, 255, 1]).toString('base64'),
    isBase64Encoded: true,
  }),
  'extra-key': returns({ statusCode: 200, body: 'x', wrongValue: 'value' }),
  'object-body': returns({ statusCode: 200, body: { id: 1 } }),
  throws: () => ({
    kind: 'error',
    errorType: 'TypeError',
    errorMessage: 'Cannot read properties of undefined',
  }),
  'big-event': () => ({ kind: 'payload-too-large', direction: 'request' }),
  'big-result': () => ({ kind: 'payload-too-large', direction: 'response' }),
  slow: (_event, signal) =>
    new Promise((resolve) => {
      signal?.addEventListener('abort', () => {
        lateResults.push('aborted');
        resolve({ kind: 'result', value: { statusCode: 200, body: 'too late' } });
      });
    }),
});

const routes: RouteBinding[] = [
  ['GET', '/products', 'echo'],
  ['POST', '/products', 'echo'],
  ['GET', '/products/{id}', 'echo'],
  ['GET', '/products/search', 'search'],
  ['POST', '/uploads', 'echo'],
  ['GET', '/created', 'created'],
  ['GET', '/image', 'image'],
  ['GET', '/extra-key', 'extra-key'],
  ['GET', '/object-body', 'object-body'],
  ['GET', '/throws', 'throws'],
  ['POST', '/big-event', 'big-event'],
  ['GET', '/big-result', 'big-result'],
  ['GET', '/slow', 'slow'],
  ['GET', '/missing-function', 'not-deployed'],
].map(([method = '', resource = '', functionName = '']) => ({ method, resource, functionName }));

const logs: string[] = [];
let gateway: RunningGateway;

before(async () => {
  gateway = await startGateway({
    routes,
    invoker: lambda,
    port: 0,
    integrationTimeoutMs: 20,
    maxBodyBytes: 1024,
    binaryMediaTypes: ['application/octet-stream'],
    log: (line) => logs.push(line),
  });
});

after(() => gateway.close());

// node:http keeps header names as written and sends array values as repeated lines; fetch does neither.
function rawRequest(
  method: string,
  path: string,
  headers: OutgoingHttpHeaders,
  chunks: readonly Buffer[] = [],
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${gateway.url}${path}`, { method, headers, agent: false }, (res) => {
      const received: Buffer[] = [];
      res.on('data', (chunk: Buffer) => received.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(received).toString() }));
    });
    req.on('error', reject);
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

// The default stage (CORS for `*`) answers its own errors with its DEFAULT_4XX/5XX responses:
// `{"message":$context.error.messageString}` and the CORS origin.
async function assertStageError(response: Response, status: number, message: string): Promise<void> {
  assert.equal(response.status, status);
  assert.equal(await response.text(), JSON.stringify({ message }));
  assert.equal(response.headers.get('access-control-allow-origin'), '*');
}

describe('startGateway', () => {
  it('listens on loopback at a free port when asked for port 0', () => {
    assert.match(gateway.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.notEqual(gateway.port, 0);
  });

  it('routes a literal segment before a parameter', async () => {
    const response = await fetch(`${gateway.url}/products/search`);
    assert.deepEqual(await response.json(), { search: true });
    await fetch(`${gateway.url}/products/p-42`);
    assert.deepEqual(lambda.lastCall('echo').event.pathParameters, { id: 'p-42' });
  });

  it("answers an unknown path with AWS's 403 without invoking anything", async () => {
    const before = lambda.calls.length;
    const response = await fetch(`${gateway.url}/nowhere`);
    assert.equal(response.status, 403);
    assert.equal(await response.text(), '{"message":"Missing Authentication Token"}');
    assert.equal(response.headers.get('x-amzn-errortype'), 'MissingAuthenticationTokenException');
    assert.equal(response.headers.get('content-type'), 'application/json');
    assert.equal(lambda.calls.length, before);
  });

  it('answers an undeclared method on a known path, HEAD included, with the same 403', async () => {
    const deleted = await fetch(`${gateway.url}/products`, { method: 'DELETE' });
    assert.equal(deleted.status, 403);
    assert.equal(await deleted.text(), '{"message":"Missing Authentication Token"}');
    const head = await fetch(`${gateway.url}/products`, { method: 'HEAD' });
    assert.equal(head.status, 403);
    assert.equal(head.headers.get('x-amzn-errortype'), 'MissingAuthenticationTokenException');
  });

  it('answers a CORS preflight on a declared resource', async () => {
    const response = await fetch(`${gateway.url}/products/p1`, {
      method: 'OPTIONS',
      headers: { Origin: 'http://localhost:5173', 'Access-Control-Request-Method': 'DELETE' },
    });
    assert.equal(response.status, 204);
    assert.equal(response.headers.get('access-control-allow-origin'), '*');
    assert.match(response.headers.get('access-control-allow-methods') ?? '', /DELETE/);
  });

  it('serves a URL that names the stage, with the stage in requestContext.path only', async () => {
    const response = await fetch(`${gateway.url}/prod/products/caf%C3%A9%2Fx?tag=a&tag=b&q=x+y`);
    const { event } = lambda.lastCall('echo');
    assert.equal(event.resource, '/products/{id}');
    assert.equal(event.path, '/products/caf%C3%A9%2Fx');
    assert.equal(event.requestContext.path, '/prod/products/caf%C3%A9%2Fx');
    assert.equal(event.requestContext.stage, 'prod');
    assert.deepEqual(event.pathParameters, { id: 'caf%C3%A9%2Fx' });
    assert.deepEqual(event.queryStringParameters, { tag: 'b', q: 'x y' });
    assert.deepEqual(event.multiValueQueryStringParameters, { tag: ['a', 'b'], q: ['x y'] });
    assert.equal(event.httpMethod, 'GET');
    assert.equal(event.requestContext.identity.sourceIp, '127.0.0.1');
    assert.equal(response.headers.get('x-amzn-requestid'), event.requestContext.requestId);
    assert.equal(response.headers.get('x-amz-apigw-id'), event.requestContext.extendedRequestId);
  });

  it('serves a URL without the stage as a custom domain mapped to the stage does', async () => {
    await fetch(`${gateway.url}/products/p1`);
    const { event } = lambda.lastCall('echo');
    assert.equal(event.path, '/products/p1');
    assert.equal(event.requestContext.path, '/products/p1');
    assert.equal(event.requestContext.stage, 'prod');
  });

  it('keeps header names as sent and passes repeated headers as multi-value headers', async () => {
    await rawRequest('GET', '/products', { 'X-Custom-Header': 'kept', 'X-Multi': ['one', 'two'] });
    const { event } = lambda.lastCall('echo');
    assert.equal(event.headers['X-Custom-Header'], 'kept');
    assert.deepEqual(event.multiValueHeaders['X-Multi'], ['one', 'two']);
    assert.equal(event.headers['X-Multi'], 'two');
    assert.equal(event.headers['x-custom-header'], undefined);
  });

  it('passes a JSON body as text and a binary media type as base64', async () => {
    await fetch(`${gateway.url}/products`, { method: 'POST', body: '{"name":"Pen"}' });
    const json = lambda.lastCall('echo').event;
    assert.equal(json.body, '{"name":"Pen"}');
    assert.equal(json.isBase64Encoded, false);
    await rawRequest('POST', '/uploads', { 'Content-Type': 'application/octet-stream' }, [
      Buffer.from([0, 255, 1]),
    ]);
    const binary = lambda.lastCall('echo').event;
    assert.equal(binary.body, 'AP8B');
    assert.equal(binary.isBase64Encoded, true);
  });

  it('passes a valid result through with its status, headers and multi-value headers', async () => {
    const response = await fetch(`${gateway.url}/created`);
    assert.equal(response.status, 201);
    assert.equal(await response.text(), '{"id":"p1"}');
    assert.equal(response.headers.get('location'), '/products/p1');
    assert.equal(response.headers.get('x-flag'), 'true');
    assert.deepEqual(response.headers.getSetCookie(), ['a=1', 'b=2']);
    assert.equal(response.headers.get('content-type'), 'application/json');
    assert.match(response.headers.get('x-amzn-trace-id') ?? '', /^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);
  });

  it('decodes a base64 result only for an Accept type the API treats as binary', async () => {
    const binary = await fetch(`${gateway.url}/image`, { headers: { Accept: 'application/octet-stream' } });
    assert.deepEqual([...new Uint8Array(await binary.arrayBuffer())], [0, 255, 1]);
    const text = await fetch(`${gateway.url}/image`, { headers: { Accept: 'application/json' } });
    assert.equal(await text.text(), 'AP8B');
  });

  for (const [path, cause] of [
    ['/extra-key', /malformed Lambda proxy response: unexpected key\(s\) wrongValue/],
    ['/object-body', /malformed Lambda proxy response: body must be a string/],
    ['/throws', /function error TypeError: Cannot read properties of undefined/],
    ['/big-result', /result over the 6 MB invoke payload limit/],
  ] as const) {
    it(`answers 502 with a generic body and logs the cause for ${path}`, async () => {
      const response = await fetch(`${gateway.url}${path}`);
      await assertStageError(response, 502, 'Internal server error');
      assert.equal(response.headers.get('x-amzn-errortype'), 'InternalServerErrorException');
      assert.match(logs.at(-1) ?? '', cause);
    });
  }

  it('answers 413 Request Too Long when the event is over the Lambda invoke limit', async () => {
    const response = await fetch(`${gateway.url}/big-event`, { method: 'POST', body: '{}' });
    await assertStageError(response, 413, 'Request Too Long');
    assert.equal(response.headers.get('x-amzn-errortype'), 'BadRequestException');
  });

  it('answers 504 at the integration timeout and aborts the signal while the invocation runs on', async () => {
    const response = await fetch(`${gateway.url}/slow`);
    await assertStageError(response, 504, 'Endpoint request timed out');
    assert.equal(lambda.lastCall('slow').signal?.aborted, true);
    assert.deepEqual(lateResults, ['aborted']);
  });

  it('answers 413 to a body over the cap without invoking the function', async () => {
    const before = lambda.calls.length;
    const declared = await fetch(`${gateway.url}/products`, { method: 'POST', body: 'x'.repeat(4096) });
    assert.equal(declared.status, 413);
    assert.equal(await declared.text(), 'HTTP content length exceeded 1024 bytes.');
    const chunks = Array.from({ length: 8 }, () => Buffer.alloc(512, 'y'));
    const streamed = await rawRequest('POST', '/products', { 'Transfer-Encoding': 'chunked' }, chunks);
    assert.equal(streamed.status, 413);
    assert.equal(lambda.calls.length, before);
    assert.equal((await fetch(`${gateway.url}/products/search`)).status, 200);
  });

  it('answers 500 without details when the gateway itself fails, and keeps serving', async () => {
    const response = await fetch(`${gateway.url}/missing-function`);
    await assertStageError(response, 500, 'Internal server error');
    assert.match(logs.at(-1) ?? '', /gateway failure: Error: stand-in has no function not-deployed/);
    assert.equal((await fetch(`${gateway.url}/products/search`)).status, 200);
  });
});
