// The shared API settings cannot import CDK (function bundles carry them), so their ties to CDK's
// own CORS constants are checked here.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Cors } from 'aws-cdk-lib/aws-apigateway';
import { CORS } from '#src/declaration/api-settings.ts';
import { IDEMPOTENCY_HEADER } from '#src/declaration/idempotency.ts';

describe('CORS settings', () => {
  test("allow CDK's default request headers plus the contract's idempotency key and preconditions", () => {
    assert.deepEqual(CORS.allowHeaders, [
      ...Cors.DEFAULT_HEADERS,
      IDEMPOTENCY_HEADER,
      'If-Match',
      'If-None-Match',
    ]);
  });

  test("allow CDK's full list of methods, in its order", () => {
    assert.deepEqual(CORS.allowMethods, Cors.ALL_METHODS);
  });
});
