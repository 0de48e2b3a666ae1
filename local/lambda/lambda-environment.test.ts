import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { functionArn, instanceEnvironment, newLogStreamName } from './lambda-environment.ts';

const identity = {
  functionName: 'products-get',
  bundleFile: '/app/.build/products-get/index.mjs',
  memoryMb: 256,
  region: 'eu-central-1',
  logStreamName: '2024/05/01/[$LATEST]0123456789abcdef0123456789abcdef',
};

describe('lambda environment', () => {
  it('names a log stream after the UTC day and the version, with 32 random hex digits', () => {
    const name = newLogStreamName(new Date('2024-05-01T23:59:59Z'));
    assert.match(name, /^2024\/05\/01\/\[\$LATEST\][0-9a-f]{32}$/);
    assert.notEqual(newLogStreamName(), newLogStreamName());
  });

  it('builds the ARN of a function in the local account', () => {
    assert.equal(
      functionArn('eu-central-1', 'products-get'),
      'arn:aws:lambda:eu-central-1:123456789012:function:products-get',
    );
  });

  it("sets Lambda's variables over the function's own and keeps its credentials", () => {
    const env = instanceEnvironment(
      { TABLE_NAME: 'products', AWS_ACCESS_KEY_ID: 'AKIALOCAL', AWS_LAMBDA_FUNCTION_NAME: 'spoofed' },
      identity,
    );
    assert.equal(env.TABLE_NAME, 'products');
    assert.equal(env.AWS_ACCESS_KEY_ID, 'AKIALOCAL');
    assert.equal(env.AWS_LAMBDA_FUNCTION_NAME, 'products-get');
    assert.equal(env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE, '256');
    assert.equal(env.AWS_LAMBDA_LOG_STREAM_NAME, identity.logStreamName);
    assert.equal(env.LAMBDA_TASK_ROOT, '/app/.build/products-get');
    assert.equal(env.AWS_REGION, 'eu-central-1');
    assert.equal(env.NODE_ENV, undefined);
    assert.equal(env.AWS_SECRET_ACCESS_KEY, undefined);
  });
});
