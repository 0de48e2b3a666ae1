import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { decodeCursor, encodeCursor, type PageKey } from '../domain/cursor.ts';
import {
  ConditionFailedError,
  NotFoundError,
  PreconditionFailedError,
  ServiceUnavailableError,
} from '../domain/errors.ts';
import { matchesIfMatch, type Precondition } from '../domain/etag.ts';
import { newId, orderItem, type StoredItem } from '../domain/item.ts';
import { documentClient } from './document-client.ts';
import { conditionFor, fullWrite, type WriteCondition } from './item-write.ts';
import { callDynamoDb } from './translate-error.ts';

export interface ResourceStoreOptions {
  readonly tableName: string;
  /** Every client field the schema declares: a full write removes those it is not given. */
  readonly fields: readonly string[];
  /** Key for cursor signatures. */
  readonly cursorSecret: string;
  readonly client?: DynamoDBDocumentClient;
  readonly clock?: () => Date;
}

export interface Page {
  readonly items: StoredItem[];
  readonly nextCursor: string | null;
}

/** How many times PATCH re-reads and retries when another writer got in between. */
const PATCH_ATTEMPTS = 25;

/**
 * DynamoDB access for a typed resource. Every write is conditional or bumps `version`
 * atomically, so concurrent writers never lose an update.
 */
export function resourceStore(options: ResourceStoreOptions) {
  const { tableName: TableName, fields } = options;
  const client = () => options.client ?? documentClient();
  const now = () => (options.clock?.() ?? new Date()).toISOString();
  const notFound = (id: string) => new NotFoundError(`No item has the id "${id}".`);

  const get = async (id: string): Promise<StoredItem | undefined> => {
    const out = await callDynamoDb(() =>
      client().send(new GetCommand({ TableName, Key: { id }, ConsistentRead: true })),
    );
    return out.Item ? orderItem(out.Item as StoredItem, fields) : undefined;
  };

  const write = async (id: string, item: Record<string, unknown>, condition: WriteCondition) => {
    const out = await callDynamoDb(() =>
      client().send(
        new UpdateCommand({
          TableName,
          Key: { id },
          ReturnValues: 'ALL_NEW',
          ...fullWrite(item, fields, now(), condition),
        }),
      ),
    );
    return orderItem(out.Attributes as StoredItem, fields);
  };

  return {
    get,

    /** Creates a new item with a fresh id; one PutItem. */
    async create(item: Record<string, unknown>): Promise<StoredItem> {
      const timestamp = now();
      const stored: StoredItem = {
        ...item,
        id: newId(),
        version: 1,
        createdAt: timestamp,
        updatedAt: timestamp,
      };
      await callDynamoDb(() =>
        client().send(
          new PutCommand({
            TableName,
            Item: stored,
            ConditionExpression: 'attribute_not_exists(#id)',
            ExpressionAttributeNames: { '#id': 'id' },
          }),
        ),
      );
      return orderItem(stored, fields);
    },

    /** Replaces (or creates) the item `id`; one UpdateItem. `created` tells which happened. */
    async replace(id: string, item: Record<string, unknown>, condition: WriteCondition) {
      try {
        const stored = await write(id, item, condition);
        return { item: stored, created: stored.version === 1 };
      } catch (error) {
        if (error instanceof ConditionFailedError)
          throw new PreconditionFailedError(preconditionDetail(condition));
        throw error;
      }
    },

    /**
     * Reads the item, lets `change` compute its new fields, and writes them on condition that
     * nobody wrote in between; retries from the read when someone did (no `If-Match`).
     */
    async update(
      id: string,
      ifMatch: Precondition | undefined,
      change: (current: StoredItem) => Record<string, unknown>,
    ): Promise<StoredItem> {
      for (let attempt = 1; attempt <= PATCH_ATTEMPTS; attempt++) {
        const current = await get(id);
        if (!current) throw notFound(id);
        if (ifMatch && !matchesIfMatch(ifMatch, current.version)) {
          throw new PreconditionFailedError('If-Match does not match the current version of the item.');
        }
        try {
          return await write(id, change(current), { kind: 'version', version: current.version });
        } catch (error) {
          if (!(error instanceof ConditionFailedError)) throw error;
          if (ifMatch)
            throw new PreconditionFailedError('The item changed since the version If-Match names.');
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
        }
      }
      throw new ServiceUnavailableError(
        'The item is being changed by many writers at once; retry shortly.',
        1,
      );
    },

    /** Deletes the item; one DeleteItem (a second read only to tell 404 from 412 on failure). */
    async delete(id: string, ifMatch: Precondition | undefined): Promise<void> {
      const names: Record<string, string> = {};
      const values: Record<string, unknown> = {};
      // Without If-Match the item must still exist: the same as If-Match: *.
      const precondition = ifMatch ?? { any: true };
      const condition = conditionFor({ kind: 'if-match', precondition }, names, values);
      try {
        await callDynamoDb(() =>
          client().send(
            new DeleteCommand({
              TableName,
              Key: { id },
              ConditionExpression: condition,
              ExpressionAttributeNames: names,
              ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
            }),
          ),
        );
      } catch (error) {
        if (!(error instanceof ConditionFailedError)) throw error;
        if (!ifMatch || (await get(id)) === undefined) throw notFound(id);
        throw new PreconditionFailedError('If-Match does not match the current version of the item.');
      }
    },

    /** One page of items; one Scan. The cursor is signed so a tampered one is refused. */
    async list(limit: number, cursor: string | undefined): Promise<Page> {
      const start = cursor === undefined ? undefined : decodeCursor(cursor, options.cursorSecret);
      const out = await callDynamoDb(() =>
        client().send(
          new ScanCommand({ TableName, Limit: limit, ...(start ? { ExclusiveStartKey: start } : {}) }),
        ),
      );
      const last = out.LastEvaluatedKey as PageKey | undefined;
      return {
        items: ((out.Items ?? []) as StoredItem[]).map((item) => orderItem(item, fields)),
        nextCursor: last ? encodeCursor(last, options.cursorSecret) : null,
      };
    },
  };
}

function preconditionDetail(condition: WriteCondition): string {
  return condition.kind === 'absent'
    ? 'An item with this id exists already (If-None-Match: *).'
    : 'If-Match does not match the current version of the item.';
}
