import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import {
  CreateTableCommand,
  DescribeTableCommand,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { localClient } from '#local/dynamodb/engines/engine-test-suite.ts';
import { shippedStackTable, shippedStackTables } from '../../test/support/shipped-stack.ts';
import { ensureStackTables } from './ensure-tables.ts';
import { ensureTablesEngineTests, withEngine } from './ensure-tables-test-suite.ts';

type CreateDynalite = (options: { createTableMs: number }) => Server;

const byName = <T extends { AttributeName?: string }>(list: readonly T[] | undefined) =>
  [...(list ?? [])].sort((a, b) => (a.AttributeName ?? '').localeCompare(b.AttributeName ?? ''));

test('ensureStackTables creates every table of the stack, on demand, with its key, attribute types and indexes', async () => {
  const tables = await shippedStackTables();
  await withEngine('dynalite', async (client) => {
    const ensured = await ensureStackTables(client, tables);
    assert.deepEqual(
      ensured,
      tables.map((table) => ({ tableName: table.tableName, created: true })),
    );
    for (const table of tables) {
      const { Table } = await client.send(new DescribeTableCommand({ TableName: table.tableName }));
      assert.equal(Table?.TableStatus, 'ACTIVE', table.tableName);
      assert.equal(Table?.BillingModeSummary?.BillingMode, 'PAY_PER_REQUEST', table.tableName);
      assert.deepEqual(Table?.KeySchema, table.keySchema, table.tableName);
      assert.deepEqual(
        byName(Table?.AttributeDefinitions),
        byName(table.attributeDefinitions),
        table.tableName,
      );
      assert.deepEqual(
        (Table?.GlobalSecondaryIndexes ?? []).map((gsi) => [gsi.IndexName, gsi.KeySchema, gsi.Projection]),
        table.globalSecondaryIndexes.map((index) => [index.IndexName, index.KeySchema, index.Projection]),
        table.tableName,
      );
    }
  });
});

test('the shipped stack keys the orders table by owner, then id', async () => {
  const orders = await shippedStackTable('orders');
  assert.deepEqual(orders.keySchema, [
    { AttributeName: 'owner', KeyType: 'HASH' },
    { AttributeName: 'id', KeyType: 'RANGE' },
  ]);
});

test('ensureStackTables leaves existing tables and their items alone', async () => {
  const tables = await shippedStackTables();
  const [first] = tables;
  assert.ok(first);
  await withEngine('dynalite', async (client) => {
    await ensureStackTables(client, tables);
    const key = Object.fromEntries(
      first.keySchema.map(({ AttributeName }) => [AttributeName, { S: 'survivor' }]),
    );
    await client.send(new PutItemCommand({ TableName: first.tableName, Item: key }));
    const again = await ensureStackTables(client, tables);
    assert.ok(again.every((table) => !table.created));
    const { Item } = await client.send(new GetItemCommand({ TableName: first.tableName, Key: key }));
    assert.deepEqual(Item, key);
  });
});

test("ensureStackTables refuses an existing table whose key differs from the stack's", async () => {
  const products = await shippedStackTable('products');
  const [hash] = products.keySchema;
  assert.ok(hash);
  await withEngine('dynalite', async (client) => {
    await client.send(
      new CreateTableCommand({
        TableName: products.tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'sku', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'sku', KeyType: 'HASH' }],
      }),
    );
    await assert.rejects(
      ensureStackTables(client, [products]),
      new RegExp(
        `Table ${products.tableName} exists with key \\(sku HASH\\).*\\(${hash.AttributeName} HASH\\)`,
      ),
    );
  });
});

test("ensureStackTables refuses an existing table that lacks the stack's sort key", async () => {
  const owned = (await shippedStackTables()).find((table) => table.keySchema.length === 2);
  assert.ok(owned, 'a shipped table has a sort key (orders)');
  const [hash, range] = owned.keySchema;
  assert.ok(hash && range);
  await withEngine('dynalite', async (client) => {
    await client.send(
      new CreateTableCommand({
        TableName: owned.tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: hash.AttributeName, AttributeType: 'S' }],
        KeySchema: [{ AttributeName: hash.AttributeName, KeyType: 'HASH' }],
      }),
    );
    await assert.rejects(
      ensureStackTables(client, [owned]),
      new RegExp(
        `exists with key \\(${hash.AttributeName} HASH\\).*\\(${hash.AttributeName} HASH, ${range.AttributeName} RANGE\\)`,
      ),
    );
  });
});

test('ensureStackTables resolves only once a table that takes time to create is ACTIVE', async () => {
  // dynalite's own delay stands in for real DynamoDB's CREATING phase.
  const dynalite = createRequire(import.meta.url)('dynalite') as CreateDynalite;
  const server = dynalite({ createTableMs: 1500 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const client = localClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  try {
    const tables = await shippedStackTables();
    await ensureStackTables(client, tables);
    for (const table of tables) {
      const { Table } = await client.send(new DescribeTableCommand({ TableName: table.tableName }));
      assert.equal(Table?.TableStatus, 'ACTIVE', table.tableName);
    }
  } finally {
    client.destroy();
    await new Promise((resolve) => server.close(resolve));
  }
});

ensureTablesEngineTests('dynalite');
