import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  ResourceNotFoundException,
  type TableDescription,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import {
  IDEMPOTENCY_TABLE_KEY,
  IDEMPOTENCY_TTL_ATTRIBUTE,
  LOCAL_IDEMPOTENCY_TABLE,
} from '#src/declaration/idempotency.ts';
import type { ServiceDeclaration, TableDeclaration } from '#src/declaration/types.ts';
import { addMissingIndexes, declaredIndexes, indexAttributeDefinitions } from './create-indexes.ts';

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
 * `partitionKey` as a string hash key and the `sortKey`, if declared, as a string range key (as
 * the stack's `createServiceTable` keys them). Tables that already exist are left as they are, so data
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
  return Promise.all(
    services.map(async (service) => {
      const tableName = tableNameOf(service);
      return {
        service: service.name,
        tableName,
        created: await ensureTable(client, service.table, tableName),
      };
    }),
  );
}

/**
 * The persistence table of idempotent creates, when a declared function honours `Idempotency-Key`:
 * keyed as the stack keys it, with TTL on the record's expiry where the engine has TTL (DynamoDB
 * Local accepts the setting; dynalite has no TTL at all). Either way the handler compares a
 * record's expiry itself, as it must on DynamoDB, whose TTL deletes lazily.
 */
export async function ensureIdempotencyTable(
  client: DynamoDBClient,
  services: readonly ServiceDeclaration[],
): Promise<boolean> {
  if (!services.some((service) => service.functions.some((fn) => fn.idempotency))) return false;
  const table = { name: LOCAL_IDEMPOTENCY_TABLE, partitionKey: IDEMPOTENCY_TABLE_KEY };
  const created = await ensureTable(client, table, LOCAL_IDEMPOTENCY_TABLE);
  if (created) {
    try {
      await client.send(
        new UpdateTimeToLiveCommand({
          TableName: LOCAL_IDEMPOTENCY_TABLE,
          TimeToLiveSpecification: { AttributeName: IDEMPOTENCY_TTL_ATTRIBUTE, Enabled: true },
        }),
      );
    } catch (error) {
      // An engine without TTL answers that it does not know the operation: nothing to set there.
      if ((error as { name?: string }).name !== 'UnknownOperationException') throw error;
    }
  }
  return true;
}

/** Creates the table if it is missing and waits until it is ACTIVE; true when it was created here. */
async function ensureTable(client: DynamoDBClient, table: TableDeclaration, tableName: string) {
  const keySchema = declaredKeySchema(table);
  let existing = await describe(client, tableName);
  let created = false;
  if (!existing) {
    try {
      const answer = await client.send(
        new CreateTableCommand({
          TableName: tableName,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: indexAttributeDefinitions(
            table,
            keySchema.map(({ AttributeName }) => ({ AttributeName, AttributeType: 'S' as const })),
          ),
          KeySchema: keySchema,
          ...declaredIndexes(table),
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
  assertKeyMatches(tableName, keySchema, existing);
  await addMissingIndexes(client, tableName, table, existing);
  return created;
}

async function describe(client: DynamoDBClient, tableName: string): Promise<TableDescription | undefined> {
  try {
    return (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
}

/** The declared key: the partition key (HASH), then the sort key (RANGE) if there is one; both strings. */
function declaredKeySchema({ partitionKey, sortKey }: TableDeclaration) {
  return [
    { AttributeName: partitionKey, KeyType: 'HASH' as const },
    ...(sortKey ? [{ AttributeName: sortKey, KeyType: 'RANGE' as const }] : []),
  ];
}

/** A data folder kept from an older declaration would otherwise fail later, on every request. */
function assertKeyMatches(
  tableName: string,
  declared: ReturnType<typeof declaredKeySchema>,
  table: TableDescription | undefined,
): void {
  const keys = table?.KeySchema ?? [];
  const typeOf = (name: string | undefined) =>
    table?.AttributeDefinitions?.find((attribute) => attribute.AttributeName === name)?.AttributeType;
  const matches =
    keys.length === declared.length &&
    declared.every(
      ({ AttributeName, KeyType }) =>
        keys.find((key) => key.KeyType === KeyType)?.AttributeName === AttributeName &&
        typeOf(AttributeName) === 'S',
    );
  if (!matches) {
    const actual = keys.map((key) => `${key.AttributeName} ${key.KeyType}`).join(', ') || 'none';
    const expected = declared.map((key) => `${key.AttributeName} ${key.KeyType}`).join(', ');
    throw new Error(
      `Table ${tableName} exists with key (${actual}) but is declared with the string key (${expected}); ` +
        'delete the table (or the local data folder) to recreate it',
    );
  }
}
