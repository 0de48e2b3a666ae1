import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import {
  CreateTableCommand,
  DescribeTableCommand,
  GetItemCommand,
  ListTablesCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { ServiceDeclaration } from '#src/declaration/types.ts';
import { ensureTables } from './create-tables.ts';
import { startDynalite } from './engines/dynalite-engine.ts';
import { localClient, shippedServices } from './engines/engine-test-suite.ts';

type CreateDynalite = (options: { createTableMs: number }) => Server;

/** Runs `body` against a fresh in-memory engine and a client for it. */
async function withEngine(body: (client: ReturnType<typeof localClient>) => Promise<void>): Promise<void> {
  const dynamodb = await startDynalite({ dataDir: null });
  const client = localClient(dynamodb.endpoint);
  try {
    await body(client);
  } finally {
    client.destroy();
    await dynamodb.stop();
  }
}

/** The key a declared table must have: partition key (HASH), then sort key (RANGE) if declared. */
const declaredKey = ({ table }: ServiceDeclaration) => [
  { AttributeName: table.partitionKey, KeyType: 'HASH' },
  ...(table.sortKey ? [{ AttributeName: table.sortKey, KeyType: 'RANGE' }] : []),
];

test('ensureTables creates every declared table, on demand, keyed by its string partition key and sort key', async () => {
  const services = await shippedServices();
  await withEngine(async (client) => {
    const ensured = await ensureTables(client, services);
    assert.deepEqual(
      ensured,
      services.map((s) => ({ service: s.name, tableName: s.table.name, created: true })),
    );
    for (const service of services) {
      const { Table } = await client.send(new DescribeTableCommand({ TableName: service.table.name }));
      assert.equal(Table?.TableStatus, 'ACTIVE');
      assert.equal(Table?.BillingModeSummary?.BillingMode, 'PAY_PER_REQUEST');
      assert.deepEqual(Table?.KeySchema, declaredKey(service));
      // The key's attributes are strings; an index key's have their fields' types.
      const indexKeys = (service.table.indexes ?? []).flatMap(({ key }) => [key.hash, key.range]);
      const types = new Map(indexKeys.map((k) => [k?.attribute, k?.type === 'number' ? 'N' : 'S']));
      assert.deepEqual(
        Table?.AttributeDefinitions?.map(({ AttributeName }) => AttributeName).slice(
          0,
          declaredKey(service).length,
        ),
        declaredKey(service).map(({ AttributeName }) => AttributeName),
      );
      for (const { AttributeName, AttributeType } of Table?.AttributeDefinitions ?? []) {
        assert.equal(AttributeType, types.get(AttributeName) ?? 'S', `${service.name} ${AttributeName}`);
      }
      assert.deepEqual(
        (Table?.GlobalSecondaryIndexes ?? []).map((gsi) => [gsi.IndexName, gsi.Projection?.ProjectionType]),
        (service.table.indexes ?? []).map((index) => [index.name, 'ALL']),
      );
    }
    const orders = services.find((service) => service.name === 'orders');
    assert.deepEqual(orders && declaredKey(orders), [
      { AttributeName: 'owner', KeyType: 'HASH' },
      { AttributeName: 'id', KeyType: 'RANGE' },
    ]);
  });
});

test('ensureTables leaves existing tables and their items alone', async () => {
  const services = await shippedServices();
  await withEngine(async (client) => {
    await ensureTables(client, services);
    const [first] = services;
    assert.ok(first);
    const key = { [first.table.partitionKey]: { S: 'survivor' } };
    await client.send(new PutItemCommand({ TableName: first.table.name, Item: key }));
    const again = await ensureTables(client, services);
    assert.ok(again.every((table) => !table.created));
    const { Item } = await client.send(new GetItemCommand({ TableName: first.table.name, Key: key }));
    assert.deepEqual(Item, key);
  });
});

test('ensureTables names tables with tableNameOf when given', async () => {
  const services = await shippedServices();
  await withEngine(async (client) => {
    await ensureTables(client, services, (service) => `dev-${service.table.name}`);
    const { TableNames } = await client.send(new ListTablesCommand({}));
    assert.deepEqual(TableNames, services.map((s) => `dev-${s.table.name}`).sort());
  });
});

test('ensureTables refuses an existing table whose key differs from the declaration', async () => {
  const services = await shippedServices();
  const [first] = services;
  assert.ok(first);
  await withEngine(async (client) => {
    await client.send(
      new CreateTableCommand({
        TableName: first.table.name,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'sku', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'sku', KeyType: 'HASH' }],
      }),
    );
    await assert.rejects(
      ensureTables(client, [first]),
      new RegExp(
        `Table ${first.table.name} exists with key \\(sku HASH\\).*\\(${first.table.partitionKey} HASH\\)`,
      ),
    );
  });
});

test('ensureTables refuses an existing table that lacks the declared sort key', async () => {
  const owned = (await shippedServices()).find((service) => service.table.sortKey);
  assert.ok(owned, 'a shipped service has a sort key (orders)');
  const { name, partitionKey, sortKey } = owned.table;
  await withEngine(async (client) => {
    await client.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: partitionKey, AttributeType: 'S' }],
        KeySchema: [{ AttributeName: partitionKey, KeyType: 'HASH' }],
      }),
    );
    await assert.rejects(
      ensureTables(client, [owned]),
      new RegExp(`exists with key \\(${partitionKey} HASH\\).*\\(${partitionKey} HASH, ${sortKey} RANGE\\)`),
    );
  });
});

test('ensureTables resolves only once a table that takes time to create is ACTIVE', async () => {
  // dynalite's own delay stands in for real DynamoDB's CREATING phase.
  const dynalite = createRequire(import.meta.url)('dynalite') as CreateDynalite;
  const server = dynalite({ createTableMs: 1500 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const client = localClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  try {
    const services = await shippedServices();
    await ensureTables(client, services);
    for (const service of services) {
      const { Table } = await client.send(new DescribeTableCommand({ TableName: service.table.name }));
      assert.equal(Table?.TableStatus, 'ACTIVE');
    }
  } finally {
    client.destroy();
    await new Promise((resolve) => server.close(resolve));
  }
});
