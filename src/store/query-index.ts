import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { type CursorScope, decodeCursor, encodeCursor, type PageKey } from '../domain/cursor.ts';
import { BadRequestError } from '../domain/errors.ts';
import { type IndexQuery, type KeyValue, SORT_OPERATORS } from '../domain/index-query.ts';
import { OWNER_FIELD, orderItem, type StoredItem } from '../domain/item.ts';
import { documentClient } from './document-client.ts';
import type { Page, ResourceTable } from './resource-store.ts';
import { callDynamoDb } from './translate-error.ts';

const invalidCursor = () =>
  new BadRequestError('The cursor is not valid: pass back the nextCursor of a previous page.');

/**
 * One page of a filtered list: one Query of the index, never a Scan. For an owner-scoped
 * resource the index's partition is the caller's, so no filter reaches another owner's items.
 * The cursor binds the table, the index and the filter (a cursor of another list is refused),
 * and its key must lie inside what this Query reads.
 */
export async function queryIndex(
  table: ResourceTable,
  query: IndexQuery,
  limit: number,
  cursor: string | undefined,
): Promise<Page> {
  const { index } = query;
  const { hash, range } = index.key;
  const hashValue: KeyValue = table.owner ?? query.equals;
  // An owner's index is keyed (owner, field): the filter's value is a condition on its range key.
  const rangeCondition =
    table.owner === undefined ? query.sort : { operator: 'eq' as const, values: [query.equals] };
  const scope: CursorScope = {
    table: table.tableName,
    index: `${index.name} ${JSON.stringify([query.equals, query.sort ?? null])}`,
    key: {
      ...(table.owner === undefined ? {} : { [OWNER_FIELD]: 'string' as const }),
      id: 'string',
      [hash.attribute]: hash.type,
      ...(range ? { [range.attribute]: range.type } : {}),
    },
  };
  const start = cursor === undefined ? undefined : decodeCursor(cursor, scope);
  if (start) {
    const inside =
      start[hash.attribute] === hashValue &&
      (table.owner === undefined || start[OWNER_FIELD] === table.owner) &&
      (!range || !rangeCondition || satisfies(start[range.attribute], rangeCondition));
    if (!inside) throw invalidCursor();
  }
  const names: Record<string, string> = { '#h': hash.attribute };
  const values: Record<string, KeyValue> = { ':h': hashValue };
  let condition = '#h = :h';
  if (range && rangeCondition) {
    names['#r'] = range.attribute;
    const [first, second] = rangeCondition.values;
    values[':r0'] = first as KeyValue;
    const { operator } = rangeCondition;
    if (operator === 'between') {
      values[':r1'] = second as KeyValue;
      condition += ' AND #r BETWEEN :r0 AND :r1';
    } else if (operator === 'begins_with') condition += ' AND begins_with(#r, :r0)';
    else condition += ` AND #r ${operator === 'eq' ? '=' : SORT_OPERATORS[operator]} :r0`;
  }
  const out = await callDynamoDb(() =>
    (table.client ?? documentClient()).send(
      new QueryCommand({
        TableName: table.tableName,
        IndexName: index.name,
        KeyConditionExpression: condition,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        Limit: limit,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    ),
  );
  const last = out.LastEvaluatedKey as PageKey | undefined;
  return {
    items: (out.Items ?? []).map((item) => orderItem(item as StoredItem, table.fields)),
    nextCursor: last ? encodeCursor(last, scope) : null,
  };
}

/** Whether a cursor's range key value lies inside the condition (as DynamoDB compares keys). */
function satisfies(
  value: string | number | undefined,
  { operator, values }: NonNullable<IndexQuery['sort']>,
): boolean {
  if (value === undefined) return false;
  const [a, b] = values as [KeyValue, KeyValue | undefined];
  // Strings compare as DynamoDB compares them: by their UTF-8 bytes.
  const cmp = (x: KeyValue, y: KeyValue) =>
    typeof x === 'string' && typeof y === 'string'
      ? Buffer.compare(Buffer.from(x), Buffer.from(y))
      : x < y
        ? -1
        : x > y
          ? 1
          : 0;
  switch (operator) {
    case 'eq':
      return value === a;
    case 'lt':
      return cmp(value, a) < 0;
    case 'lte':
      return cmp(value, a) <= 0;
    case 'gt':
      return cmp(value, a) > 0;
    case 'gte':
      return cmp(value, a) >= 0;
    case 'between':
      return b !== undefined && cmp(value, a) >= 0 && cmp(value, b) <= 0;
    case 'begins_with':
      return typeof value === 'string' && value.startsWith(String(a));
  }
}
