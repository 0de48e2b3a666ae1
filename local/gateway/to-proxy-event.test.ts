import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { newApiIds, newRequestIds } from './request-ids.ts';
import {
  type EventContext,
  formatRequestTime,
  type IncomingRequest,
  matchesBinaryMediaType,
  toProxyEvent,
} from './to-proxy-event.ts';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../test/fixtures/apigw-rest/${name}`, import.meta.url), 'utf8'));

const REQUEST_TIME =
  /^\d{2}\/(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function request(overrides: Partial<IncomingRequest> = {}): IncomingRequest {
  return {
    method: 'GET',
    path: '/products',
    query: '',
    rawHeaders: ['Host', '127.0.0.1:3000', 'User-Agent', 'test-client/1.0', 'Accept', '*/*'],
    body: Buffer.alloc(0),
    sourceIp: '127.0.0.1',
    port: 3000,
    ...overrides,
  };
}

function context(overrides: Partial<EventContext> = {}): EventContext {
  const receivedAt = new Date('2024-06-17T14:48:13.506Z');
  return {
    resource: '/products',
    pathParameters: null,
    stage: 'local',
    basePath: '/local',
    api: newApiIds(),
    ids: newRequestIds(receivedAt),
    receivedAt,
    binaryMediaTypes: [],
    ...overrides,
  };
}

// Maps whose keys are data (header names, parameters) are compared by the type of their values only.
const FREE_FORM = new Set([
  'headers',
  'multiValueHeaders',
  'queryStringParameters',
  'multiValueQueryStringParameters',
  'pathParameters',
  'stageVariables',
]);

function shapeOf(value: unknown, key = ''): unknown {
  const distinct = (values: unknown[]) =>
    [...new Set(values.map((v) => JSON.stringify(shapeOf(v))))].sort().join('|');
  if (value === null) return 'null';
  if (Array.isArray(value)) return `array of ${distinct(value)}`;
  if (typeof value !== 'object') return typeof value;
  if (FREE_FORM.has(key)) return `map of ${distinct(Object.values(value))}`;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shapeOf(v, k)]));
}

// The sample's caller is authenticated, ours is anonymous: these identity fields are a string or null on AWS.
const NULLABLE_IDENTITY = [
  'accessKey',
  'accountId',
  'caller',
  'cognitoAuthenticationProvider',
  'cognitoAuthenticationType',
  'cognitoIdentityId',
  'cognitoIdentityPoolId',
  'user',
  'userArn',
];

// The object holding the last key of a dotted path in a shape, and that key.
function locate(shape: unknown, path: string): [object, string] {
  const keys = path.split('.');
  const last = keys.pop() ?? '';
  const parent = keys.reduce<unknown>(
    (node, k) => (typeof node === 'object' && node ? Reflect.get(node, k) : node),
    shape,
  );
  assert.ok(typeof parent === 'object' && parent && Reflect.has(parent, last), `${path} exists`);
  return [parent, last];
}

function nullable(shape: unknown, path: string): void {
  const [parent, key] = locate(shape, path);
  assert.ok(['string', 'null'].includes(String(Reflect.get(parent, key))), `${path} is a string or null`);
  Reflect.set(parent, key, 'string|null');
}

function omit(shape: unknown, path: string): void {
  const [parent, key] = locate(shape, path);
  Reflect.deleteProperty(parent, key);
}

describe('toProxyEvent', () => {
  it('has the keys and value types of an event captured from a deployed API without authorizer', () => {
    const event = toProxyEvent(
      request({
        method: 'POST',
        path: '/no-auth',
        rawHeaders: ['Accept', '*/*', 'Host', 'x.example', 'User-Agent', 'HTTPie/3.2.2'],
      }),
      context({ resource: '/no-auth' }),
    );
    assert.deepEqual(shapeOf(event), shapeOf(fixture('powertools-no-auth.json')));
  });

  it('matches the aws-lambda-go sample event apart from the features this API does not use', () => {
    const event = toProxyEvent(
      request({
        method: 'POST',
        path: '/hello/world',
        query: 'name=me',
        rawHeaders: [
          'Content-Type',
          'application/json',
          'Host',
          'x.example',
          'User-Agent',
          'PostmanRuntime/2.4.5',
        ],
        body: Buffer.from('{\r\n\t"a": 1\r\n}'),
      }),
      context({ resource: '/{proxy+}', pathParameters: { proxy: 'hello/world' } }),
    );
    const ours = shapeOf(event);
    const sample = shapeOf(fixture('aws-lambda-go-apigw-request.json'));
    // Only in the sample: a Lambda authorizer, API keys and mTLS, which this API does not configure,
    // and stage variables, which the local stage does not have (ours is null, as AWS sends without any).
    for (const path of ['requestContext.authorizer', 'requestContext.identity.apiKey', 'stageVariables']) {
      omit(sample, path);
    }
    omit(sample, 'requestContext.identity.apiKeyId');
    omit(sample, 'requestContext.identity.clientCert');
    omit(ours, 'stageVariables');
    // Only in ours: fields real captures have (see powertools-no-auth.json) and the hand-made sample lacks.
    for (const path of [
      'isBase64Encoded',
      'requestContext.deploymentId',
      'requestContext.identity.principalOrgId',
    ]) {
      omit(ours, path);
    }
    for (const field of NULLABLE_IDENTITY) {
      nullable(ours, `requestContext.identity.${field}`);
      nullable(sample, `requestContext.identity.${field}`);
    }
    assert.deepEqual(ours, sample);
  });

  it('formats requestTime like AWS', () => {
    const event = toProxyEvent(request(), context());
    assert.match(event.requestContext.requestTime ?? '', REQUEST_TIME);
    assert.equal(formatRequestTime(new Date(1718635693506)), '17/Jun/2024:14:48:13 +0000');
    assert.equal(formatRequestTime(new Date(Date.UTC(2025, 0, 5, 3, 4, 5))), '05/Jan/2025:03:04:05 +0000');
    assert.equal(event.requestContext.requestTimeEpoch, Date.parse('2024-06-17T14:48:13.506Z'));
  });

  it('puts the base path the client used in requestContext.path only', () => {
    const event = toProxyEvent(
      request({ path: '/products/p%201' }),
      context({
        resource: '/products/{id}',
        pathParameters: { id: 'p%201' },
        stage: 'dev',
        basePath: '/dev',
      }),
    );
    assert.equal(event.path, '/products/p%201');
    assert.equal(event.requestContext.path, '/dev/products/p%201');
    assert.equal(event.resource, '/products/{id}');
    assert.equal(event.requestContext.resourcePath, '/products/{id}');
    assert.deepEqual(event.pathParameters, { id: 'p%201' });
    assert.equal(event.requestContext.stage, 'dev');
    const withoutStage = toProxyEvent(
      request({ path: '/products' }),
      context({ stage: 'dev', basePath: '' }),
    );
    assert.equal(withoutStage.requestContext.path, '/products');
    assert.equal(withoutStage.requestContext.stage, 'dev');
  });

  it('sends null for absent query strings, path parameters and stage variables', () => {
    const event = toProxyEvent(request(), context());
    assert.equal(event.queryStringParameters, null);
    assert.equal(event.multiValueQueryStringParameters, null);
    assert.equal(event.pathParameters, null);
    assert.equal(event.stageVariables, null);
    assert.equal(event.body, null);
    assert.equal(event.isBase64Encoded, false);
  });

  it('decodes query strings, keeping the last value in the single-value map', () => {
    const event = toProxyEvent(
      request({ query: 'tag=a&tag=b&q=x+y&email=test%2Balias%40example.com&empty=' }),
      context(),
    );
    assert.deepEqual(event.queryStringParameters, {
      tag: 'b',
      q: 'x y',
      email: 'test+alias@example.com',
      empty: '',
    });
    assert.deepEqual(event.multiValueQueryStringParameters, {
      tag: ['a', 'b'],
      q: ['x y'],
      email: ['test+alias@example.com'],
      empty: [''],
    });
  });

  it('keeps header names as sent and groups repeated headers', () => {
    const rawHeaders = ['Host', 'h:1', 'X-Custom-Header', 'one', 'x-lower', 'v', 'X-Custom-Header', 'two'];
    const event = toProxyEvent(request({ rawHeaders }), context());
    assert.equal(event.headers['X-Custom-Header'], 'two');
    assert.equal(event.headers['x-lower'], 'v');
    assert.deepEqual(event.multiValueHeaders['X-Custom-Header'], ['one', 'two']);
    assert.equal(event.headers['x-custom-header'], undefined);
  });

  it('drops framing headers and adds the forwarding and trace headers', () => {
    const rawHeaders = [
      'Host',
      'h',
      'Content-Length',
      '2',
      'Connection',
      'keep-alive',
      'X-Forwarded-For',
      '10.0.0.9',
    ];
    const ids = newRequestIds(new Date());
    const event = toProxyEvent(
      request({ method: 'POST', rawHeaders, body: Buffer.from('{}'), sourceIp: '127.0.0.1', port: 4321 }),
      context({ ids }),
    );
    assert.equal(event.headers['Content-Length'], undefined);
    assert.equal(event.headers.Connection, undefined);
    assert.equal(event.headers['X-Forwarded-For'], '10.0.0.9, 127.0.0.1');
    assert.equal(event.headers['X-Forwarded-Port'], '4321');
    assert.equal(event.headers['X-Forwarded-Proto'], 'http');
    assert.equal(event.headers['X-Amzn-Trace-Id'], ids.traceId);
    assert.deepEqual(event.multiValueHeaders['X-Forwarded-Port'], ['4321']);
  });

  it('fills identity with nulls except the source IP and user agent', () => {
    const event = toProxyEvent(request({ sourceIp: '127.0.0.1' }), context());
    const { sourceIp, userAgent, ...rest } = event.requestContext.identity;
    assert.equal(sourceIp, '127.0.0.1');
    assert.equal(userAgent, 'test-client/1.0');
    assert.ok(Object.values(rest).every((value) => value === null));
    const anonymous = toProxyEvent(request({ rawHeaders: ['Host', 'h'] }), context());
    assert.equal(anonymous.requestContext.identity.userAgent, null);
  });

  it('derives domainName and domainPrefix from the Host header without its port', () => {
    const event = toProxyEvent(request({ rawHeaders: ['Host', 'api.localtest.me:3000'] }), context());
    assert.equal(event.requestContext.domainName, 'api.localtest.me');
    assert.equal(event.requestContext.domainPrefix, 'api');
  });

  it('gives each request a fresh UUID and the same resource the same resourceId', () => {
    const first = toProxyEvent(request(), context({ ids: newRequestIds(new Date()) }));
    const second = toProxyEvent(request(), context({ ids: newRequestIds(new Date()) }));
    assert.match(first.requestContext.requestId, UUID);
    assert.notEqual(first.requestContext.requestId, second.requestContext.requestId);
    assert.equal(first.requestContext.resourceId, second.requestContext.resourceId);
    assert.match(first.requestContext.resourceId, /^[a-z0-9]{6}$/);
    assert.match(first.requestContext.apiId, /^[a-z0-9]{10}$/);
    assert.match(first.requestContext.extendedRequestId ?? '', /^[A-Za-z0-9+/]{15}=$/);
  });

  it('passes a text body as UTF-8 when no binary media type matches', () => {
    const body = Buffer.from('{"name":"Café"}');
    const rawHeaders = ['Content-Type', 'application/json'];
    const event = toProxyEvent(request({ method: 'POST', rawHeaders, body }), context());
    assert.equal(event.body, '{"name":"Café"}');
    assert.equal(event.isBase64Encoded, false);
  });

  it('base64-encodes a body whose Content-Type is one of the binary media types', () => {
    const body = Buffer.from([0xff, 0x00, 0x10]);
    const rawHeaders = ['Content-Type', 'image/png'];
    const event = toProxyEvent(
      request({ method: 'POST', rawHeaders, body }),
      context({ binaryMediaTypes: ['image/*'] }),
    );
    assert.equal(event.body, '/wAQ');
    assert.equal(event.isBase64Encoded, true);
  });
});

describe('matchesBinaryMediaType', () => {
  it('matches exact types and wildcards, ignoring parameters and case', () => {
    assert.equal(matchesBinaryMediaType('image/png', ['image/png']), true);
    assert.equal(matchesBinaryMediaType('Image/PNG; q=0.9', ['image/*']), true);
    assert.equal(matchesBinaryMediaType('application/json', ['*/*']), true);
    assert.equal(matchesBinaryMediaType('image/png, text/html', ['image/png']), true);
    assert.equal(matchesBinaryMediaType('text/html, image/png', ['image/png']), false);
    assert.equal(matchesBinaryMediaType('application/json', ['image/*']), false);
    assert.equal(matchesBinaryMediaType(undefined, ['*/*']), false);
    assert.equal(matchesBinaryMediaType('image/png', []), false);
  });
});
