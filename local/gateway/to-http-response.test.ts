import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HttpResponse } from './http-response.ts';
import { newRequestIds } from './request-ids.ts';
import { type ResponseContext, toHttpResponse } from './to-http-response.ts';
import type { ProxyResult } from './validate-proxy-result.ts';

const now = new Date('2024-06-17T14:48:13.000Z');
const ids = newRequestIds(now);

function result(overrides: Partial<ProxyResult> = {}): ProxyResult {
  return {
    statusCode: 200,
    headers: {},
    multiValueHeaders: {},
    body: '',
    isBase64Encoded: false,
    ...overrides,
  };
}

function context(overrides: Partial<ResponseContext> = {}): ResponseContext {
  return { ids, accept: '*/*', binaryMediaTypes: [], now, ...overrides };
}

function values(response: HttpResponse, name: string): string[] {
  return response.headers.filter(([n]) => n.toLowerCase() === name.toLowerCase()).map(([, value]) => value);
}

describe('toHttpResponse', () => {
  it('passes status, headers and body through and adds the headers API Gateway adds', () => {
    const response = toHttpResponse(
      result({ statusCode: 201, headers: { Location: '/products/1' }, body: '{"id":"1"}' }),
      context(),
    );
    assert.equal(response.statusCode, 201);
    assert.equal(response.body.toString(), '{"id":"1"}');
    assert.deepEqual(values(response, 'Location'), ['/products/1']);
    assert.deepEqual(values(response, 'Content-Type'), ['application/json']);
    assert.deepEqual(values(response, 'Content-Length'), ['10']);
    assert.deepEqual(values(response, 'Date'), ['Mon, 17 Jun 2024 14:48:13 GMT']);
    assert.deepEqual(values(response, 'x-amzn-RequestId'), [ids.requestId]);
    assert.deepEqual(values(response, 'x-amz-apigw-id'), [ids.extendedRequestId]);
    assert.deepEqual(values(response, 'X-Amzn-Trace-Id'), [ids.traceId]);
  });

  it("keeps the function's Content-Type instead of the default", () => {
    const response = toHttpResponse(
      result({ headers: { 'content-type': 'application/problem+json' } }),
      context(),
    );
    assert.deepEqual(values(response, 'Content-Type'), ['application/problem+json']);
  });

  it('sends a name found in headers and multiValueHeaders with both values, multi-value first, spelt as multiValueHeaders spells it', () => {
    const response = toHttpResponse(
      result({
        headers: { 'X-Solo': 'one', 'test-multi': 'value-solo' },
        multiValueHeaders: { 'Set-Cookie': ['a=1', 'b=2'], 'tesT-Multi': ['value-multi', 'second'] },
      }),
      context(),
    );
    assert.deepEqual(values(response, 'X-Solo'), ['one']);
    assert.deepEqual(values(response, 'Set-Cookie'), ['a=1', 'b=2']);
    const multi = response.headers.filter(([name]) => name.toLowerCase() === 'test-multi');
    assert.deepEqual(multi, [
      ['tesT-Multi', 'value-multi'],
      ['tesT-Multi', 'second'],
      ['tesT-Multi', 'value-solo'],
    ]);
  });

  it('moves headers the gateway owns aside and drops Transfer-Encoding', () => {
    const response = toHttpResponse(
      result({
        headers: {
          'Content-Length': '999',
          Date: 'yesterday',
          Server: 'mine',
          'Transfer-Encoding': 'chunked',
        },
        multiValueHeaders: { 'x-amzn-RequestId': ['forged'] },
        body: 'ok',
      }),
      context(),
    );
    assert.deepEqual(values(response, 'Content-Length'), ['2']);
    assert.deepEqual(values(response, 'x-amzn-Remapped-Content-Length'), ['999']);
    assert.deepEqual(values(response, 'x-amzn-Remapped-Date'), ['yesterday']);
    assert.deepEqual(values(response, 'x-amzn-Remapped-Server'), ['mine']);
    assert.deepEqual(values(response, 'Transfer-Encoding'), []);
    assert.deepEqual(values(response, 'x-amzn-RequestId'), [ids.requestId]);
  });

  it('decodes a base64 body when the first Accept type is a binary media type', () => {
    const response = toHttpResponse(
      result({ body: '/wAQ', isBase64Encoded: true, headers: { 'Content-Type': 'image/png' } }),
      context({ accept: 'image/png, */*', binaryMediaTypes: ['image/*'] }),
    );
    assert.deepEqual([...response.body], [0xff, 0x00, 0x10]);
    assert.deepEqual(values(response, 'Content-Length'), ['3']);
  });

  it('sends the base64 text itself when the API has no matching binary media type', () => {
    const body = Buffer.from('test-data').toString('base64');
    const response = toHttpResponse(
      result({ body, isBase64Encoded: true }),
      context({ accept: 'application/json' }),
    );
    assert.equal(response.body.toString(), body);
  });

  it('answers 500 when a body meant as binary is not valid base64', () => {
    const response = toHttpResponse(
      result({ body: 'not base64!', isBase64Encoded: true }),
      context({ binaryMediaTypes: ['*/*'] }),
    );
    assert.equal(response.statusCode, 500);
    assert.equal(response.body.toString(), '{"message": "Internal server error"}');
  });

  it('sends neither body nor Content-Length with a 204', () => {
    const response = toHttpResponse(result({ statusCode: 204, body: 'ignored' }), context());
    assert.equal(response.body.length, 0);
    assert.deepEqual(values(response, 'Content-Length'), []);
  });
});
