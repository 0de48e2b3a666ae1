import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gatewayResponses } from '#src/declaration/gateway-responses.ts';
import { contentLengthExceededResponse, gatewayResponse, preflightResponse } from './gateway-responses.ts';
import type { HttpResponse } from './http-response.ts';
import { newRequestIds } from './request-ids.ts';

const now = new Date('2024-06-17T14:48:13.000Z');
const ids = newRequestIds(now);

function values(response: HttpResponse, name: string): string[] {
  return response.headers.filter(([n]) => n.toLowerCase() === name.toLowerCase()).map(([, value]) => value);
}

describe('gatewayResponse', () => {
  it('answers with the exact bodies and error types of AWS', () => {
    const expected = [
      [
        'missingAuthenticationToken',
        403,
        '{"message":"Missing Authentication Token"}',
        'MissingAuthenticationTokenException',
      ],
      ['lambdaRequestTooLong', 413, '{"message": "Request Too Long"}', 'BadRequestException'],
      ['integrationFailure', 502, '{"message": "Internal server error"}', 'InternalServerErrorException'],
      [
        'integrationTimeout',
        504,
        '{"message": "Endpoint request timed out"}',
        'InternalServerErrorException',
      ],
      ['internalServerError', 500, '{"message": "Internal server error"}', 'InternalServerErrorException'],
    ] as const;
    for (const [type, status, body, errorType] of expected) {
      const response = gatewayResponse(type, ids, now);
      assert.equal(response.statusCode, status, type);
      assert.equal(response.body.toString(), body, type);
      assert.deepEqual(values(response, 'x-amzn-ErrorType'), [errorType], type);
      assert.deepEqual(values(response, 'Content-Type'), ['application/json'], type);
      assert.deepEqual(values(response, 'Content-Length'), [String(Buffer.byteLength(body))], type);
      assert.deepEqual(values(response, 'x-amzn-RequestId'), [ids.requestId], type);
    }
  });

  it('adds a trace id to the timeout response only', () => {
    assert.deepEqual(values(gatewayResponse('integrationTimeout', ids, now), 'X-Amzn-Trace-Id'), [
      ids.traceId,
    ]);
    assert.deepEqual(values(gatewayResponse('integrationFailure', ids, now), 'X-Amzn-Trace-Id'), []);
  });
});

describe('gatewayResponse with the stage definitions', () => {
  const stage = { definitions: gatewayResponses(['*']) };

  it("renders DEFAULT_4XX's template with the error's message and the CORS origin", () => {
    const response = gatewayResponse('throttled', ids, now, stage);
    assert.equal(response.statusCode, 429);
    assert.equal(response.body.toString(), '{"message":"Too Many Requests"}');
    assert.deepEqual(values(response, 'Access-Control-Allow-Origin'), ['*']);
    assert.deepEqual(values(response, 'Content-Type'), ['application/json']);
    assert.deepEqual(values(response, 'x-amzn-ErrorType'), ['TooManyRequestsException']);
  });

  it('takes an Accept naming an inherited property (`__proto__`) as no match: the JSON template', () => {
    const response = gatewayResponse('missingAuthenticationToken', ids, now, {
      ...stage,
      accept: '__proto__',
    });
    assert.equal(response.statusCode, 403);
    assert.equal(response.body.toString(), '{"message":"Missing Authentication Token"}');
  });

  it("renders DEFAULT_5XX's for a 5xx", () => {
    const response = gatewayResponse('integrationTimeout', ids, now, stage);
    assert.equal(response.statusCode, 504);
    assert.equal(response.body.toString(), '{"message":"Endpoint request timed out"}');
    assert.deepEqual(values(response, 'Access-Control-Allow-Origin'), ['*']);
  });

  it("renders BAD_REQUEST_BODY as problem+json whose detail is AWS's message, whatever the validator said", () => {
    const response = gatewayResponse('badRequestBody', ids, now, {
      ...stage,
      accept: 'application/problem+json',
      validationErrorString: '[object has missing required properties (["name","price"])]',
    });
    assert.equal(response.statusCode, 400);
    assert.deepEqual(values(response, 'Content-Type'), ['application/problem+json']);
    assert.deepEqual(JSON.parse(response.body.toString()), {
      type: 'about:blank',
      title: 'Bad Request',
      status: 400,
      detail: 'Invalid request body',
      instance: `urn:uuid:${ids.requestId}`,
    });
  });

  it("keeps AWS's own body when the stage customises nothing for the error (several CORS origins)", () => {
    const several = { definitions: gatewayResponses(['https://a.example', 'https://b.example']) };
    const response = gatewayResponse('integrationFailure', ids, now, several);
    assert.equal(response.body.toString(), '{"message": "Internal server error"}');
    assert.deepEqual(values(response, 'Access-Control-Allow-Origin'), []);
  });
});

describe('preflightResponse', () => {
  it("answers like CDK's CORS preflight for every origin, with Max-Age and Expose-Headers", () => {
    const response = preflightResponse(ids, now);
    assert.equal(response.statusCode, 204);
    assert.deepEqual(values(response, 'Access-Control-Allow-Origin'), ['*']);
    assert.deepEqual(values(response, 'Vary'), []);
    assert.deepEqual(values(response, 'Access-Control-Allow-Methods'), [
      'OPTIONS,GET,PUT,POST,DELETE,PATCH,HEAD',
    ]);
    assert.match(
      values(response, 'Access-Control-Allow-Headers')[0] ?? '',
      /^Content-Type,X-Amz-Date,Authorization,.*If-Match,If-None-Match$/,
    );
    assert.deepEqual(values(response, 'Access-Control-Max-Age'), ['3600']);
    assert.deepEqual(values(response, 'Access-Control-Expose-Headers'), ['ETag,Location,Retry-After']);
  });

  it('answers the first of several origins unless the request comes from one of the others', () => {
    const origins = ['https://a.example', 'https://b.example'];
    const fromB = preflightResponse(ids, now, origins, 'https://b.example');
    assert.deepEqual(values(fromB, 'Access-Control-Allow-Origin'), ['https://b.example']);
    assert.deepEqual(values(fromB, 'Vary'), ['Origin']);
    const fromElsewhere = preflightResponse(ids, now, origins, 'https://c.example');
    assert.deepEqual(values(fromElsewhere, 'Access-Control-Allow-Origin'), ['https://a.example']);
  });
});

describe('contentLengthExceededResponse', () => {
  it('answers in plain text naming the limit, as the AWS front door does', () => {
    const response = contentLengthExceededResponse(10485760, now);
    assert.equal(response.statusCode, 413);
    assert.equal(response.body.toString(), 'HTTP content length exceeded 10485760 bytes.');
    assert.deepEqual(values(response, 'Content-Type'), ['text; charset=utf-8']);
    assert.deepEqual(values(response, 'x-amzn-RequestId'), []);
  });
});
