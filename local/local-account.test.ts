import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LOCAL_ACCOUNT_ID as IAM_ACCOUNT_ID } from './dynamodb/guard/iam/resolve-intrinsics.ts';
import { newApiIds, newRequestIds } from './gateway/request-ids.ts';
import { toProxyEvent } from './gateway/to-proxy-event.ts';
import { functionArn } from './lambda/lambda-environment.ts';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from './local-account.ts';

// On AWS the API, the functions and their roles live in one account; locally too, or an ARN a
// handler reads from its context would name a different account than the guard's messages.
describe('the local account', () => {
  test('is the one the function ARNs, the gateway events and the IAM guard name', () => {
    assert.equal(IAM_ACCOUNT_ID, LOCAL_ACCOUNT_ID);
    assert.equal(
      functionArn(LOCAL_REGION, 'products-get'),
      `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:function:products-get`,
    );
    const receivedAt = new Date('2026-01-01T00:00:00Z');
    const event = toProxyEvent(
      {
        method: 'GET',
        path: '/products',
        query: '',
        rawHeaders: ['Host', '127.0.0.1'],
        body: Buffer.alloc(0),
        sourceIp: '127.0.0.1',
        port: 80,
      },
      {
        resource: '/products',
        pathParameters: null,
        stage: 'prod',
        basePath: '/prod',
        api: newApiIds(),
        ids: newRequestIds(receivedAt),
        receivedAt,
        binaryMediaTypes: [],
      },
    );
    assert.equal(event.requestContext.accountId, LOCAL_ACCOUNT_ID);
  });
});
