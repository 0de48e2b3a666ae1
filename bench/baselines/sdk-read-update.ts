// Cold-start baseline of an update: only the SDK, making the two calls a PATCH makes on its
// successful path (a consistent GetItem of the item, then an UpdateItem on condition that its
// revision is still the one read, returning the new item) — the floor a read-then-write
// function cannot go under. The item's key comes from BASELINE_KEY (JSON), set by the bench: an
// owner-scoped table is keyed by owner and id.
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { REVISION_FIELD } from '../../src/domain/item.ts';

const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));

export const handler = async () => {
  const TableName = process.env.TABLE_NAME;
  const Key = JSON.parse(process.env.BASELINE_KEY ?? '{}') as Record<string, string>;
  const { Item } = await client.send(new GetCommand({ TableName, Key, ConsistentRead: true }));
  if (!Item) return { statusCode: 404, body: '' };
  const out = await client.send(
    new UpdateCommand({
      TableName,
      Key,
      ReturnValues: 'ALL_NEW',
      UpdateExpression: 'SET #revision = :revision, #updatedAt = :now ADD #version :one',
      ConditionExpression: '#revision = :read',
      ExpressionAttributeNames: {
        '#revision': REVISION_FIELD,
        '#updatedAt': 'updatedAt',
        '#version': 'version',
      },
      ExpressionAttributeValues: {
        ':revision': randomUUID(),
        ':now': new Date().toISOString(),
        ':one': 1,
        ':read': Item[REVISION_FIELD],
      },
    }),
  );
  return { statusCode: 200, body: JSON.stringify(out.Attributes) };
};
