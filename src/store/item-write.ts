import type { UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { comparedTags, legacyVersion, type Preconditions } from '../domain/etag.ts';
import { OWNER_FIELD, REVISION_FIELD } from '../domain/item.ts';

export type WriteInput = Pick<
  UpdateCommandInput,
  'UpdateExpression' | 'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'
>;

/**
 * What must hold for a write or a delete, checked by DynamoDB with it (all parts together):
 * the client's `If-Match`/`If-None-Match`, that the item exists, or that its revision is still
 * the one read before (PATCH).
 */
export interface WriteCondition {
  readonly preconditions?: Preconditions;
  readonly exists?: boolean;
  readonly revision?: string;
  /**
   * The item as read, for an item no handler wrote (it has no revision to compare): the write
   * holds only while it is unchanged (see {@link unchangedCondition}).
   */
  readonly unchanged?: Readonly<Record<string, unknown>>;
  /**
   * Only an absent item or one a handler wrote (a revision, or a numeric version): an item some
   * other writer put is left to the caller, which reads it and conditions on its content.
   */
  readonly handlerWritten?: boolean;
}

/** The system fields a write sets besides the client's fields. */
export interface WriteStamp {
  readonly now: string;
  readonly revision: string;
  /** Start `version` at 1 whatever is stored (another writer's `version` may not be a number). */
  readonly restartVersion?: boolean;
}

/**
 * How many stored values {@link unchangedCondition} compares one by one; deeper or further
 * values are covered by the size of the list or map that holds them. Keeps the condition well
 * inside DynamoDB's 4 KB expression limit.
 */
export const UNCHANGED_COMPARISONS = 100;

/**
 * One UpdateItem that makes the item hold exactly `fields` (plus system fields): sets every
 * given field, removes every other declared field, bumps `version` atomically, stores a new
 * revision and keeps `createdAt` of an existing item. It creates the item when it is absent
 * (version 1).
 */
export function fullWrite(
  fields: Record<string, unknown>,
  declaredFields: readonly string[],
  { now, revision, restartVersion = false }: WriteStamp,
  condition: WriteCondition,
): WriteInput {
  const names: Record<string, string> = {
    '#version': 'version',
    '#revision': REVISION_FIELD,
    '#createdAt': 'createdAt',
    '#updatedAt': 'updatedAt',
  };
  const values: Record<string, unknown> = {
    ...(restartVersion ? {} : { ':zero': 0 }),
    ':one': 1,
    ':now': now,
    ':revision': revision,
  };
  const sets = [
    restartVersion ? '#version = :one' : '#version = if_not_exists(#version, :zero) + :one',
    '#revision = :revision',
    '#createdAt = if_not_exists(#createdAt, :now)',
    '#updatedAt = :now',
  ];
  const removes: string[] = [];
  declaredFields.forEach((field, i) => {
    names[`#f${i}`] = field;
    if (fields[field] === undefined) {
      removes.push(`#f${i}`);
    } else {
      sets.push(`#f${i} = :f${i}`);
      values[`:f${i}`] = fields[field];
    }
  });
  const conditionExpression = conditionFor(condition, names, values);
  return {
    UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
    ...(conditionExpression ? { ConditionExpression: conditionExpression } : {}),
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

/**
 * Builds the condition expression of `condition` (undefined when there is nothing to check);
 * adds the names and values it uses in place. Tags compare against the stored revision: strongly
 * for `If-Match` (weak tags left out), weakly for `If-None-Match` (every listed tag).
 */
export function conditionFor(
  condition: WriteCondition,
  names: Record<string, string>,
  values: Record<string, unknown>,
): string | undefined {
  const parts: string[] = [];
  const id = () => {
    names['#id'] = 'id';
    return '#id';
  };
  const list = (items: readonly unknown[], prefix: string) =>
    items
      .map((item, i) => {
        values[`:${prefix}${i}`] = item;
        return `:${prefix}${i}`;
      })
      .join(', ');
  // A stored revision, or (for an item written before revisions were stored) its version.
  const revisionIn = (tags: readonly string[], prefix: string) => {
    const legacy = tags.map(legacyVersion).filter((v) => v !== undefined);
    const stored = tags.filter((tag) => legacyVersion(tag) === undefined);
    const alternatives: string[] = [];
    names['#revision'] = REVISION_FIELD;
    if (stored.length) alternatives.push(`#revision IN (${list(stored, prefix)})`);
    if (legacy.length) {
      names['#version'] = 'version';
      alternatives.push(`attribute_not_exists(#revision) AND #version IN (${list(legacy, `${prefix}v`)})`);
    }
    // Bare: DynamoDB refuses redundant parentheses, so each caller groups as it needs.
    if (alternatives.length === 1) return alternatives[0] ?? '';
    return alternatives.map((a) => (a.includes(' AND ') ? `(${a})` : a)).join(' OR ');
  };
  const grouped = (alternatives: string) =>
    alternatives.includes(' OR ') ? `(${alternatives})` : alternatives;
  const { ifMatch, ifNoneMatch } = condition.preconditions ?? {};
  if (condition.exists || ifMatch?.any) parts.push(`attribute_exists(${id()})`);
  if (ifMatch && !ifMatch.any) {
    const strong = comparedTags(ifMatch, 'strong');
    // Only weak tags: If-Match can never hold, and DynamoDB says so atomically with the write.
    parts.push(
      strong.length
        ? grouped(revisionIn(strong, 'm'))
        : `attribute_not_exists(${id()}) AND attribute_exists(#id)`,
    );
  }
  if (ifNoneMatch?.any) parts.push(`attribute_not_exists(${id()})`);
  if (ifNoneMatch && !ifNoneMatch.any)
    parts.push(`NOT (${revisionIn(comparedTags(ifNoneMatch, 'weak'), 'n')})`);
  if (condition.handlerWritten) {
    // attribute_type is false for a missing attribute: absent item, revision or numeric version.
    names['#revision'] = REVISION_FIELD;
    names['#version'] = 'version';
    values[':numberType'] = 'N';
    parts.push(
      `(attribute_not_exists(${id()}) OR attribute_exists(#revision) OR attribute_type(#version, :numberType))`,
    );
  }
  if (condition.unchanged) {
    parts.push(`attribute_exists(${id()})`, unchangedCondition(condition.unchanged, names, values));
  }
  if (condition.revision !== undefined) {
    names['#revision'] = REVISION_FIELD;
    const version = legacyVersion(condition.revision);
    if (version === undefined) {
      values[':expected'] = condition.revision;
      parts.push('#revision = :expected');
    } else {
      names['#version'] = 'version';
      values[':expected'] = version;
      parts.push('attribute_not_exists(#revision) AND #version = :expected');
    }
  }
  return parts.length ? parts.join(' AND ') : undefined;
}

/**
 * That an item no handler wrote is still as it was read: it has no revision yet, every stored
 * attribute still holds the value read (strings, numbers, booleans, nulls, binaries and sets
 * compared whole; lists and maps by their size and then member by member, up to
 * {@link UNCHANGED_COMPARISONS} values). Walked with an explicit queue; DynamoDB nests at most 32
 * levels anyway. An attribute another writer added after the read is not seen.
 */
export function unchangedCondition(
  stored: Readonly<Record<string, unknown>>,
  names: Record<string, string>,
  values: Record<string, unknown>,
): string {
  names['#revision'] = REVISION_FIELD;
  const parts = ['attribute_not_exists(#revision)'];
  let n = 0;
  const name = (attribute: string) => {
    const placeholder = `#u${n++}`;
    names[placeholder] = attribute;
    return placeholder;
  };
  const value = (stored: unknown) => {
    const placeholder = `:u${n++}`;
    values[placeholder] = stored;
    return placeholder;
  };
  const queue: { path: string; value: unknown }[] = Object.entries(stored)
    .filter(([attribute]) => attribute !== 'id' && attribute !== OWNER_FIELD)
    .map(([attribute, value]) => ({ path: name(attribute), value }));
  let compared = 0;
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    const { path, value: current } = next;
    compared += 1;
    const container = Array.isArray(current)
      ? current.map((member, i) => ({ path: `${path}[${i}]`, value: member }))
      : typeof current === 'object' &&
          current !== null &&
          !(current instanceof Set) &&
          !(current instanceof Uint8Array)
        ? Object.entries(current).map(([key, member]) => ({ path: `${path}.${name(key)}`, value: member }))
        : undefined;
    if (!container) {
      parts.push(`${path} = ${value(current)}`);
      continue;
    }
    parts.push(`size(${path}) = ${value(container.length)}`);
    if (compared + queue.length + container.length <= UNCHANGED_COMPARISONS) queue.push(...container);
  }
  return parts.join(' AND ');
}
