import type { UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { comparedTags, legacyVersion, type Preconditions } from '../domain/etag.ts';
import { REVISION_FIELD } from '../domain/item.ts';

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
}

/** The system fields a write sets besides the client's fields. */
export interface WriteStamp {
  readonly now: string;
  readonly revision: string;
}

/**
 * One UpdateItem that makes the item hold exactly `fields` (plus system fields): sets every
 * given field, removes every other declared field, bumps `version` atomically, stores a new
 * revision and keeps `createdAt` of an existing item. It creates the item when it is absent
 * (version 1).
 */
export function fullWrite(
  fields: Record<string, unknown>,
  declaredFields: readonly string[],
  { now, revision }: WriteStamp,
  condition: WriteCondition,
): WriteInput {
  const names: Record<string, string> = {
    '#version': 'version',
    '#revision': REVISION_FIELD,
    '#createdAt': 'createdAt',
    '#updatedAt': 'updatedAt',
  };
  const values: Record<string, unknown> = { ':zero': 0, ':one': 1, ':now': now, ':revision': revision };
  const sets = [
    '#version = if_not_exists(#version, :zero) + :one',
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
      alternatives.push(`(attribute_not_exists(#revision) AND #version IN (${list(legacy, `${prefix}v`)}))`);
    }
    return alternatives.length === 1 ? (alternatives[0] ?? '') : `(${alternatives.join(' OR ')})`;
  };
  const { ifMatch, ifNoneMatch } = condition.preconditions ?? {};
  if (condition.exists || ifMatch?.any) parts.push(`attribute_exists(${id()})`);
  if (ifMatch && !ifMatch.any) {
    const strong = comparedTags(ifMatch, 'strong');
    // Only weak tags: If-Match can never hold, and DynamoDB says so atomically with the write.
    parts.push(
      strong.length ? revisionIn(strong, 'm') : `attribute_not_exists(${id()}) AND attribute_exists(#id)`,
    );
  }
  if (ifNoneMatch?.any) parts.push(`attribute_not_exists(${id()})`);
  if (ifNoneMatch && !ifNoneMatch.any)
    parts.push(`NOT (${revisionIn(comparedTags(ifNoneMatch, 'weak'), 'n')})`);
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
