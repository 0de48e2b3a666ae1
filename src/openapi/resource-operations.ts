// The operations of a typed resource (defineCrudResource), one per function, each described
// from its declaration: the body schema it validates, its media types and its statuses.
import { z } from 'zod';
import { storableNumberBounds2020 } from '#src/declaration/body-schema.ts';
import type { ServiceDeclaration } from '../declaration/types.ts';
import { ID_PATTERN } from '../domain/item.ts';
import { LIST_LIMIT } from '../domain/list-limit.ts';
import { JSON_BODY, MERGE_PATCH_BODY } from '../handlers/typed-resource.ts';
import {
  idempotencyKeyParameter,
  type JsonSchema,
  parameterRef,
  responseRef,
  schemaRef,
} from './components.ts';
import { indexParameters } from './index-parameters.ts';

/** The operations of a typed resource, by the handler module that implements them. */
export const RESOURCE_HANDLERS = {
  'src/handlers/create.ts': 'create',
  'src/handlers/get.ts': 'get',
  'src/handlers/replace.ts': 'replace',
  'src/handlers/update.ts': 'update',
  'src/handlers/delete.ts': 'delete',
  'src/handlers/list.ts': 'list',
} as const;
export type ResourceOperation = (typeof RESOURCE_HANDLERS)[keyof typeof RESOURCE_HANDLERS];

/** `products` → `Products`, `order-lines` → `OrderLines`: the prefix of a service's schema names. */
export const pascalCase = (name: string) =>
  name.replace(/(^|[^A-Za-z0-9])([A-Za-z0-9])/g, (_, __, c: string) => c.toUpperCase());

/** A zod schema as an OpenAPI 3.1 schema object (JSON Schema 2020-12, without `$schema`). */
export function toSchema(schema: z.ZodType, io: 'input' | 'output' = 'input'): JsonSchema {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, {
    io,
    unrepresentable: 'any',
    // The numbers DynamoDB can store, as the stage's models and the functions enforce them.
    override: ({ zodSchema, jsonSchema }) => {
      if (zodSchema._zod.def.type === 'number') storableNumberBounds2020(jsonSchema as JsonSchema);
    },
  }) as JsonSchema;
  return rest;
}

/** The schemas a typed resource adds to `components`: its fields, its items, its pages, its patch. */
export function resourceSchemas(service: ServiceDeclaration): Record<string, JsonSchema> {
  const item = service.itemSchema;
  if (!item) return {};
  const name = pascalCase(service.name);
  const fields = toSchema(item);
  const properties = (fields.properties ?? {}) as Record<string, JsonSchema>;
  const required = (fields.required ?? []) as string[];
  const patch = service.functions.find(
    (fn) => RESOURCE_HANDLERS[fn.handler as keyof typeof RESOURCE_HANDLERS] === 'update',
  );
  return {
    [`${name}Fields`]: { ...fields, description: `The fields a client sets on ${service.name}.` },
    [name]: {
      type: 'object',
      description: 'A stored item: the client fields plus the fields the server owns.',
      properties: {
        id: { type: 'string', pattern: ID_PATTERN.source },
        ...properties,
        version: { type: 'integer', minimum: 1, description: 'Starts at 1, +1 on every write.' },
        createdAt: { type: 'string', format: 'date-time' },
        updatedAt: { type: 'string', format: 'date-time' },
      },
      required: ['id', ...required, 'version', 'createdAt', 'updatedAt'],
      additionalProperties: false,
    },
    [`${name}Page`]: {
      type: 'object',
      properties: {
        items: { type: 'array', items: schemaRef(name) },
        nextCursor: {
          type: ['string', 'null'],
          description: 'Pass as `cursor` for the next page; null on the last page.',
        },
      },
      required: ['items', 'nextCursor'],
      additionalProperties: false,
    },
    ...(patch?.body
      ? { [`${name}MergePatch`]: { ...toSchema(patch.body), description: 'RFC 7396: null removes a field.' } }
      : {}),
  };
}

const json = (schema: unknown, mediaTypes: readonly string[] = ['application/json']) =>
  Object.fromEntries(mediaTypes.map((type) => [type, { schema }]));
const header = (name: string) => ({ $ref: `#/components/headers/${name}` });

/** The OpenAPI operation object of one function of a typed resource. */
export function resourceOperation(service: ServiceDeclaration, kind: ResourceOperation) {
  const name = pascalCase(service.name);
  const item = json(schemaRef(name));
  const etag = { ETag: header('ETag') };
  const fieldsBody = { required: true, content: json(schemaRef(`${name}Fields`), JSON_BODY.mediaTypes) };
  const conditions = [parameterRef('IfMatch'), parameterRef('IfNoneMatch')];
  const onItem = [parameterRef('Id')];
  switch (kind) {
    case 'create': {
      const idempotency = service.functions.find(
        (fn) => RESOURCE_HANDLERS[fn.handler as keyof typeof RESOURCE_HANDLERS] === 'create',
      )?.idempotency;
      return {
        summary: `Create an item of ${service.name}`,
        description:
          'The server chooses the id (a ULID).' +
          (idempotency
            ? ` With an \`Idempotency-Key\` (${idempotency === 'required' ? 'required here' : 'optional'}) a retry gets the first response instead of a second item.`
            : ''),
        ...(idempotency
          ? {
              parameters: [
                idempotency === 'required' ? idempotencyKeyParameter(true) : parameterRef('IdempotencyKey'),
              ],
            }
          : {}),
        requestBody: fieldsBody,
        responses: {
          '201': {
            description: 'Created (or, with a key already used with this body, the first response again).',
            headers: { ...etag, Location: header('Location') },
            content: item,
          },
          ...errors('400', '413', '415'),
          ...(idempotency
            ? { '409': responseRef('IdempotencyKeyInFlight'), '422': responseRef('IdempotencyKeyReused') }
            : {}),
        },
      };
    }
    case 'get':
      return {
        summary: `Read an item of ${service.name}`,
        parameters: [...onItem, ...conditions],
        responses: {
          '200': { description: 'The item.', headers: etag, content: item },
          '304': {
            description: '`If-None-Match` matched: the copy the client has is current.',
            headers: etag,
          },
          ...errors('400', '404', '412'),
        },
      };
    case 'replace':
      return {
        summary: `Replace an item of ${service.name}, or create it with this id`,
        parameters: [...onItem, ...conditions],
        requestBody: fieldsBody,
        responses: {
          '200': { description: 'Replaced.', headers: etag, content: item },
          '201': {
            description: 'Created with this id.',
            headers: { ...etag, Location: header('Location') },
            content: item,
          },
          ...errors('400', '412', '413', '415'),
        },
      };
    case 'update':
      return {
        summary: `Change fields of an item of ${service.name} (JSON Merge Patch)`,
        description:
          'The merged item is validated as a whole. Without `If-Match` a concurrent write is merged again.',
        parameters: [...onItem, ...conditions],
        requestBody: {
          required: true,
          content: json(schemaRef(`${name}MergePatch`), MERGE_PATCH_BODY.mediaTypes),
        },
        responses: {
          '200': { description: 'Updated.', headers: etag, content: item },
          ...errors('400', '404', '412', '413', '415'),
        },
      };
    case 'delete':
      return {
        summary: `Delete an item of ${service.name}`,
        parameters: [...onItem, ...conditions],
        responses: { '204': { description: 'Deleted.' }, ...errors('400', '404', '412') },
      };
    case 'list':
      return {
        summary: `List the items of ${service.name}, a page at a time`,
        ...((service.table.indexes ?? []).length > 0
          ? {
              description:
                'Without filters, every item. With filters (`field=value`, and on a sort field one ' +
                '`field[op]=value` of lt, lte, gt, gte, between, begins_with), one Query of the ' +
                `declared index they name: ${(service.table.indexes ?? []).map((i) => i.name).join(', ')}. ` +
                'A filter no index answers is a 400.',
            }
          : {}),
        parameters: [
          {
            name: 'limit',
            in: 'query',
            description: 'Items per page.',
            schema: {
              type: 'integer',
              minimum: LIST_LIMIT.min,
              maximum: LIST_LIMIT.max,
              default: LIST_LIMIT.default,
            },
          },
          {
            name: 'cursor',
            in: 'query',
            description: "The previous page's `nextCursor`; signed, so an edited cursor is refused.",
            schema: { type: 'string' },
          },
          ...indexParameters(service),
        ],
        responses: {
          '200': { description: 'One page.', content: json(schemaRef(`${name}Page`)) },
          ...errors('400'),
        },
      };
  }
}

const ERROR_RESPONSES = {
  '400': 'BadRequest',
  '403': 'Forbidden',
  '404': 'NotFound',
  '409': 'Conflict',
  '412': 'PreconditionFailed',
  '413': 'PayloadTooLarge',
  '415': 'UnsupportedMediaType',
} as const;

/** `$ref`s to the shared responses of these error statuses. */
export function errors(...statuses: (keyof typeof ERROR_RESPONSES)[]) {
  return Object.fromEntries(statuses.map((status) => [status, responseRef(ERROR_RESPONSES[status])]));
}
