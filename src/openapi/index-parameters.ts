// The query parameters of a typed resource's list: one per field its declared indexes are keyed
// on, and one per operator on a sort key field (`price[lt]`, `createdAt[between]`, …).
import type { IndexKeyField, ServiceDeclaration } from '../declaration/types.ts';
import { SORT_OPERATORS, type SortOperator } from '../domain/index-query.ts';
import type { JsonSchema } from './components.ts';

interface QueryParameter {
  readonly name: string;
  readonly in: 'query';
  readonly description: string;
  readonly schema: JsonSchema;
}

const valueSchema = ({ type, values }: IndexKeyField): JsonSchema =>
  type === 'number'
    ? { type: 'number' }
    : { type: 'string', minLength: 1, ...(values ? { enum: [...values] } : {}) };

const OPERATOR_WORDS: Record<SortOperator, string> = {
  lt: 'below',
  lte: 'at most',
  gt: 'above',
  gte: 'at least',
  between: 'between two values given as `low,high` (inclusive)',
  begins_with: 'starting with',
};

/**
 * The filters a list accepts, derived from the declared indexes: `field=value` on a partition
 * field names the index; a sort field takes `field=value` or one `field[op]=value`.
 */
export function indexParameters(service: ServiceDeclaration): QueryParameter[] {
  const parameters = new Map<string, QueryParameter>();
  const add = (parameter: QueryParameter) => {
    if (!parameters.has(parameter.name)) parameters.set(parameter.name, parameter);
  };
  for (const index of service.table.indexes ?? []) {
    const { partitionKey, sortKey } = index;
    add({
      name: partitionKey.field,
      in: 'query',
      description: `Only items whose ${partitionKey.field} is this value: a Query of index ${index.name}.`,
      schema: valueSchema(partitionKey),
    });
    if (!sortKey) continue;
    add({
      name: sortKey.field,
      in: 'query',
      description: `With ${partitionKey.field}: only items whose ${sortKey.field} is this value (index ${index.name}).`,
      schema: valueSchema(sortKey),
    });
    for (const operator of Object.keys(SORT_OPERATORS) as SortOperator[]) {
      if (operator === 'begins_with' && sortKey.type !== 'string') continue;
      const whole = operator === 'between' || operator === 'begins_with';
      add({
        name: `${sortKey.field}[${operator}]`,
        in: 'query',
        description: `With ${partitionKey.field}: only items whose ${sortKey.field} is ${OPERATOR_WORDS[operator]} (index ${index.name}; one sort condition per request).`,
        schema: whole ? { type: 'string', minLength: 1 } : valueSchema(sortKey),
      });
    }
  }
  return [...parameters.values()];
}
