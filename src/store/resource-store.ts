import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { type CursorScope, decodeCursor, encodeCursor, type PageKey } from '../domain/cursor.ts';
import {
  BadRequestError,
  ConditionFailedError,
  NotFoundError,
  PreconditionFailedError,
  ServiceUnavailableError,
} from '../domain/errors.ts';
import {
  etagOf,
  evaluatePreconditions,
  isContentRevision,
  newRevision,
  type Preconditions,
  revisionOf,
} from '../domain/etag.ts';
import { OWNER_FIELD, orderItem, REVISION_FIELD, type StoredItem } from '../domain/item.ts';
import { assertItemFits } from '../domain/item-size.ts';
import { documentClient } from './document-client.ts';
import { conditionFor, fullWrite, type WriteCondition } from './item-write.ts';
import { callDynamoDb } from './translate-error.ts';

/**
 * A typed resource's table as one caller may use it. Each operation below is a function of its
 * own taking it, so that a function's bundle carries only the operation its handler calls.
 */
export interface ResourceTable {
  readonly tableName: string;
  /** Every client field the schema declares: a full write removes those it is not given. */
  readonly fields: readonly string[];
  readonly client?: DynamoDBDocumentClient;
  readonly clock?: () => Date;
  /**
   * The caller's identity, for an owner-scoped resource: every key is `{ owner, id }`, so no
   * operation can reach another owner's items, and listing is a Query on the owner's partition.
   */
  readonly owner?: string;
}

/** An item as clients see it, with the entity tag of its current revision. */
export interface Representation {
  readonly item: StoredItem;
  /** The stored revision the tag is made from. */
  readonly revision: string;
  readonly etag: string;
}

export interface Page {
  readonly items: StoredItem[];
  readonly nextCursor: string | null;
}

/** How many times PATCH re-reads and retries when another writer got in between. */
const PATCH_ATTEMPTS = 25;

const PRECONDITION_FAILED = 'The item does not satisfy If-Match / If-None-Match (it changed, or exists).';

// Every write is conditional or bumps `version` atomically, so concurrent writers never lose an
// update; every write stores a new revision, so an entity tag is never handed out twice.

const clientOf = (table: ResourceTable) => table.client ?? documentClient();
const nowOf = (table: ResourceTable) => (table.clock?.() ?? new Date()).toISOString();
const notFound = (id: string) => new NotFoundError(`No item has the id "${id}".`);

/** An owner-scoped table is keyed by owner and id; the owner is the caller, never the client's say. */
const keyOf = ({ owner }: ResourceTable, id: string) =>
  owner === undefined ? { id } : { [OWNER_FIELD]: owner, id };

const represent = (table: ResourceTable, stored: Record<string, unknown>): Representation => {
  const revision = revisionOf(stored, REVISION_FIELD);
  return { item: orderItem(stored as StoredItem, table.fields), revision, etag: etagOf(revision) };
};

/** The item `id` as stored, or undefined; one consistent GetItem. */
async function readStored(table: ResourceTable, id: string): Promise<Record<string, unknown> | undefined> {
  const out = await callDynamoDb(() =>
    clientOf(table).send(
      new GetCommand({ TableName: table.tableName, Key: keyOf(table, id), ConsistentRead: true }),
    ),
  );
  return out.Item;
}

/** The item `id` with its entity tag, or undefined; one consistent GetItem. */
export async function getItem(table: ResourceTable, id: string): Promise<Representation | undefined> {
  const stored = await readStored(table, id);
  return stored ? represent(table, stored) : undefined;
}

/** Writes every client field of `item` (removing the others) on `condition`; one UpdateItem. */
async function writeItem(
  table: ResourceTable,
  id: string,
  item: Record<string, unknown>,
  condition: WriteCondition,
): Promise<Representation> {
  // Another writer's `version` may be anything: the first handler write starts it at 1.
  const restartVersion = condition.unchanged !== undefined && typeof condition.unchanged.version !== 'number';
  const stamp = { now: nowOf(table), revision: newRevision(), restartVersion };
  // The item as stored: the fields plus every system field, the version at its widest.
  const system = {
    ...keyOf(table, id),
    version: Number.MAX_SAFE_INTEGER,
    createdAt: stamp.now,
    updatedAt: stamp.now,
  };
  assertItemFits({ ...item, ...system, [REVISION_FIELD]: stamp.revision });
  const out = await callDynamoDb(() =>
    clientOf(table).send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: keyOf(table, id),
        ReturnValues: 'ALL_NEW',
        ...fullWrite(item, table.fields, stamp, condition),
      }),
    ),
  );
  return represent(table, out.Attributes ?? {});
}

/**
 * Creates a new item under `id`, a fresh one (`newId`, which the create handler calls, so that
 * only its bundle carries the id generator); one PutItem.
 */
export async function createItem(
  table: ResourceTable,
  id: string,
  item: Record<string, unknown>,
): Promise<Representation> {
  const timestamp = nowOf(table);
  const stored = {
    ...item,
    ...keyOf(table, id),
    version: 1,
    [REVISION_FIELD]: newRevision(),
    createdAt: timestamp,
    updatedAt: timestamp,
  };
  assertItemFits(stored);
  await callDynamoDb(() =>
    clientOf(table).send(
      new PutCommand({
        TableName: table.tableName,
        Item: stored,
        ConditionExpression: 'attribute_not_exists(#id)',
        ExpressionAttributeNames: { '#id': 'id' },
      }),
    ),
  );
  return represent(table, stored);
}

/**
 * Replaces (or creates) the item `id` if the preconditions hold, checked by DynamoDB with the
 * write; one UpdateItem. `created` tells which happened. An item no handler wrote cannot be
 * judged by DynamoDB (it has no revision): it is read, judged here on its content tag, and
 * written on condition that it is unchanged.
 */
export async function replaceItem(
  table: ResourceTable,
  id: string,
  item: Record<string, unknown>,
  preconditions: Preconditions,
): Promise<Representation & { readonly created: boolean }> {
  try {
    const stored = await writeItem(table, id, item, { preconditions, handlerWritten: true });
    return { ...stored, created: stored.item.version === 1 };
  } catch (error) {
    if (!(error instanceof ConditionFailedError)) throw error;
  }
  const written = await writeUnchanged(table, id, preconditions, (unchanged) =>
    writeItem(table, id, item, { unchanged }),
  );
  return { ...written, created: false };
}

/**
 * For an item some other writer put, after the one-request path refused it: reads it, judges the
 * preconditions on its content tag and runs `write` on condition that it is still as read; when
 * it changed in between, starts over. A 412 when there is no such item or a precondition fails.
 */
async function writeUnchanged<T>(
  table: ResourceTable,
  id: string,
  preconditions: Preconditions,
  write: (unchanged: Record<string, unknown>) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; attempt <= PATCH_ATTEMPTS; attempt++) {
    const stored = await readStored(table, id);
    const revision = stored && revisionOf(stored, REVISION_FIELD);
    if (
      !stored ||
      !revision ||
      !isContentRevision(revision) ||
      evaluatePreconditions(preconditions, revision, 'write') !== 'proceed'
    ) {
      throw new PreconditionFailedError(PRECONDITION_FAILED);
    }
    try {
      return await write(stored);
    } catch (error) {
      if (!(error instanceof ConditionFailedError)) throw error;
      await backOff(attempt);
    }
  }
  throw busy();
}

const backOff = (attempt: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
const busy = () =>
  new ServiceUnavailableError('The item is being changed by many writers at once; retry shortly.', 1);

/**
 * Reads the item, checks the preconditions against it, lets `change` compute its new fields and
 * writes them on condition that nobody wrote in between; when someone did, starts over from the
 * read (so the preconditions are judged against what is really replaced).
 */
export async function updateItem(
  table: ResourceTable,
  id: string,
  preconditions: Preconditions,
  change: (current: StoredItem) => Record<string, unknown>,
): Promise<Representation> {
  for (let attempt = 1; attempt <= PATCH_ATTEMPTS; attempt++) {
    const stored = await readStored(table, id);
    if (!stored) throw notFound(id);
    const revision = revisionOf(stored, REVISION_FIELD);
    if (evaluatePreconditions(preconditions, revision, 'write') !== 'proceed') {
      throw new PreconditionFailedError(PRECONDITION_FAILED);
    }
    try {
      // An item with no revision of its own is written on condition that its content is as read.
      const condition = isContentRevision(revision) ? { unchanged: stored } : { revision };
      return await writeItem(table, id, change(orderItem(stored as StoredItem, table.fields)), condition);
    } catch (error) {
      if (!(error instanceof ConditionFailedError)) throw error;
      await backOff(attempt);
    }
  }
  throw busy();
}

/**
 * Deletes the item; one DeleteItem (a second read only to tell 404 from 412 on failure). An item
 * no handler wrote is read, judged on its content tag and deleted on condition that it is unchanged.
 */
export async function deleteItem(
  table: ResourceTable,
  id: string,
  preconditions: Preconditions,
): Promise<void> {
  const remove = async (condition: WriteCondition) => {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const expression = conditionFor(condition, names, values);
    await callDynamoDb(() =>
      clientOf(table).send(
        new DeleteCommand({
          TableName: table.tableName,
          Key: keyOf(table, id),
          ConditionExpression: expression,
          ExpressionAttributeNames: names,
          ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
        }),
      ),
    );
  };
  try {
    await remove({ preconditions, exists: true, handlerWritten: true });
    return;
  } catch (error) {
    if (!(error instanceof ConditionFailedError)) throw error;
  }
  const stored = await readStored(table, id);
  if (stored === undefined) throw notFound(id);
  await writeUnchanged(table, id, preconditions, (unchanged) => remove({ unchanged }));
}

/**
 * One page of items: one Scan, or for an owner-scoped resource one Query of the caller's
 * partition. The cursor binds this table and is checked for its key shape, and an owner's cursor
 * for that owner: a cursor crafted with another owner's key is refused.
 */
export async function listItems(
  table: ResourceTable,
  limit: number,
  cursor: string | undefined,
): Promise<Page> {
  const { tableName: TableName, owner } = table;
  const cursorScope: CursorScope = {
    table: TableName,
    key: owner === undefined ? { id: 'string' } : { [OWNER_FIELD]: 'string', id: 'string' },
  };
  const start = cursor === undefined ? undefined : decodeCursor(cursor, cursorScope);
  if (start && owner !== undefined && start[OWNER_FIELD] !== owner) {
    throw new BadRequestError('The cursor is not valid: pass back the nextCursor of a previous page.');
  }
  const page = { TableName, Limit: limit, ...(start ? { ExclusiveStartKey: start } : {}) };
  const out = await callDynamoDb(() =>
    clientOf(table).send(
      owner === undefined
        ? new ScanCommand(page)
        : new QueryCommand({
            ...page,
            KeyConditionExpression: '#owner = :owner',
            ExpressionAttributeNames: { '#owner': OWNER_FIELD },
            ExpressionAttributeValues: { ':owner': owner },
          }),
    ),
  );
  const last = out.LastEvaluatedKey as PageKey | undefined;
  return {
    items: (out.Items ?? []).map((item) => orderItem(item as StoredItem, table.fields)),
    nextCursor: last ? encodeCursor(last, cursorScope) : null,
  };
}
