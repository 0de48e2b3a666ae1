// Cold-start baseline: only the DynamoDB document client and one GetItem, bundled like every
// function — the floor a handler that reads DynamoDB cannot go under.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';

const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));

export const handler = async () => {
  const out = await client.send(new GetCommand({ TableName: process.env.TABLE_NAME, Key: { id: 'x' } }));
  return { statusCode: out.Item ? 200 : 404, body: '' };
};
