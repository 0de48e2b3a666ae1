// Tests of ensureStackTables on either engine, shared by ensure-tables.test.ts (dynalite) and
// ensure-tables.dynamodb-local.test.ts: the shipped stack's tables, their indexes and the
// idempotency table's TTL.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  PutItemCommand,
  QueryCommand,
} from '@aws-sdk/client-dynamodb';
import { ENGINE_TEST_TIMEOUT_MS, localClient } from '#local/dynamodb/engines/engine-test-suite.ts';
import { startDynamoDb } from '#local/dynamodb/launcher/start-dynamodb.ts';
import {
  IDEMPOTENCY_TABLE_KEY,
  IDEMPOTENCY_TTL_ATTRIBUTE,
  LOCAL_IDEMPOTENCY_TABLE,
} from '#src/declaration/idempotency.ts';
import { shippedStackTable } from '../../test/support/shipped-stack.ts';
import { ensureStackTables } from './ensure-tables.ts';
import type { StackTable } from './local-stack.ts';

export type Engine = 'dynalite' | 'dynamodb-local';
export type Client = ReturnType<typeof localClient>;

/** Runs `body` against a fresh in-memory engine and a client for it. */
export async function withEngine(engine: Engine, body: (client: Client) => Promise<void>): Promise<void> {
  const dynamodb = await startDynamoDb({ engine, dataDir: '', inMemory: true });
  const client = localClient(dynamodb.endpoint);
  try {
    await body(client);
  } finally {
    client.destroy();
    await dynamodb.stop();
  }
}

/** The shipped products table, whose one index has a string hash key (name) and a number range key (price). */
const productsTable = () => shippedStackTable('products');

function onlyIndex(table: StackTable) {
  const [index] = table.globalSecondaryIndexes;
  assert.ok(index, `the ${table.tableName} table has an index`);
  return index;
}

/** The same table as an older stack had it: its key only, no index. */
function withoutIndexes(table: StackTable): StackTable {
  return {
    ...table,
    globalSecondaryIndexes: [],
    attributeDefinitions: table.attributeDefinitions.filter((definition) =>
      table.keySchema.some((key) => key.AttributeName === definition.AttributeName),
    ),
  };
}

const queryByName = (client: Client, table: StackTable) =>
  client.send(
    new QueryCommand({
      TableName: table.tableName,
      IndexName: onlyIndex(table).IndexName,
      KeyConditionExpression: '#name = :n AND price >= :p',
      ExpressionAttributeNames: { '#name': 'name' },
      ExpressionAttributeValues: { ':n': { S: 'lamp' }, ':p': { N: '2' } },
    }),
  );

export function ensureTablesEngineTests(engine: Engine): void {
  const options = { timeout: ENGINE_TEST_TIMEOUT_MS };

  test(
    `${engine}: a new table gets the stack's indexes, keyed with the attributes' types`,
    options,
    async () => {
      const products = await productsTable();
      await withEngine(engine, async (client) => {
        await ensureStackTables(client, [products]);
        await client.send(
          new PutItemCommand({
            TableName: products.tableName,
            Item: { id: { S: 'a' }, name: { S: 'lamp' }, price: { N: '3' } },
          }),
        );
        assert.deepEqual(
          (await queryByName(client, products)).Items?.map((item) => item.id?.S),
          ['a'],
        );
        const { Table } = await client.send(new DescribeTableCommand({ TableName: products.tableName }));
        assert.deepEqual(
          Table?.AttributeDefinitions?.find((a) => a.AttributeName === 'price'),
          { AttributeName: 'price', AttributeType: 'N' },
        );
      });
    },
  );

  test(`${engine}: an index of the same name with another key is reported, not used`, options, async () => {
    const products = await productsTable();
    const index = onlyIndex(products);
    await withEngine(engine, async (client) => {
      await ensureStackTables(client, [products]);
      const changed: StackTable = {
        ...products,
        globalSecondaryIndexes: [{ ...index, KeySchema: index.KeySchema.slice(0, 1) }],
      };
      await assert.rejects(
        ensureStackTables(client, [changed]),
        new RegExp(`has an index ${index.IndexName} with another key`),
      );
    });
  });

  test(
    `${engine}: the idempotency table is keyed by its record id, with TTL on the expiry where the engine has TTL`,
    options,
    async () => {
      const idempotency = await shippedStackTable(LOCAL_IDEMPOTENCY_TABLE);
      await withEngine(engine, async (client) => {
        assert.deepEqual(await ensureStackTables(client, [idempotency]), [
          { tableName: LOCAL_IDEMPOTENCY_TABLE, created: true },
        ]);
        const { Table } = await client.send(new DescribeTableCommand({ TableName: LOCAL_IDEMPOTENCY_TABLE }));
        assert.deepEqual(Table?.KeySchema, [{ AttributeName: IDEMPOTENCY_TABLE_KEY, KeyType: 'HASH' }]);
        if (engine === 'dynamodb-local') {
          const { TimeToLiveDescription } = await client.send(
            new DescribeTimeToLiveCommand({ TableName: LOCAL_IDEMPOTENCY_TABLE }),
          );
          assert.equal(TimeToLiveDescription?.AttributeName, IDEMPOTENCY_TTL_ATTRIBUTE);
          assert.equal(TimeToLiveDescription?.TimeToLiveStatus, 'ENABLED');
        }
        // Again, as at the next start: kept, not created, whether the engine has TTL or not.
        assert.deepEqual(await ensureStackTables(client, [idempotency]), [
          { tableName: LOCAL_IDEMPOTENCY_TABLE, created: false },
        ]);
      });
    },
  );

  if (engine === 'dynamodb-local') {
    test(
      'dynamodb-local: an index the stack adds later is added to the existing table, items included',
      options,
      async () => {
        const products = await productsTable();
        await withEngine(engine, async (client) => {
          await ensureStackTables(client, [withoutIndexes(products)]);
          await client.send(
            new PutItemCommand({
              TableName: products.tableName,
              Item: { id: { S: 'old' }, name: { S: 'lamp' }, price: { N: '5' } },
            }),
          );
          const [ensured] = await ensureStackTables(client, [products]);
          assert.equal(ensured?.created, false);
          assert.deepEqual(
            (await queryByName(client, products)).Items?.map((item) => item.id?.S),
            ['old'],
          );
        });
      },
    );
  } else {
    test(
      'dynalite: an index the stack adds later is refused with what to do, as dynalite cannot add one',
      options,
      async () => {
        const products = await productsTable();
        await withEngine(engine, async (client) => {
          await ensureStackTables(client, [withoutIndexes(products)]);
          await assert.rejects(
            ensureStackTables(client, [products]),
            new RegExp(
              `exists without the stack's index ${onlyIndex(products).IndexName}.*dynalite cannot.*delete the table`,
            ),
          );
        });
      },
    );
  }
}
