// DynamoDBManager as the AWS tutorial shows it: one POST whose body names the operation, its
// payload a DynamoDB document-client input, its answer that call's output.
import type { ServiceDeclaration } from '../declaration/types.ts';
import {
  MANAGER_PAYLOAD_MEMBER,
  type ManagerOperation,
  type ManagerRequestOperation,
} from '../store/manager-store.ts';
import { type JsonSchema, schemaRef } from './components.ts';
import { errors, pascalCase } from './resource-operations.ts';

const attributes = { type: 'object', description: 'Attribute values as plain JSON.' } as const;
const key = { type: 'object', description: 'The primary key, e.g. `{"id": "1234ABCD"}`.' } as const;
const expressions = {
  ConditionExpression: { type: 'string' },
  ExpressionAttributeNames: { type: 'object', additionalProperties: { type: 'string' } },
  ExpressionAttributeValues: { type: 'object' },
  ReturnValues: { type: 'string', enum: ['NONE', 'ALL_OLD', 'UPDATED_OLD', 'ALL_NEW', 'UPDATED_NEW'] },
} as const;

/** A payload that must carry the member the handler requires of `operation` (MANAGER_PAYLOAD_MEMBER). */
function carrying(
  operation: Exclude<ManagerOperation, 'list'>,
  member: JsonSchema,
  more: Record<string, JsonSchema> = {},
): JsonSchema {
  const name = MANAGER_PAYLOAD_MEMBER[operation];
  return { type: 'object', properties: { [name]: member, ...more }, required: [name] };
}

// One request shape per operation the handler accepts, each with the tutorial's payload.
const requests: Record<ManagerRequestOperation, { summary: string; payload?: JsonSchema }> = {
  create: { summary: 'PutItem', payload: carrying('create', attributes, expressions) },
  read: { summary: 'GetItem', payload: carrying('read', key) },
  update: {
    summary: 'UpdateItem',
    payload: carrying('update', key, { UpdateExpression: { type: 'string' }, ...expressions }),
  },
  delete: { summary: 'DeleteItem', payload: carrying('delete', key, expressions) },
  list: {
    summary: 'Scan',
    payload: {
      type: 'object',
      properties: { Limit: { type: 'integer', minimum: 1 }, ExclusiveStartKey: key },
    },
  },
  echo: { summary: 'Answers the payload unchanged', payload: {} },
  ping: { summary: 'Answers "pong"' },
};

/** The schemas DynamoDBManager adds to `components`, named after the service. */
export function managerSchemas(service: ServiceDeclaration): Record<string, JsonSchema> {
  const tableName = {
    type: 'string',
    description: `Optional; only \`${service.table.name}\` (the service's own table) is accepted.`,
  };
  const variants = Object.entries(requests).map(([operation, { summary, payload }]) => ({
    type: 'object',
    title: operation,
    description: summary,
    properties: {
      operation: { const: operation },
      tableName,
      ...(payload ? { payload } : {}),
    },
    // A payload is required exactly when the handler needs a member of it.
    required: ['operation', ...(payload?.required ? ['payload'] : [])],
  }));
  const name = pascalCase(service.name);
  return {
    [`${name}Request`]: { oneOf: variants },
    [`${name}Response`]: {
      description:
        "The DynamoDB call's output without `$metadata`: `{}` for create and delete, `{Item}` for read, " +
        '`{Attributes}` for update when asked, `{Items, Count, ScannedCount, LastEvaluatedKey?}` for list; ' +
        'the payload for echo, `"pong"` for ping.',
      examples: [{ Item: { id: '1234ABCD', number: 5 } }, { Items: [], Count: 0, ScannedCount: 0 }, 'pong'],
    },
  };
}

/** The operation object of DynamoDBManager's one route. */
export function managerOperation(service: ServiceDeclaration) {
  const name = pascalCase(service.name);
  return {
    summary: `Run a DynamoDB operation on the ${service.table.name} table (the AWS tutorial's service)`,
    description:
      'Any Content-Type is read as JSON, as the tutorial sends it with `curl -d`. Another table, or a payload ' +
      'with `TableName`, is refused with 403; a failed `ConditionExpression` is a 409.',
    requestBody: {
      required: true,
      content: { 'application/json': { schema: schemaRef(`${name}Request`) } },
    },
    responses: {
      '200': {
        description: "DynamoDB's answer.",
        content: { 'application/json': { schema: schemaRef(`${name}Response`) } },
      },
      ...errors('400', '409', '413'),
    },
  };
}
