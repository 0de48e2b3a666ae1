// Cold-start baseline of an idempotent create: only the SDK, making the calls such a create makes
// on its successful path (the conditional put of the in-progress record, the item's put, the
// update storing the response) — the floor a create with an idempotency record cannot go under.
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { IDEMPOTENCY_TABLE_ENV } from '../../src/declaration/idempotency.ts';
import { OWNER_FIELD } from '../../src/domain/item.ts';

const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));

export const handler = async () => {
  const records = process.env[IDEMPOTENCY_TABLE_ENV];
  const id = `baseline#${randomUUID()}`;
  const expiration = Math.floor(Date.now() / 1000) + 86_400;
  await client.send(
    new PutCommand({
      TableName: records,
      Item: { id, status: 'INPROGRESS', expiration },
      ConditionExpression: 'attribute_not_exists(id) OR expiration < :now',
      ExpressionAttributeValues: { ':now': Math.floor(Date.now() / 1000) },
    }),
  );
  // The owner too, so that the same put fits an owner-scoped table (keyed by owner and id).
  const item = { [OWNER_FIELD]: 'bench-cold', id: randomUUID(), name: 'cold', price: 1, version: 1 };
  await client.send(
    new PutCommand({
      TableName: process.env.TABLE_NAME,
      Item: item,
      ConditionExpression: 'attribute_not_exists(id)',
    }),
  );
  await client.send(
    new UpdateCommand({
      TableName: records,
      Key: { id },
      UpdateExpression: 'SET #status = :done, #data = :data',
      ExpressionAttributeNames: { '#status': 'status', '#data': 'data' },
      ExpressionAttributeValues: { ':done': 'COMPLETED', ':data': JSON.stringify(item) },
    }),
  );
  return { statusCode: 201, body: JSON.stringify(item) };
};
