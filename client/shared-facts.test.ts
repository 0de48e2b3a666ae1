import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CORS } from '#src/declaration/api-settings.ts';
import { IDEMPOTENCY_HEADER } from '#src/declaration/idempotency.ts';
import { IDEMPOTENCY_KEY_HEADER } from './retrying-fetch.ts';

// The client is a package of its own and imports nothing of the project; where it must state a
// fact of the API again, this test holds its copy to the API's.
describe('the client and the API it calls', () => {
  test('send the idempotency key under one header name', () => {
    assert.equal(IDEMPOTENCY_KEY_HEADER, IDEMPOTENCY_HEADER);
  });

  test('a browser may send the idempotency key and read Retry-After, which the client honours', () => {
    assert.ok(CORS.allowHeaders.includes(IDEMPOTENCY_KEY_HEADER));
    assert.ok(CORS.exposeHeaders.includes('Retry-After'));
  });
});
