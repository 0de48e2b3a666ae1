import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { countDynamoDbCalls, dynamoDbCalls, resetDynamoDbCalls } from './call-counters.ts';

/**
 * A client whose HTTP layer answers from a script of status codes. A stand-in on purpose: neither
 * DynamoDB Local nor dynalite can be made to throttle, and throttling is what is counted here.
 */
function scriptedClient(statuses: number[]): DynamoDBClient {
  const client = new DynamoDBClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 3,
    requestHandler: {
      handle: async () => {
        const status = statuses.shift() ?? 200;
        const body =
          status === 200
            ? '{}'
            : JSON.stringify({
                __type: 'com.amazonaws.dynamodb.v20120810#ThrottlingException',
                message: 'slow down',
              });
        // The shape of the SDK's HttpResponse, which it recognises by its fields.
        const headers = { 'content-type': 'application/x-amz-json-1.0' };
        return { response: { statusCode: status, headers, body: Buffer.from(body) } };
      },
    },
  });
  countDynamoDbCalls(client);
  return client;
}

const get = new GetItemCommand({ TableName: 't', Key: { id: { S: '1' } } });

test('counts calls, attempts and throttled attempts, retries included', async () => {
  resetDynamoDbCalls();
  const client = scriptedClient([400, 200, 200]);
  await client.send(get);
  await client.send(get);
  const { elapsedMs, ...counts } = dynamoDbCalls();
  assert.deepEqual(counts, { calls: 2, attempts: 3, throttles: 1 });
  assert.ok(elapsedMs > 0);
});

test('counts a call that fails after its last retry, and starts afresh on reset', async () => {
  resetDynamoDbCalls();
  const client = scriptedClient([400, 400, 400]);
  await assert.rejects(client.send(get), { name: 'ThrottlingException' });
  assert.equal(dynamoDbCalls().throttles, 3);
  assert.equal(dynamoDbCalls().attempts, 3);
  resetDynamoDbCalls();
  assert.deepEqual(dynamoDbCalls(), { calls: 0, attempts: 0, throttles: 0, elapsedMs: 0 });
});
