// The stage's gateway responses: how API Gateway answers the errors it produces itself (a body
// that fails its model, an unknown route, throttling, a failed integration). The stack deploys
// these definitions and the local gateway renders them with `renderGatewayTemplate`, as API
// Gateway does: plain `$context` substitution, not VTL. The table of API Gateway's own answers
// (status, error type, message, default body) lives here too, so the stack (the web ACL's 429)
// and the local gateway read one set of facts.
import { MEDIA_TYPES } from './api-settings.ts';

/** A gateway response as the stack deploys it: static header values, templates by media type. */
export interface GatewayResponseDefinition {
  /** API Gateway's response type, e.g. `BAD_REQUEST_BODY`, `UNAUTHORIZED`, `DEFAULT_4XX`. */
  readonly type: 'BAD_REQUEST_BODY' | 'UNAUTHORIZED' | 'DEFAULT_4XX' | 'DEFAULT_5XX';
  /** Overrides the status of the errors of this type; absent keeps each error's own. */
  readonly statusCode?: number;
  /** Header name → literal value (the stack quotes it for CloudFormation). */
  readonly headers: Readonly<Record<string, string>>;
  /** Body template by the media type the client accepts; `application/json` when nothing matches. */
  readonly templates: Readonly<Record<string, string>>;
}

/**
 * The body API Gateway answers with when a request body fails its model, in the project's
 * problem+json shape (RFC 9457); the handlers' own 400s carry the same fields plus `errors`.
 * `instance` is the request id (a UUID on REST APIs) as a URN, as the handlers write it.
 *
 * `detail` is `$context.error.messageString` ("Invalid request body"), which AWS documents as the
 * quoted value of the message, so it is a JSON string whatever it holds. The validator's own
 * reasons (`$context.error.validationErrorString`) cannot go in the body: gateway response
 * templates are plain substitution, with no `$util.escapeJavaScript`, and those reasons carry
 * double quotes (`[object has missing required properties (["name","price"])]`), which would end
 * the JSON string early. They stay in the stage's execution log (INFO), one line per refusal.
 */
export const BAD_REQUEST_BODY_TEMPLATE =
  '{"type":"about:blank","title":"Bad Request","status":400,"detail":$context.error.messageString,"instance":"urn:uuid:$context.requestId"}';
/** API Gateway's own default error body, written out so that CORS headers can go with it. */
export const DEFAULT_ERROR_TEMPLATE = '{"message":$context.error.messageString}';

/**
 * The gateway's own answers: API Gateway's response type, status, `x-amzn-ErrorType`, the message
 * its templates see as `$context.error.messageString`, and the body it answers when the stage
 * customises nothing.
 */
export const GATEWAY_RESPONSES = {
  /** Unknown path, or a method the resource does not declare. */
  missingAuthenticationToken: {
    responseType: 'MISSING_AUTHENTICATION_TOKEN',
    statusCode: 403,
    errorType: 'MissingAuthenticationTokenException',
    message: 'Missing Authentication Token',
    body: '{"message":"Missing Authentication Token"}',
  },
  /** A route whose access rule needs a token, called without a valid one (the Cognito authorizer's 401). */
  unauthorized: {
    responseType: 'UNAUTHORIZED',
    statusCode: 401,
    errorType: 'UnauthorizedException',
    message: 'Unauthorized',
    body: '{"message":"Unauthorized"}',
  },
  /** A body that fails the method's model. */
  badRequestBody: {
    responseType: 'BAD_REQUEST_BODY',
    statusCode: 400,
    errorType: 'BadRequestException',
    message: 'Invalid request body',
    body: '{"message": "Invalid request body"}',
  },
  /** Over the stage's throttling rate and burst. */
  throttled: {
    responseType: 'THROTTLED',
    statusCode: 429,
    errorType: 'TooManyRequestsException',
    message: 'Too Many Requests',
    body: '{"message":"Too Many Requests"}',
  },
  /** The event is over Lambda's 6 MB invoke limit (captured on AWS: 413, BadRequestException). */
  lambdaRequestTooLong: {
    responseType: 'REQUEST_TOO_LARGE',
    statusCode: 413,
    errorType: 'BadRequestException',
    message: 'Request Too Long',
    body: '{"message": "Request Too Long"}',
  },
  /** Malformed proxy result, function error or crash, or a result over Lambda's 6 MB limit. */
  integrationFailure: {
    responseType: 'INTEGRATION_FAILURE',
    statusCode: 502,
    errorType: 'InternalServerErrorException',
    message: 'Internal server error',
    body: '{"message": "Internal server error"}',
  },
  /** The integration timeout passed before the function answered. */
  integrationTimeout: {
    responseType: 'INTEGRATION_TIMEOUT',
    statusCode: 504,
    errorType: 'InternalServerErrorException',
    message: 'Endpoint request timed out',
    body: '{"message": "Endpoint request timed out"}',
  },
  /** A configuration error (a base64 body that does not decode), or the local gateway failing itself. */
  internalServerError: {
    responseType: 'API_CONFIGURATION_ERROR',
    statusCode: 500,
    errorType: 'InternalServerErrorException',
    message: 'Internal server error',
    body: '{"message": "Internal server error"}',
  },
} as const;

export type GatewayResponseType = keyof typeof GATEWAY_RESPONSES;

/**
 * The Cognito authorizer's refusal (no `Authorization` header, or a token that is malformed,
 * expired, or not from the pool): status 401 and, rendered from {@link DEFAULT_ERROR_TEMPLATE},
 * AWS's own body `{"message":"Unauthorized"}`, with the `x-amzn-ErrorType` `UnauthorizedException`.
 */
export const UNAUTHORIZED = {
  statusCode: GATEWAY_RESPONSES.unauthorized.statusCode,
  message: GATEWAY_RESPONSES.unauthorized.message,
} as const;

/**
 * The gateway responses of a stage allowing `corsOrigins`. Errors API Gateway answers itself carry
 * CORS too, so a browser can read them; with several allowed origins no single static value fits,
 * so only the problem+json 400 is customised and the browser sees the other errors as opaque.
 * The authorizer's 401 (`UNAUTHORIZED`) is spelled out, AWS's status and body unchanged, so that
 * its CORS header cannot come loose from `DEFAULT_4XX`'s.
 *
 * @example
 * gatewayResponses(['*'])[2];
 * // { type: 'DEFAULT_4XX', headers: { 'Access-Control-Allow-Origin': '*' }, templates: { 'application/json': … } }
 */
export function gatewayResponses(corsOrigins: readonly string[]): readonly GatewayResponseDefinition[] {
  const origin: Record<string, string> =
    corsOrigins.length === 1 && corsOrigins[0] ? { 'Access-Control-Allow-Origin': corsOrigins[0] } : {};
  const badRequestBody: GatewayResponseDefinition = {
    type: 'BAD_REQUEST_BODY',
    statusCode: 400,
    headers: { 'Content-Type': MEDIA_TYPES.problem, ...origin },
    templates: {
      [MEDIA_TYPES.json]: BAD_REQUEST_BODY_TEMPLATE,
      [MEDIA_TYPES.problem]: BAD_REQUEST_BODY_TEMPLATE,
    },
  };
  if (corsOrigins.length !== 1) return [badRequestBody];
  const defaults = (['DEFAULT_4XX', 'DEFAULT_5XX'] as const).map(
    (type): GatewayResponseDefinition => ({
      type,
      headers: origin,
      templates: { [MEDIA_TYPES.json]: DEFAULT_ERROR_TEMPLATE },
    }),
  );
  const unauthorized: GatewayResponseDefinition = {
    type: 'UNAUTHORIZED',
    statusCode: UNAUTHORIZED.statusCode,
    headers: origin,
    templates: { [MEDIA_TYPES.json]: DEFAULT_ERROR_TEMPLATE },
  };
  return [badRequestBody, unauthorized, ...defaults];
}

/** The values a gateway response template can substitute (AWS's `$context.error.*` and the request id). */
export interface GatewayTemplateValues {
  /** `$context.error.message`: API Gateway's own message for the error, e.g. `Invalid request body`. */
  readonly message: string;
  /** `$context.error.responseType`, e.g. `BAD_REQUEST_BODY`. */
  readonly responseType: string;
  /** `$context.error.validationErrorString`: the body validator's reasons, as it wrote them. */
  readonly validationErrorString?: string;
  /** `$context.requestId`. */
  readonly requestId: string;
}

// Longest names first, so `$context.error.messageString` is never read as `$context.error.message`.
const TEMPLATE_VARIABLE =
  /\$context\.(error\.messageString|error\.message|error\.validationErrorString|error\.responseType|requestId)/g;

/**
 * A gateway response body, rendered as API Gateway renders it: each variable replaced once, in one
 * pass, by its value as is, except `$context.error.messageString`, which is the message quoted as
 * a JSON string. Nothing is escaped for the template's format: a variable inside a JSON string
 * must be one that cannot hold a double quote (see {@link BAD_REQUEST_BODY_TEMPLATE}).
 *
 * @example
 * renderGatewayTemplate('{"message":$context.error.messageString}', { message: 'Unauthorized', responseType: 'UNAUTHORIZED', requestId: 'r1' });
 * // '{"message":"Unauthorized"}'
 */
export function renderGatewayTemplate(template: string, values: GatewayTemplateValues): string {
  return template.replace(TEMPLATE_VARIABLE, (_, name: string) => {
    switch (name) {
      case 'error.messageString':
        return JSON.stringify(values.message);
      case 'error.message':
        return values.message;
      case 'error.validationErrorString':
        return values.validationErrorString ?? '';
      case 'error.responseType':
        return values.responseType;
      default:
        return values.requestId;
    }
  });
}
