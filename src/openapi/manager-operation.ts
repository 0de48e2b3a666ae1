// DynamoDBManager as the AWS tutorial shows it: one POST whose body names the operation, its
// payload a DynamoDB document-client input, its answer that call's output.
import type { ServiceDeclaration } from '../declaration/types.ts';
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

// One request shape per operation, each with the tutorial's payload.
const requests: Record<string, { summary: string; payload?: JsonSchema }> = {
  create: {
    summary: 'PutItem',
    payload: { type: 'object', properties: { Item: attributes, ...expressions }, required: ['Item'] },
  },
  read: { summary: 'GetItem', payload: { type: 'object', properties: { Key: key }, required: ['Key'] } },
  update: {
    summary: 'UpdateItem',
    payload: {
      type: 'object',
      properties: { Key: key, UpdateExpression: { type: 'string' }, ...expressions },
      required: ['Key'],
    },
  },
  delete: {
    summary: 'DeleteItem',
    payload: { type: 'object', properties: { Key: key, ...expressions }, required: ['Key'] },
  },
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
    required: ['operation', ...(payload && operation !== 'echo' && operation !== 'list' ? ['payload'] : [])],
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
