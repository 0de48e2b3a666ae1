import {
  type AttributeDefinition,
  DescribeTableCommand,
  type DynamoDBClient,
  type GlobalSecondaryIndex,
  type TableDescription,
  UpdateTableCommand,
} from '@aws-sdk/client-dynamodb';
import type { IndexKeyAttribute, SecondaryIndex, TableDeclaration } from '#src/declaration/types.ts';

/** How long a local engine may take to build an index added to an existing table. */
const INDEX_WAIT = { firstDelayMs: 50, maxDelayMs: 1000, maxWaitMs: 300_000 } as const;

const attributeType = (type: IndexKeyAttribute['type']) => (type === 'number' ? 'N' : 'S');

/** An index as CreateTable and UpdateTable take it: its key, every attribute projected (as the stack's). */
function indexSpec(index: SecondaryIndex): GlobalSecondaryIndex {
  return {
    IndexName: index.name,
    KeySchema: [
      { AttributeName: index.key.hash.attribute, KeyType: 'HASH' },
      ...(index.key.range ? [{ AttributeName: index.key.range.attribute, KeyType: 'RANGE' as const }] : []),
    ],
    Projection: { ProjectionType: 'ALL' },
  };
}

/** The table's key attributes and every index key attribute, each once. */
export function indexAttributeDefinitions(
  table: TableDeclaration,
  keys: readonly AttributeDefinition[],
): AttributeDefinition[] {
  const all = new Map(keys.map((key) => [key.AttributeName, key]));
  for (const index of table.indexes ?? []) {
    for (const key of [index.key.hash, index.key.range]) {
      if (key && !all.has(key.attribute))
        all.set(key.attribute, { AttributeName: key.attribute, AttributeType: attributeType(key.type) });
    }
  }
  return [...all.values()];
}

/** The `GlobalSecondaryIndexes` of a CreateTable for `table` (nothing when it declares none). */
export function declaredIndexes(table: TableDeclaration): {
  GlobalSecondaryIndexes?: GlobalSecondaryIndex[];
} {
  const indexes = table.indexes ?? [];
  return indexes.length > 0 ? { GlobalSecondaryIndexes: indexes.map(indexSpec) } : {};
}

/**
 * Adds to an existing table each declared index it lacks (one UpdateTable each, as DynamoDB
 * takes one index creation at a time) and waits until it is ACTIVE; an index of the same name
 * with another key is reported. dynalite cannot add an index to an existing table: the error
 * says to delete the table (or the data folder) so that it is created with its indexes.
 */
export async function addMissingIndexes(
  client: DynamoDBClient,
  tableName: string,
  table: TableDeclaration,
  existing: TableDescription | undefined,
): Promise<void> {
  let current = existing;
  for (const index of table.indexes ?? []) {
    const found = current?.GlobalSecondaryIndexes?.find((gsi) => gsi.IndexName === index.name);
    const spec = indexSpec(index);
    if (found) {
      const same = JSON.stringify(found.KeySchema) === JSON.stringify(spec.KeySchema);
      if (!same)
        throw new Error(
          `Table ${tableName} has an index ${index.name} with another key than declared; ` +
            'delete the table (or the local data folder) to recreate it',
        );
      continue;
    }
    const cannot = (cause?: unknown) =>
      new Error(
        `Table ${tableName} exists without the declared index ${index.name}, and this DynamoDB engine ` +
          'cannot add an index to an existing table (dynalite cannot; DynamoDB Local can): delete the ' +
          'table (or the local data folder) to recreate it with its indexes',
        { cause },
      );
    try {
      await client.send(
        new UpdateTableCommand({
          TableName: tableName,
          AttributeDefinitions: indexAttributeDefinitions(table, []).filter((definition) =>
            spec.KeySchema?.some((key) => key.AttributeName === definition.AttributeName),
          ),
          GlobalSecondaryIndexUpdates: [{ Create: spec }],
        }),
      );
    } catch (error) {
      throw cannot(error);
    }
    current = await untilIndexActive(client, tableName, index.name);
    if (!current) throw cannot();
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
