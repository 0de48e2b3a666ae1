import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  ResourceNotFoundException,
  type TableDescription,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import type { StackIndex, StackTable } from './local-stack.ts';

export interface EnsuredTable {
  readonly tableName: string;
  /** False when the table was already there (its data is kept). */
  readonly created: boolean;
}

/** Real DynamoDB takes seconds to create a table; local engines make it ACTIVE at once. */
const WAIT = { minDelay: 1, maxDelay: 5, maxWaitTime: 300 } as const;
/** How long a local engine may take to build an index added to an existing table. */
const INDEX_WAIT = { firstDelayMs: 50, maxDelayMs: 1000, maxWaitMs: 300_000 } as const;

/**
 * Makes sure every table of the stack exists and is ACTIVE, as the template defines it: key,
 * attribute types, secondary indexes, stream, TTL (set where the engine has TTL: DynamoDB Local
 * accepts it, dynalite has none). Tables already there are kept with their data; one whose key
 * differs from the template's is reported rather than used, and a global index it lacks is added.
 *
 * @example
 * await ensureStackTables(admin, stack.tables); // [{ tableName: 'products', created: true }, ...]
 */
export async function ensureStackTables(
  client: DynamoDBClient,
  tables: readonly StackTable[],
): Promise<EnsuredTable[]> {
  return Promise.all(
    tables.map(async (table) => ({ tableName: table.tableName, created: await ensureTable(client, table) })),
  );
}

async function ensureTable(client: DynamoDBClient, table: StackTable): Promise<boolean> {
  const { tableName } = table;
  let existing = await describe(client, tableName);
  let created = false;
  if (!existing) {
    try {
      const answer = await client.send(
        new CreateTableCommand({
          TableName: tableName,
          // The local engines do not throttle: on-demand is the only mode that means anything here.
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [...table.attributeDefinitions],
          KeySchema: [...table.keySchema],
          ...(table.globalSecondaryIndexes.length > 0
            ? { GlobalSecondaryIndexes: table.globalSecondaryIndexes.map(indexInput) }
            : {}),
          ...(table.localSecondaryIndexes.length > 0
            ? { LocalSecondaryIndexes: table.localSecondaryIndexes.map(indexInput) }
            : {}),
          ...(table.streamViewType
            ? {
                StreamSpecification: {
                  StreamEnabled: true,
                  StreamViewType: table.streamViewType as 'NEW_AND_OLD_IMAGES',
                },
              }
            : {}),
        }),
      );
      created = true;
      // Local engines answer with the table ACTIVE already: nothing to wait for.
      existing = answer.TableDescription;
    } catch (error) {
      // Someone else (another runtime on a shared endpoint) created it in the meantime: use theirs.
      if (!(error instanceof ResourceInUseException)) throw error;
    }
  }
  if (existing?.TableStatus !== 'ACTIVE') {
    await waitUntilTableExists({ client, ...WAIT }, { TableName: tableName });
    existing = await describe(client, tableName);
  }
  assertKeyMatches(table, existing);
  if (created && table.ttlAttribute) await enableTtl(client, tableName, table.ttlAttribute);
  await addMissingIndexes(client, table, existing);
  return created;
}

function indexInput(index: StackIndex) {
  return {
    IndexName: index.IndexName,
    KeySchema: [...index.KeySchema],
    Projection: {
      ...(index.Projection.ProjectionType
        ? { ProjectionType: index.Projection.ProjectionType as 'ALL' }
        : {}),
      ...(index.Projection.NonKeyAttributes
        ? { NonKeyAttributes: [...index.Projection.NonKeyAttributes] }
        : {}),
    },
  };
}

async function enableTtl(client: DynamoDBClient, tableName: string, attribute: string): Promise<void> {
  try {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: attribute, Enabled: true },
      }),
    );
  } catch (error) {
    // An engine without TTL answers that it does not know the operation: nothing to set there.
    if ((error as { name?: string }).name !== 'UnknownOperationException') throw error;
  }
}

async function describe(client: DynamoDBClient, tableName: string): Promise<TableDescription | undefined> {
  try {
    return (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
}

const typeOf = (
  definitions: StackTable['attributeDefinitions'] | TableDescription['AttributeDefinitions'],
  name: string,
) => definitions?.find((attribute) => attribute.AttributeName === name)?.AttributeType;

/** A data folder kept from an older stack would otherwise fail later, on every request. */
function assertKeyMatches(table: StackTable, existing: TableDescription | undefined): void {
  const keys = existing?.KeySchema ?? [];
  const matches =
    keys.length === table.keySchema.length &&
    table.keySchema.every(
      ({ AttributeName, KeyType }) =>
        keys.find((key) => key.KeyType === KeyType)?.AttributeName === AttributeName &&
        typeOf(existing?.AttributeDefinitions, AttributeName) ===
          typeOf(table.attributeDefinitions, AttributeName),
    );
  if (!matches) {
    const describeKey = (schema: readonly { AttributeName?: string; KeyType?: string }[]) =>
      schema.map((key) => `${key.AttributeName} ${key.KeyType}`).join(', ') || 'none';
    throw new Error(
      `Table ${table.tableName} exists with key (${describeKey(keys)}) but the stack defines the key ` +
        `(${describeKey(table.keySchema)}); delete the table (or the local data folder) to recreate it`,
    );
  }
}

/**
 * Adds each global index the stack defines and an existing table lacks (one UpdateTable each, as
 * DynamoDB takes one index creation at a time) and waits until it is ACTIVE. dynalite cannot add
 * an index to an existing table: the error says to delete the table so it is made with its indexes.
 */
async function addMissingIndexes(
  client: DynamoDBClient,
  table: StackTable,
  existing: TableDescription | undefined,
): Promise<void> {
  const { tableName } = table;
  for (const index of table.globalSecondaryIndexes) {
    const found = existing?.GlobalSecondaryIndexes?.find((gsi) => gsi.IndexName === index.IndexName);
    if (found) {
      if (JSON.stringify(found.KeySchema) !== JSON.stringify(index.KeySchema))
        throw new Error(
          `Table ${tableName} has an index ${index.IndexName} with another key than the stack's; ` +
            'delete the table (or the local data folder) to recreate it',
        );
      continue;
    }
    const cannot = (cause?: unknown) =>
      new Error(
        `Table ${tableName} exists without the stack's index ${index.IndexName}, and this DynamoDB engine ` +
          'cannot add an index to an existing table (dynalite cannot; DynamoDB Local can): delete the ' +
          'table (or the local data folder) to recreate it with its indexes',
        { cause },
      );
    try {
      await client.send(
        new UpdateTableCommand({
          TableName: tableName,
          AttributeDefinitions: table.attributeDefinitions.filter((definition) =>
            index.KeySchema.some((key) => key.AttributeName === definition.AttributeName),
          ),
          GlobalSecondaryIndexUpdates: [{ Create: indexInput(index) }],
        }),
      );
    } catch (error) {
      throw cannot(error);
    }
    if (!(await untilIndexActive(client, tableName, index.IndexName))) throw cannot();
  }
}

/** The table once the index is ACTIVE (polling DescribeTable), or undefined if the engine dropped it. */
async function untilIndexActive(client: DynamoDBClient, tableName: string, indexName: string) {
  let delay: number = INDEX_WAIT.firstDelayMs;
  const deadline = Date.now() + INDEX_WAIT.maxWaitMs;
  for (;;) {
    const table = (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table;
    const status = table?.GlobalSecondaryIndexes?.find((gsi) => gsi.IndexName === indexName)?.IndexStatus;
    if (status === undefined) return undefined;
    if (status === 'ACTIVE') return table;
    if (Date.now() > deadline) throw new Error(`Index ${indexName} of ${tableName} is still ${status}`);
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, INDEX_WAIT.maxDelayMs);
  }
}
