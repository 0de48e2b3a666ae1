import type { z } from 'zod';
import { OWNER_FIELD } from '../domain/item.ts';
import type { IndexKeyField, KeyFieldType, SecondaryIndex } from './types.ts';

/**
 * One access pattern of a typed resource, as declared: the field a query names with `=`, and
 * optionally a field its sort conditions (`<`, `between`, `begins_with`, …) apply to.
 *
 * @example
 * indexes: { byStatus: { partitionKey: 'status', sortKey: 'createdAt' } }
 */
export interface IndexInput {
  readonly partitionKey: string | readonly string[];
  readonly sortKey?: string | readonly string[];
  /**
   * What the index holds of each item. Only `ALL`: a list answers with whole items, and an index
   * holding fewer attributes would hand out items its schema says are incomplete.
   */
  readonly projection?: 'ALL';
}

/** DynamoDB's limit on the global secondary indexes of one table. */
export const INDEX_LIMITS = { globalIndexes: 20 } as const;
/** DynamoDB's rule for index names. */
const INDEX_NAME = /^[A-Za-z0-9_.-]{3,255}$/;

/** System fields an index may be keyed on: server-set strings every item has. */
const SYSTEM_KEY_FIELDS: Readonly<Record<string, KeyFieldType>> = {
  id: 'string',
  createdAt: 'string',
  updatedAt: 'string',
};

/**
 * The declared indexes of a resource, checked: names valid and unique, fields in the item schema
 * (or system fields), keyable types, one attribute per key, at most DynamoDB's limits. Problems
 * are returned, named by index and field, for the declaration's one error.
 *
 * An owner-scoped resource's index is a global secondary index keyed by the owner (partition)
 * and the declared field (sort): a query stays inside the caller's items, as the table's own
 * key does. A declared sort key would make a three-attribute key there, which is refused (see
 * {@link keyProblem}).
 */
export function resolveIndexes(
  input: Readonly<Record<string, IndexInput>> | undefined,
  item: z.ZodObject,
  ownerScoped: boolean,
): { indexes: SecondaryIndex[]; problems: string[] } {
  const problems: string[] = [];
  const indexes: SecondaryIndex[] = [];
  const entries = Object.entries(input ?? {});
  if (entries.length > INDEX_LIMITS.globalIndexes) {
    problems.push(
      `${entries.length} indexes: DynamoDB allows at most ${INDEX_LIMITS.globalIndexes} per table`,
    );
  }
  const seenKeys = new Map<string, string>();
  for (const [name, declared] of entries) {
    const before = problems.length;
    const say = (problem: string) => problems.push(`index ${name}: ${problem}`);
    if (!INDEX_NAME.test(name)) say('its name must be 3–255 characters of A–Z, a–z, 0–9, "_", "-" or "."');
    if (declared.projection !== undefined && declared.projection !== 'ALL') {
      say(`projection ${JSON.stringify(declared.projection)}: only ALL (a list answers with whole items)`);
    }
    const partitionKey = keyField(declared.partitionKey, 'partitionKey', item, say);
    const sortKey =
      declared.sortKey === undefined ? undefined : keyField(declared.sortKey, 'sortKey', item, say);
    if (ownerScoped && sortKey) {
      say(
        'an owner-scoped index is keyed by the owner and its partitionKey field, so it takes no sortKey ' +
          '(that would be a three-attribute key; see the README on multi-attribute keys)',
      );
    }
    if (partitionKey && sortKey && partitionKey.field === sortKey.field)
      say('partitionKey and sortKey are the same field');
    if (problems.length > before || !partitionKey) continue;
    const index: SecondaryIndex = {
      name,
      partitionKey,
      ...(sortKey ? { sortKey } : {}),
      key: ownerScoped
        ? { hash: { attribute: OWNER_FIELD, type: 'string' }, range: toAttribute(partitionKey) }
        : { hash: toAttribute(partitionKey), ...(sortKey ? { range: toAttribute(sortKey) } : {}) },
    };
    const keyText = `${index.key.hash.attribute}/${index.key.range?.attribute ?? ''}`;
    const twin = seenKeys.get(keyText);
    if (twin) say(`has the same key as index ${twin}`);
    else seenKeys.set(keyText, name);
    indexes.push(index);
  }
  return { indexes, problems };
}

const toAttribute = ({ field, type }: IndexKeyField) => ({ attribute: field, type });

function keyField(
  declared: string | readonly string[],
  role: 'partitionKey' | 'sortKey',
  item: z.ZodObject,
  say: (problem: string) => void,
): IndexKeyField | undefined {
  const fields = typeof declared === 'string' ? [declared] : declared;
  if (fields.length !== 1) {
    // Multi-attribute keys (DynamoDB, November 2025) are refused: dynalite, one of the two local
    // engines, accepts one attribute per key only, and code must work the same locally and deployed.
    say(
      `${role} names ${fields.length} fields: one field per key (multi-attribute keys are not supported locally)`,
    );
    return undefined;
  }
  const [field = ''] = fields;
  const system = SYSTEM_KEY_FIELDS[field];
  if (system) return { field, type: system };
  const schema = item.shape[field] as z.ZodType | undefined;
  if (!schema) {
    say(`${role} "${field}" is not a field of the item schema nor id, createdAt or updatedAt`);
    return undefined;
  }
  const keyable = keyableType(schema);
  if (typeof keyable === 'string') {
    say(`${role} "${field}" ${keyable}`);
    return undefined;
  }
  return { field, ...keyable };
}

/**
 * What an index key of `schema` holds, or why it cannot key an index: DynamoDB keys are strings,
 * numbers or binary; a key attribute may be absent (the item is then not in the index) but never
 * null nor, for a string, empty — a write of either would be refused by DynamoDB.
 */
function keyableType(schema: z.ZodType): { type: KeyFieldType; values?: readonly string[] } | string {
  const def = schema._zod.def as unknown as Record<string, unknown> & { type: string };
  if (def.type === 'optional' || def.type === 'default' || def.type === 'readonly') {
    return keyableType(def.innerType as z.ZodType);
  }
  if (def.type === 'nullable') return 'may be null, which an index key cannot hold';
  if (def.type === 'number') return { type: 'number' };
  if (def.type === 'enum') {
    const values = Object.values(def.entries as Record<string, unknown>);
    if (values.every((v) => typeof v === 'string' && v.length > 0))
      return { type: 'string', values: values as string[] };
    return 'is an enum of other than non-empty strings';
  }
  if (def.type === 'string') {
    const checks = (def.checks ?? []) as readonly z.ZodType[];
    const minimum = checks
      .map((check) => check._zod.def as unknown as { check: string; minimum?: number; length?: number })
      .some(
        (c) =>
          (c.check === 'min_length' && (c.minimum ?? 0) >= 1) ||
          (c.check === 'length_equals' && (c.length ?? 0) >= 1),
      );
    return minimum
      ? { type: 'string' }
      : 'is a string that may be empty, which an index key cannot hold: add .min(1)';
  }
  return `is of type ${def.type}: only strings, numbers and enums of strings can key an index`;
}
