// The OpenAPI 3.1 document of the API, derived from the service declarations: the same source
// the handlers, the CDK stack and the local system read.

import { LOCAL_URL } from '../../client/local-url.ts';
import { type AccessRule, encodeAccessRule, needsToken } from '../declaration/access.ts';
import type { FunctionDeclaration, ServiceDeclaration } from '../declaration/types.ts';
import {
  COMMON_ERRORS,
  type JsonSchema,
  responseRef,
  sharedComponents,
  USER_POOL_SCHEME,
} from './components.ts';
import { managerOperation, managerSchemas } from './manager-operation.ts';
import {
  errors,
  pascalCase,
  RESOURCE_HANDLERS,
  resourceOperation,
  resourceSchemas,
  toSchema,
} from './resource-operations.ts';

const MANAGER_HANDLER = 'src/handlers/dynamodb-manager.ts';

export interface DocumentOptions {
  /** Where the API is served, e.g. the local system's URL; none in the committed document. */
  readonly serverUrl?: string;
  /** The API's version: the project's package version. */
  readonly version: string;
}

/** `products-create` → `productsCreate`: operation ids are the function names. */
export const operationIdOf = (fn: FunctionDeclaration) =>
  fn.name
    .replace(/-([A-Za-z0-9])/g, (_, c: string) => c.toUpperCase())
    .replace(/^[A-Z]/, (c) => c.toLowerCase());

/**
 * Builds the OpenAPI 3.1 document of these services.
 *
 * @example
 * const doc = buildOpenApiDocument(services, { version: '0.1.0' });
 * doc.paths['/products/{id}'].get.operationId; // 'productsGet'
 */
export function buildOpenApiDocument(services: readonly ServiceDeclaration[], options: DocumentOptions) {
  const components = sharedComponents();
  const paths: Record<string, Record<string, unknown>> = {};
  const tags = services.map((service) => ({ name: service.name, description: describeService(service) }));
  for (const service of services) {
    Object.assign(
      components.schemas,
      service.itemSchema ? resourceSchemas(service) : {},
      service.functions.some((fn) => fn.handler === MANAGER_HANDLER) ? managerSchemas(service) : {},
    );
    for (const fn of service.functions) {
      const operation = describeFunction(service, fn, components.schemas);
      const signedIn = needsToken(fn.access);
      const responses = {
        ...operation.responses,
        ...(signedIn ? { '401': responseRef('Unauthorized') } : {}),
        ...COMMON_ERRORS,
      };
      paths[fn.path] ??= {};
      Object.assign(paths[fn.path] as object, {
        [fn.method.toLowerCase()]: {
          operationId: operationIdOf(fn),
          tags: [service.name],
          ...operation,
          description: [operation.description, `Access: ${describeAccess(fn.access)}.`]
            .filter(Boolean)
            .join('\n\n'),
          security: signedIn ? [{ [USER_POOL_SCHEME]: [] }] : [],
          'x-access': encodeAccessRule(fn.access),
          responses,
        },
      });
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Serverless Microservices',
      version: options.version,
      description:
        'CRUD microservices on API Gateway, Lambda and DynamoDB. Every error is `application/problem+json` ' +
        '(RFC 9457), except the gateway\'s own answers (`{"message": …}`).',
      license: { name: 'UNLICENSED', identifier: 'UNLICENSED' },
    },
    servers: [
      options.serverUrl
        ? { url: options.serverUrl, description: 'This local system' }
        : {
            url: LOCAL_URL,
            description: 'The local system (`npm start`); deployed: the stack output ApiUrl',
          },
    ],
    // Deny by default: every operation needs a token unless it says otherwise (`security: []`).
    security: [{ [USER_POOL_SCHEME]: [] }],
    tags,
    paths,
    components,
  };
}

function describeAccess(rule: AccessRule): string {
  switch (rule.allow) {
    case 'public':
      return 'anyone, no token needed';
    case 'signedIn':
      return 'any signed-in user';
    case 'groups':
      return `members of ${rule.groups.map((group) => `\`${group}\``).join(' or ')} (others get 403)`;
    case 'owner':
      return "the item's owner: each caller sees only their own items (another's is a 404)";
  }
}

function describeService(service: ServiceDeclaration): string {
  return service.itemSchema
    ? `A typed resource: items with ETags, conditional writes, JSON Merge Patch and cursor pages (table ${service.table.name}).`
    : `Service ${service.name} on table ${service.table.name}.`;
}

function describeFunction(
  service: ServiceDeclaration,
  fn: FunctionDeclaration,
  schemas: Record<string, JsonSchema>,
): { responses: Record<string, unknown> } & Record<string, unknown> {
  const kind = RESOURCE_HANDLERS[fn.handler as keyof typeof RESOURCE_HANDLERS];
  if (kind && service.itemSchema) return resourceOperation(service, kind);
  if (fn.handler === MANAGER_HANDLER) return managerOperation(service);
  // Any other function: its declared body, and a JSON answer the declaration does not describe.
  const bodyName = `${pascalCase(fn.name)}Body`;
  if (fn.body) schemas[bodyName] = toSchema(fn.body);
  return {
    summary: `${fn.method} ${fn.path} (function ${fn.name})`,
    ...(fn.body
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: { $ref: `#/components/schemas/${bodyName}` } } },
          },
        }
      : {}),
    responses: {
      '200': { description: 'The function answered.', content: { 'application/json': { schema: {} } } },
      ...errors('400'),
    },
  };
}
