// Tests of ensureTables' indexes on either engine, shared by create-indexes.test.ts (dynalite) and
// create-indexes.dynamodb-local.test.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DescribeTableCommand, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import type { ServiceDeclaration } from '#src/declaration/types.ts';
import { ensureTables } from './create-tables.ts';
import { ENGINE_TEST_TIMEOUT_MS, localClient } from './engines/engine-test-suite.ts';
import { startDynamoDb } from './launcher/start-dynamodb.ts';

const base: ServiceDeclaration = {
  name: 'widgets',
  table: { name: 'widgets', partitionKey: 'id' },
  functions: [],
};
const withIndex: ServiceDeclaration = {
  ...base,
  table: {
    ...base.table,
    indexes: [
      {
        name: 'byColourSize',
        partitionKey: { field: 'colour', type: 'string' },
        sortKey: { field: 'size', type: 'number' },
        key: { hash: { attribute: 'colour', type: 'string' }, range: { attribute: 'size', type: 'number' } },
      },
    ],
  },
};

async function withEngine(
  engine: 'dynalite' | 'dynamodb-local',
  body: (client: ReturnType<typeof localClient>) => Promise<void>,
) {
  const dynamodb = await startDynamoDb({ engine, dataDir: '', inMemory: true });
  const client = localClient(dynamodb.endpoint);
  try {
    await body(client);
  } finally {
    client.destroy();
    await dynamodb.stop();
  }
}

const queryBlue = (client: ReturnType<typeof localClient>) =>
  client.send(
    new QueryCommand({
      TableName: 'widgets',
      IndexName: 'byColourSize',
      KeyConditionExpression: 'colour = :c AND #size >= :s',
      ExpressionAttributeNames: { '#size': 'size' },
      ExpressionAttributeValues: { ':c': { S: 'blue' }, ':s': { N: '2' } },
    }),
  );

export function createIndexesTests(engine: 'dynalite' | 'dynamodb-local'): void {
  const options = { timeout: ENGINE_TEST_TIMEOUT_MS };

  test(
    `${engine}: a new table gets its declared indexes, keyed with the fields' types`,
    options,
    async () => {
      await withEngine(engine, async (client) => {
        await ensureTables(client, [withIndex]);
        await client.send(
          new PutItemCommand({
            TableName: 'widgets',
            Item: { id: { S: 'a' }, colour: { S: 'blue' }, size: { N: '3' } },
          }),
        );
        assert.deepEqual(
          (await queryBlue(client)).Items?.map((item) => item.id?.S),
          ['a'],
        );
        const { Table } = await client.send(new DescribeTableCommand({ TableName: 'widgets' }));
        assert.deepEqual(
          Table?.AttributeDefinitions?.find((a) => a.AttributeName === 'size'),
          { AttributeName: 'size', AttributeType: 'N' },
        );
      });
    },
  );

  test(`${engine}: an index of the same name with another key is reported, not used`, options, async () => {
    await withEngine(engine, async (client) => {
      await ensureTables(client, [withIndex]);
      const [index] = withIndex.table.indexes ?? [];
      assert.ok(index);
      const changed = {
        ...withIndex,
        table: { ...withIndex.table, indexes: [{ ...index, key: { hash: index.key.hash } }] },
      };
      await assert.rejects(ensureTables(client, [changed]), /has an index byColourSize with another key/);
    });
  });

  if (engine === 'dynamodb-local') {
    test(
      'dynamodb-local: an index declared later is added to the existing table, items included',
      options,
      async () => {
        await withEngine(engine, async (client) => {
          await ensureTables(client, [base]);
          await client.send(
            new PutItemCommand({
              TableName: 'widgets',
              Item: { id: { S: 'old' }, colour: { S: 'blue' }, size: { N: '5' } },
            }),
          );
          const [ensured] = await ensureTables(client, [withIndex]);
          assert.equal(ensured?.created, false);
          assert.deepEqual(
            (await queryBlue(client)).Items?.map((item) => item.id?.S),
            ['old'],
          );
        });
      },
    );
  } else {
    test(
      'dynalite: an index declared later is refused with what to do, as dynalite cannot add one',
      options,
      async () => {
        await withEngine(engine, async (client) => {
          await ensureTables(client, [base]);
          await assert.rejects(
            ensureTables(client, [withIndex]),
            /exists without the declared index byColourSize.*dynalite cannot.*delete the table/,
          );
        });
      },
    );
  }
}
