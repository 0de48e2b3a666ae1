import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { gatewayResponses, renderGatewayTemplate } from './gateway-responses.ts';

// The reasons API Gateway's body validator writes into `$context.error.validationErrorString`,
// one per kind of violation a draft-4 model can report, and a request body that is not JSON.
// Every one but the last holds double quotes; one holds a backslash.
const VALIDATION_MESSAGES = [
  '[object has missing required properties (["name","price"])]',
  '[instance type (string) does not match any allowed primitive type (allowed: ["integer","number"])]',
  '[string "" is too short (length: 0, required minimum: 1)]',
  '[object instance has properties which are not allowed by the schema: ["colour"]]',
  '[ECMA 262 regex "^\\d+$" does not match input string "12a"]',
  '[instance value ("blue") not found in enum (possible values: ["red","green"])]',
  '[numeric instance is lower than the required minimum (minimum: 0, found: -1)]',
  '[object has missing required properties (["price"]), string "" is too short (length: 0, required minimum: 1)]',
  'Invalid request body',
];

const requestId = 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef';

describe('gateway response templates', () => {
  test('BAD_REQUEST_BODY renders valid problem+json for every reason the body validator gives', () => {
    const definition = gatewayResponses(['*']).find((d) => d.type === 'BAD_REQUEST_BODY');
    assert.ok(definition);
    for (const [mediaType, template] of Object.entries(definition.templates)) {
      for (const validationErrorString of VALIDATION_MESSAGES) {
        const body = renderGatewayTemplate(template, {
          message: 'Invalid request body',
          responseType: 'BAD_REQUEST_BODY',
          validationErrorString,
          requestId,
        });
        assert.deepEqual(
          JSON.parse(body),
          {
            type: 'about:blank',
            title: 'Bad Request',
            status: 400,
            detail: 'Invalid request body',
            instance: `urn:uuid:${requestId}`,
          },
          `${mediaType} with ${validationErrorString}`,
        );
      }
    }
  });

  test('every template of every stage renders valid JSON whatever the variables hold', () => {
    const hostile = 'say "hi" \\ then } and ] and\nnew line';
    const stages = [['*'], ['https://a.example'], ['https://a.example', 'https://b.example']];
    let rendered = 0;
    for (const origins of stages) {
      for (const definition of gatewayResponses(origins)) {
        for (const template of Object.values(definition.templates)) {
          const body = renderGatewayTemplate(template, {
            message: hostile,
            responseType: definition.type,
            validationErrorString: hostile,
            requestId,
          });
          assert.doesNotThrow(() => JSON.parse(body), `${definition.type}: ${body}`);
          rendered += 1;
        }
      }
    }
    assert.ok(rendered >= 6, 'every stage shape has templates to render');
  });

  test('substitutes as API Gateway does: only messageString is quoted, each variable once', () => {
    const values = {
      message: 'Too Many Requests',
      responseType: 'THROTTLED',
      validationErrorString: '[a "b"]',
      requestId: 'r-$context.requestId',
    };
    assert.equal(
      renderGatewayTemplate(
        '$context.error.messageString|$context.error.message|$context.error.validationErrorString|$context.error.responseType|$context.requestId',
        values,
      ),
      '"Too Many Requests"|Too Many Requests|[a "b"]|THROTTLED|r-$context.requestId',
    );
    assert.equal(
      renderGatewayTemplate('[$context.error.validationErrorString]', {
        ...values,
        validationErrorString: undefined,
      }),
      '[]',
    );
  });
});
