// The parts every operation shares: problem+json, the gateway's own `{"message"}` bodies, the
// response headers and one response object per error status.
import { INTEGRATION_TIMEOUT_SECONDS, MEDIA_TYPES } from '../declaration/api-settings.ts';
import {
  IDEMPOTENCY_EXPIRY_SECONDS,
  IDEMPOTENCY_HEADER,
  IDEMPOTENCY_KEY_PATTERN,
} from '../declaration/idempotency.ts';
import { ID_PATTERN } from '../domain/item.ts';

/** A JSON Schema object as OpenAPI 3.1 embeds it (draft 2020-12). */
export type JsonSchema = Record<string, unknown>;

const ref = (kind: string, name: string) => ({ $ref: `#/components/${kind}/${name}` });
/** A `$ref` to a shared schema. */
export const schemaRef = (name: string) => ref('schemas', name);
/** A `$ref` to a shared response. */
export const responseRef = (name: string) => ref('responses', name);
/** A `$ref` to a shared parameter. */
export const parameterRef = (name: string) => ref('parameters', name);

const schemas = {
  Problem: {
    type: 'object',
    description: 'An RFC 9457 problem. A 5xx says nothing about internals.',
    properties: {
      type: { type: 'string', description: 'A stable URN naming the kind of problem.' },
      title: { type: 'string' },
      status: { type: 'integer', minimum: 400, maximum: 599 },
      detail: { type: 'string' },
      instance: { type: 'string', description: 'Identifies this occurrence (quote it when reporting).' },
      errors: {
        type: 'array',
        description: 'For validation problems: every field that failed.',
        items: schemaRef('FieldError'),
      },
    },
    required: ['type', 'title', 'status', 'detail', 'instance'],
  },
  FieldError: {
    type: 'object',
    properties: {
      path: { type: 'string', description: 'Dotted path of the field, e.g. `tags.3`.' },
      message: { type: 'string' },
    },
    required: ['path', 'message'],
  },
  GatewayMessage: {
    type: 'object',
    description: "API Gateway's own answer (throttling, refused origin, integration failure or timeout).",
    properties: { message: { type: 'string' } },
    required: ['message'],
  },
} as const satisfies Record<string, JsonSchema>;

const headers = {
  ETag: {
    description: 'Strong entity tag of this version of the item; opaque, send it back in `If-Match`.',
    required: true,
    schema: { type: 'string' },
  },
  Location: {
    description: "The new item's URL, with the prefix of the URL the client called.",
    required: true,
    schema: { type: 'string', format: 'uri-reference' },
  },
  RetryAfter: {
    description: 'Seconds to wait before retrying.',
    required: true,
    schema: { type: 'string', pattern: '^[0-9]+$' },
  },
} as const;

// RFC 9457's media type: every error a function answers is one.
const problem = { [MEDIA_TYPES.problem]: { schema: schemaRef('Problem') } };
const gatewayMessage = { 'application/json': { schema: schemaRef('GatewayMessage') } };

// Error statuses; where API Gateway itself may answer too, both bodies are described.
const responses = {
  Unauthorized: {
    description:
      'No valid ID token of the user pool in `Authorization` (missing, expired, forged, or an access token); answered by API Gateway.',
    content: gatewayMessage,
  },
  BadRequest: {
    description: 'The request is malformed or invalid; nothing changed.',
    content: { ...problem, ...gatewayMessage },
  },
  Forbidden: {
    description: 'Refused: an origin or host the API does not serve, or (DynamoDBManager) another table.',
    content: { ...problem, ...gatewayMessage },
  },
  NotFound: { description: 'No item has this id.', content: problem },
  Conflict: { description: 'A condition of the request did not hold.', content: problem },
  IdempotencyKeyInFlight: {
    description:
      'A request with this `Idempotency-Key` is still being processed: retry once it has answered, and get its response.',
    content: problem,
  },
  IdempotencyKeyReused: {
    description: `This \`Idempotency-Key\` was already used with another request body (within ${IDEMPOTENCY_EXPIRY_SECONDS / 3600} h).`,
    content: problem,
  },
  PreconditionFailed: {
    description: '`If-Match` or `If-None-Match` did not hold: someone else wrote first, or the item exists.',
    content: problem,
  },
  PayloadTooLarge: {
    description:
      "The body is over DynamoDB's item limit, Lambda's payload limit, or API Gateway's 10 MB (that one answered by API Gateway in plain text, as `text`).",
    content: { ...problem, ...gatewayMessage, text: { schema: { type: 'string' } } },
  },
  UnsupportedMediaType: {
    description: 'The body is not sent as a media type this operation reads.',
    content: problem,
  },
  TooManyRequests: { description: 'Throttled by the API; retry later.', content: gatewayMessage },
  InternalServerError: {
    description: 'Our fault; the cause is in the log.',
    content: { ...problem, ...gatewayMessage },
  },
  BadGateway: { description: 'The function failed.', content: gatewayMessage },
  ServiceUnavailable: {
    description: 'DynamoDB is overloaded or unavailable; retry after `Retry-After` seconds.',
    headers: { 'Retry-After': { $ref: '#/components/headers/RetryAfter' } },
    content: problem,
  },
  GatewayTimeout: {
    description: `The function did not answer within ${INTEGRATION_TIMEOUT_SECONDS} s.`,
    content: gatewayMessage,
  },
} as const;

/** Error responses every operation may get, from the gateway or from any function. */
export const COMMON_ERRORS = {
  '403': responseRef('Forbidden'),
  '429': responseRef('TooManyRequests'),
  '500': responseRef('InternalServerError'),
  '502': responseRef('BadGateway'),
  '503': responseRef('ServiceUnavailable'),
  '504': responseRef('GatewayTimeout'),
} as const;

const parameters = {
  Id: {
    name: 'id',
    in: 'path',
    required: true,
    description: 'The item id: a ULID when the server chose it, else the id given on PUT.',
    schema: { type: 'string', pattern: ID_PATTERN.source },
  },
  IdempotencyKey: idempotencyKeyParameter(false),
  IfMatch: {
    name: 'If-Match',
    in: 'header',
    description: 'Proceed only if the item is at one of these entity tags (`*`: if it exists).',
    schema: { type: 'string' },
  },
  IfNoneMatch: {
    name: 'If-None-Match',
    in: 'header',
    description: 'Proceed only if the item is at none of these entity tags (`*`: only if it does not exist).',
    schema: { type: 'string' },
  },
} as const;

/**
 * The `Idempotency-Key` request header of a create, optional or required by its declaration (the
 * optional one is the shared component; a required one is written out where it is used).
 */
export function idempotencyKeyParameter(required: boolean) {
  return {
    name: IDEMPOTENCY_HEADER,
    in: 'header',
    required,
    description:
      'Makes the create safe to retry: the same key with the same body within 24 h gets the first ' +
      "response again (no second item). Keys are the caller's own (on a public route, shared by " +
      'every anonymous client: send a random UUID). A quoted key (a Structured Field String) is read without its quotes.',
    schema: { type: 'string', pattern: IDEMPOTENCY_KEY_PATTERN.source },
  };
}

/** The name of the security scheme every non-public operation requires. */
export const USER_POOL_SCHEME = 'userPool';

const securitySchemes = {
  // As API Gateway exports a Cognito user pool authorizer: the raw token in `Authorization`.
  [USER_POOL_SCHEME]: {
    type: 'apiKey',
    in: 'header',
    name: 'Authorization',
    'x-amazon-apigateway-authtype': 'cognito_user_pools',
    description:
      'An ID token of the Cognito user pool the stack creates (locally: `npm run token`), sent as ' +
      'the `Authorization` header. Group and owner rules are checked by the function: a caller ' +
      'outside the groups gets 403, another owner’s item is a 404.',
  },
} as const;

/** The shared `components` section; services add their own schemas to it. */
export function sharedComponents() {
  return {
    schemas: { ...schemas } as Record<string, JsonSchema>,
    headers,
    responses,
    parameters,
    securitySchemes,
  };
}
