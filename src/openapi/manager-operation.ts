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

// Items, keys and values travel as the document client's plain JSON (no `{"S": …}` wrappers). A
// named, recursive schema, so that the generated types give a client `Record<string, DocumentValue>`
// to write against rather than an object that accepts no member.
/** The schema of one document value; recursive (a list or a map holds values). */
export const DOCUMENT_VALUE = 'DocumentValue';
const DOCUMENT_ITEM = 'DocumentItem';
const documentSchemas: Record<string, JsonSchema> = {
  [DOCUMENT_VALUE]: {
    description: 'An attribute value as the DynamoDB document client writes it in JSON.',
    anyOf: [
      { type: 'string' },
      { type: 'number' },
      { type: 'boolean' },
      { type: 'null' },
      { type: 'array', items: schemaRef(DOCUMENT_VALUE) },
      { type: 'object', additionalProperties: schemaRef(DOCUMENT_VALUE) },
    ],
  },
  [DOCUMENT_ITEM]: {
    type: 'object',
    description: 'Attributes by name, as plain JSON.',
    additionalProperties: schemaRef(DOCUMENT_VALUE),
  },
};
// A description may not sit beside a `$ref` in OpenAPI 3.0: the reference is wrapped instead.
const documentItem = (description: string) => ({ allOf: [schemaRef(DOCUMENT_ITEM)], description });
const attributes = documentItem('Attribute values as plain JSON.');
const key = documentItem('The primary key, e.g. `{"id": "1234ABCD"}`.');
const expressions = {
  ConditionExpression: { type: 'string' },
  ExpressionAttributeNames: { type: 'object', additionalProperties: { type: 'string' } },
  ExpressionAttributeValues: documentItem('The values the expressions name, e.g. `{":n": 10}`.'),
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
    ...documentSchemas,
    [`${name}Request`]: { oneOf: variants },
    [`${name}Output`]: {
      type: 'object',
      description:
        'The output of the DynamoDB call an operation other than echo and ping makes, without `$metadata`.',
      properties: {
        Item: documentItem('read: the item, absent when there is none.'),
        Attributes: documentItem('update, create or delete: the values `ReturnValues` asked for.'),
        Items: { type: 'array', description: 'list: one page of items.', items: schemaRef(DOCUMENT_ITEM) },
        Count: { type: 'integer' },
        ScannedCount: { type: 'integer' },
        LastEvaluatedKey: documentItem(
          'list: pass as `ExclusiveStartKey` for the next page; absent on the last.',
        ),
      },
    },
    [`${name}Response`]: {
      description:
        "The DynamoDB call's output without `$metadata`: `{}` for create and delete, `{Item}` for read, " +
        '`{Attributes}` for update when asked, `{Items, Count, ScannedCount, LastEvaluatedKey?}` for list; ' +
        'the payload for echo, `"pong"` for ping.',
      anyOf: [schemaRef(`${name}Output`), { description: 'echo: the payload unchanged; ping: `"pong"`.' }],
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
