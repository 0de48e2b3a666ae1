import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { type ProxyResultCheck, validateProxyResult } from './validate-proxy-result.ts';

function reasonOf(check: ProxyResultCheck): string {
  assert.equal(check.ok, false, 'the result is malformed');
  return check.ok ? '' : check.reason;
}

function resultOf(value: unknown) {
  const check = validateProxyResult(value);
  assert.ok(check.ok, check.ok ? '' : check.reason);
  return check.result;
}

describe('validateProxyResult', () => {
  it('accepts the proxy response captured from AWS', () => {
    const captured = JSON.parse(
      readFileSync(
        new URL('../../test/fixtures/apigw-rest/aws-lambda-go-apigw-response.json', import.meta.url),
        'utf8',
      ),
    );
    const result = resultOf(captured);
    assert.equal(result.statusCode, 200);
    assert.equal(result.body, 'Hello World');
    assert.equal(result.headers.Host, 'wt6mne2s9k.execute-api.us-west-2.amazonaws.com');
    assert.deepEqual(result.multiValueHeaders['X-Forwarded-Port'], ['443']);
  });

  it('fills in absent fields as AWS does: {} is a 200 with an empty body', () => {
    assert.deepEqual(resultOf({}), {
      statusCode: 200,
      headers: {},
      multiValueHeaders: {},
      body: '',
      isBase64Encoded: false,
    });
    assert.deepEqual(resultOf({ statusCode: 204, headers: null, multiValueHeaders: null, body: null }), {
      statusCode: 204,
      headers: {},
      multiValueHeaders: {},
      body: '',
      isBase64Encoded: false,
    });
  });

  it('accepts a numeric string status code and refuses any other', () => {
    assert.equal(resultOf({ statusCode: '201' }).statusCode, 201);
    assert.match(reasonOf(validateProxyResult({ statusCode: 'test' })), /statusCode must be an integer/);
    assert.match(reasonOf(validateProxyResult({ statusCode: 200.5 })), /statusCode/);
    assert.match(reasonOf(validateProxyResult({ statusCode: 103 })), /statusCode/);
    assert.match(reasonOf(validateProxyResult({ statusCode: 600 })), /statusCode/);
    assert.match(reasonOf(validateProxyResult({ statusCode: true })), /statusCode/);
  });

  it('refuses keys outside the five of the proxy response format', () => {
    assert.equal(
      reasonOf(validateProxyResult({ statusCode: 200, wrongValue: 'x' })),
      'unexpected key(s) wrongValue',
    );
    assert.match(reasonOf(validateProxyResult({ statusCode: 200, cookies: ['a=1'] })), /cookies/);
  });

  it('refuses a body that is not a string', () => {
    assert.equal(
      reasonOf(validateProxyResult({ statusCode: 200, body: { id: 1 } })),
      'body must be a string, got object',
    );
    assert.match(reasonOf(validateProxyResult({ statusCode: 200, body: 42 })), /got number/);
    assert.match(reasonOf(validateProxyResult({ statusCode: 200, body: ['a'] })), /got array/);
  });

  it('sends boolean and number header values as text and refuses other values', () => {
    const result = resultOf({ headers: { 'Access-Control-Allow-Credentials': true, 'X-Count': 5 } });
    assert.deepEqual(result.headers, { 'Access-Control-Allow-Credentials': 'true', 'X-Count': '5' });
    assert.match(reasonOf(validateProxyResult({ headers: { 'X-Object': { a: 1 } } })), /headers\.X-Object/);
    assert.match(reasonOf(validateProxyResult({ headers: { 'X-Null': null } })), /headers\.X-Null/);
    assert.match(reasonOf(validateProxyResult({ headers: ['X-A', 'b'] })), /headers must be an object/);
  });

  it('requires every multiValueHeaders value to be an array', () => {
    const result = resultOf({ multiValueHeaders: { 'Set-Cookie': ['a=1', 'b=2'], 'X-Flag': [false] } });
    assert.deepEqual(result.multiValueHeaders, { 'Set-Cookie': ['a=1', 'b=2'], 'X-Flag': ['false'] });
    assert.match(reasonOf(validateProxyResult({ multiValueHeaders: { 'X-Multi': 'value1' } })), /X-Multi/);
    assert.match(reasonOf(validateProxyResult({ multiValueHeaders: { 'X-Multi': [{}] } })), /X-Multi/);
  });

  it('refuses header names and values that cannot go on the wire', () => {
    assert.match(reasonOf(validateProxyResult({ headers: { 'Bad Name': 'x' } })), /invalid header name/);
    const cannotCarry = /a character a header cannot carry/;
    assert.match(
      reasonOf(validateProxyResult({ headers: { 'X-Split': 'a\r\nInjected: yes' } })),
      cannotCarry,
    );
    assert.match(
      reasonOf(validateProxyResult({ multiValueHeaders: { 'X-Split': ['ok', 'a\nb'] } })),
      cannotCarry,
    );
    assert.match(reasonOf(validateProxyResult({ headers: { 'X-Name': '日本' } })), cannotCarry);
    assert.equal(resultOf({ headers: { 'X-Name': 'café\tok' } }).headers['X-Name'], 'café\tok');
  });

  it('requires isBase64Encoded to be a boolean', () => {
    assert.equal(resultOf({ body: 'aGk=', isBase64Encoded: true }).isBase64Encoded, true);
    assert.match(
      reasonOf(validateProxyResult({ isBase64Encoded: 'true' })),
      /isBase64Encoded must be a boolean/,
    );
  });

  it('sees the result as the Lambda runtime serialises it', () => {
    assert.deepEqual(
      resultOf({ statusCode: 200, body: undefined, headers: { 'X-Gone': undefined } }).headers,
      {},
    );
    const dated = resultOf({ statusCode: 200, headers: { 'X-When': new Date(0) } });
    assert.equal(dated.headers['X-When'], '1970-01-01T00:00:00.000Z');
    assert.match(reasonOf(validateProxyResult({ statusCode: 200, body: 10n })), /cannot be serialised/);
  });

  it('refuses results that are not objects', () => {
    for (const value of [undefined, null, 'justAString', 200, [], [{ statusCode: 200 }]]) {
      assert.match(reasonOf(validateProxyResult(value)), /the result must be an object/, String(value));
    }
  });
});
