import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  ResourceNotFoundException,
  type TableDescription,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import type { ServiceDeclaration } from '#src/declaration/types.ts';

export interface EnsuredTable {
  readonly service: string;
  readonly tableName: string;
  /** False when the table was already there (its data is kept). */
  readonly created: boolean;
}

/** Real DynamoDB takes seconds to create a table; local engines make it ACTIVE at once. */
const WAIT = { minDelay: 1, maxDelay: 5, maxWaitTime: 300 } as const;

/**
 * Makes sure every declared table exists and is ACTIVE: on-demand billing, the declared
 * `partitionKey` as a string hash key. Tables that already exist are left as they are, so data
 * survives restarts; one whose key differs from the declaration is reported rather than used.
 *
 * @example
 * const services = (await loadServices()).map((loaded) => loaded.service);
 * await ensureTables(client, services); // [{ service: 'products', tableName: 'products', created: true }, ...]
 */
export async function ensureTables(
  client: DynamoDBClient,
  services: readonly ServiceDeclaration[],
  tableNameOf: (service: ServiceDeclaration) => string = (service) => service.table.name,
): Promise<EnsuredTable[]> {
  return Promise.all(services.map((service) => ensureTable(client, service, tableNameOf(service))));
}

async function ensureTable(client: DynamoDBClient, service: ServiceDeclaration, tableName: string) {
  const { partitionKey } = service.table;
  let existing = await describe(client, tableName);
  let created = false;
  if (!existing) {
    try {
      await client.send(
        new CreateTableCommand({
          TableName: tableName,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [{ AttributeName: partitionKey, AttributeType: 'S' }],
          KeySchema: [{ AttributeName: partitionKey, KeyType: 'HASH' }],
        }),
      );
      created = true;
    } catch (error) {
      // Someone else (another runtime on a shared endpoint) created it in the meantime: use theirs.
      if (!(error instanceof ResourceInUseException)) throw error;
    }
  }
  if (existing?.TableStatus !== 'ACTIVE') {
    await waitUntilTableExists({ client, ...WAIT }, { TableName: tableName });
    existing = await describe(client, tableName);
  }
  assertKeyMatches(tableName, partitionKey, existing);
  return { service: service.name, tableName, created };
}

async function describe(client: DynamoDBClient, tableName: string): Promise<TableDescription | undefined> {
  try {
    return (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
}

/** A data folder kept from an older declaration would otherwise fail later, on every request. */
function assertKeyMatches(
  tableName: string,
  partitionKey: string,
  table: TableDescription | undefined,
): void {
  const keys = table?.KeySchema ?? [];
  const hash = keys.find((key) => key.KeyType === 'HASH')?.AttributeName;
  const type = table?.AttributeDefinitions?.find(
    (attribute) => attribute.AttributeName === hash,
  )?.AttributeType;
  if (keys.length !== 1 || hash !== partitionKey || type !== 'S') {
    const actual = keys.map((key) => `${key.AttributeName} ${key.KeyType}`).join(', ') || 'none';
    throw new Error(
      `Table ${tableName} exists with key (${actual}) but is declared with the string partition key ` +
        `"${partitionKey}"; delete the table (or the local data folder) to recreate it`,
    );
  }
}
