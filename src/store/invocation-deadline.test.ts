import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { ServiceUnavailableError } from '../domain/errors.ts';
import { boundByInvocationDeadline, setInvocationDeadline } from './invocation-deadline.ts';
import { translateSdkError } from './translate-error.ts';

test('a DynamoDB that never answers ends as unavailable within the invocation, retries included', async () => {
  // A server that accepts requests and never answers: a stalled engine (no local engine can be told to stall).
  const stalled = createServer(() => {});
  await new Promise<void>((resolve) => stalled.listen(0, '127.0.0.1', resolve));
  const client = new DynamoDBClient({
    region: 'us-east-1',
    endpoint: `http://127.0.0.1:${(stalled.address() as AddressInfo).port}`,
    credentials: { accessKeyId: 'LOCALTEST', secretAccessKey: 'x' },
    maxAttempts: 3,
    requestHandler: { requestTimeout: 60_000 },
  });
  boundByInvocationDeadline(client);
  try {
    setInvocationDeadline(1_000);
    const error = await client
      .send(new GetItemCommand({ TableName: 'products', Key: { id: { S: '1' } } }))
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    assert.equal((error as Error).name, 'TimeoutError');
    assert.ok(translateSdkError(error) instanceof ServiceUnavailableError);
    // Once the time is up, no attempt is sent at all.
    const late = await client
      .send(new GetItemCommand({ TableName: 'products', Key: { id: { S: '1' } } }))
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    assert.equal((late as Error).name, 'TimeoutError');
  } finally {
    client.destroy();
    stalled.closeAllConnections();
    await new Promise((resolve) => stalled.close(resolve));
  }
});
