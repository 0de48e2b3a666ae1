import type { IndexKeyField, SecondaryIndex } from '../declaration/types.ts';
import { unstorableNumberReason } from './dynamodb-number.ts';
import { BadRequestError } from './errors.ts';

/** Query string parameters of a list that are not filters. */
export const PAGE_PARAMETERS = ['limit', 'cursor'] as const;

/**
 * The operators a list's sort condition may use, as written in the query string
 * (`createdAt[gte]=…`), and the DynamoDB key condition each one becomes.
 */
export const SORT_OPERATORS = {
  lt: '<',
  lte: '<=',
  gt: '>',
  gte: '>=',
  between: 'BETWEEN',
  begins_with: 'begins_with',
} as const;
export type SortOperator = keyof typeof SORT_OPERATORS;

export type KeyValue = string | number;

/** A filtered list as a Query: which index, the partition value, and at most one sort condition. */
export interface IndexQuery {
  readonly index: SecondaryIndex;
  readonly equals: KeyValue;
  readonly sort?: { readonly operator: SortOperator | 'eq'; readonly values: readonly KeyValue[] };
}

const PARAMETER = /^([A-Za-z_][A-Za-z0-9_]*)(?:\[([a-z_]+)\])?$/;

/**
 * The Query a list's filters ask for, or `undefined` when they name none (an unfiltered list).
 * `status=pending` names an index by its partitionKey field; `createdAt[gte]=2026-01-01`
 * (or `createdAt=…`) adds a condition on its sortKey. Values are typed by the field: a number
 * field's value must be a number DynamoDB can store, an enum's one of its values.
 * Anything else is a 400 naming the parameter, or the indexes there are.
 *
 * @example
 * indexQuery(indexes, { status: 'pending', 'createdAt[between]': '2026-01-01,2026-02-01' })
 */
export function indexQuery(
  indexes: readonly SecondaryIndex[],
  query: Readonly<Record<string, string | undefined>>,
): IndexQuery | undefined {
  const filters = Object.entries(query).filter(
    (entry): entry is [string, string] =>
      entry[1] !== undefined && !(PAGE_PARAMETERS as readonly string[]).includes(entry[0]),
  );
  if (filters.length === 0) return undefined;
  const parsed = filters.map(([name, value]) => {
    const match = PARAMETER.exec(name);
    return { name, field: match?.[1], operator: match?.[2], value };
  });
  const equalities = parsed.filter((p) => p.field !== undefined && p.operator === undefined);
  const fitting = indexes.filter((index) => {
    const partition = equalities.find((p) => p.field === index.partitionKey.field);
    if (!partition) return false;
    const rest = parsed.filter((p) => p !== partition);
    if (rest.length === 0) return true;
    const [sort, extra] = rest;
    return extra === undefined && index.sortKey !== undefined && sort?.field === index.sortKey.field;
  });
  // Of several indexes on one field, the one a sort condition names; without one, the first declared.
  const index = fitting.find((i) => parsed.length === 2 || i.sortKey === undefined) ?? fitting[0];
  if (!index)
    throw noIndex(
      indexes,
      parsed.map((p) => p.name),
    );
  const partition = parsed.find((p) => p.field === index.partitionKey.field && p.operator === undefined);
  const sort = parsed.find((p) => p !== partition);
  return {
    index,
    equals: keyValue(index.partitionKey, partition?.name ?? '', partition?.value ?? ''),
    ...(sort && index.sortKey
      ? { sort: sortCondition(index.sortKey, sort.name, sort.operator, sort.value) }
      : {}),
  };
}

function sortCondition(field: IndexKeyField, name: string, operator: string | undefined, value: string) {
  if (operator === undefined) return { operator: 'eq' as const, values: [keyValue(field, name, value)] };
  if (!Object.hasOwn(SORT_OPERATORS, operator)) {
    throw parameterError(
      name,
      `${operator} is not an operator: use one of ${Object.keys(SORT_OPERATORS).join(', ')}`,
    );
  }
  const op = operator as SortOperator;
  if (op === 'begins_with' && field.type !== 'string') {
    throw parameterError(name, 'begins_with applies to string fields only');
  }
  if (op === 'between') {
    const bounds = value.split(',');
    if (bounds.length !== 2)
      throw parameterError(name, 'between takes two values separated by a comma: low,high');
    const [low = '', high = ''] = bounds.map((bound) => keyValue(field, name, bound));
    if (field.type === 'number' ? Number(low) > Number(high) : String(low) > String(high)) {
      throw parameterError(name, 'the low bound of between is above its high bound');
    }
    return { operator: op, values: [low, high] };
  }
  // A prefix need not be a whole value: it is not checked against an enum's values.
  if (op === 'begins_with') return { operator: op, values: [nonEmpty(name, value)] };
  return { operator: op, values: [keyValue(field, name, value)] };
}

function keyValue(field: IndexKeyField, name: string, value: string): KeyValue {
  if (field.type === 'number') {
    const reason = value.trim() === value ? unstorableNumberReason(value) : 'is not a number';
    if (reason) throw parameterError(name, `must be a number DynamoDB can store: ${reason}`);
    return Number(value);
  }
  nonEmpty(name, value);
  if (field.values && !field.values.includes(value)) {
    throw parameterError(name, `must be one of ${field.values.join(', ')}`);
  }
  return value;
}

function nonEmpty(name: string, value: string): string {
  if (value.length === 0) throw parameterError(name, 'must not be empty');
  return value;
}

const parameterError = (name: string, message: string) =>
  new BadRequestError(`The query parameter ${name} is not valid: ${message}.`, [{ path: name, message }]);

function noIndex(indexes: readonly SecondaryIndex[], names: readonly string[]): BadRequestError {
  const described = indexes.map(
    (i) => `${i.name} (${i.partitionKey.field}=…${i.sortKey ? `, ${i.sortKey.field}[op]=…` : ''})`,
  );
  const known =
    described.length > 0 ? `the indexes are ${described.join('; ')}` : 'this resource declares no index';
  return new BadRequestError(`No declared index answers the filter ${names.join(', ')}: ${known}.`, [
    ...names.map((name) => ({ path: name, message: 'matches no declared index' })),
  ]);
}
