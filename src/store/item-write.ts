import type { UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Precondition } from '../domain/etag.ts';

export type WriteInput = Pick<
  UpdateCommandInput,
  'UpdateExpression' | 'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'
>;

/** What must hold before a write: an `If-Match`/`If-None-Match` precondition or an exact version. */
export type WriteCondition =
  | { readonly kind: 'none' }
  | { readonly kind: 'absent' }
  | { readonly kind: 'if-match'; readonly precondition: Precondition }
  | { readonly kind: 'version'; readonly version: number };

/**
 * One UpdateItem that makes the item hold exactly `fields` (plus system fields): sets every
 * given field, removes every other declared field, bumps `version` atomically and keeps
 * `createdAt` of an existing item. It creates the item when it is absent (version 1).
 */
export function fullWrite(
  fields: Record<string, unknown>,
  declaredFields: readonly string[],
  now: string,
  condition: WriteCondition,
): WriteInput {
  const names: Record<string, string> = {
    '#version': 'version',
    '#createdAt': 'createdAt',
    '#updatedAt': 'updatedAt',
  };
  const values: Record<string, unknown> = { ':zero': 0, ':one': 1, ':now': now };
  const sets = [
    '#version = if_not_exists(#version, :zero) + :one',
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

/** Builds a condition on `id` (existence) and `version`; adds its names and values in place. */
export function conditionFor(
  condition: WriteCondition,
  names: Record<string, string>,
  values: Record<string, unknown>,
): string | undefined {
  switch (condition.kind) {
    case 'none':
      return undefined;
    case 'absent':
      names['#id'] = 'id';
      return 'attribute_not_exists(#id)';
    case 'version':
      names['#version'] = 'version';
      values[':expected'] = condition.version;
      return '#version = :expected';
    case 'if-match': {
      const { precondition } = condition;
      names['#id'] = 'id';
      if (precondition.any) return 'attribute_exists(#id)';
      // No tag can match: a condition that never holds, checked by DynamoDB with the write.
      if (precondition.versions.length === 0) return 'attribute_not_exists(#id) AND attribute_exists(#id)';
      delete names['#id'];
      names['#version'] = 'version';
      const placeholders = precondition.versions.map((version, i) => {
        values[`:m${i}`] = version;
        return `:m${i}`;
      });
      return `#version IN (${placeholders.join(', ')})`;
    }
  }
}
