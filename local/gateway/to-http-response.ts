// Builds the HTTP response API Gateway sends: from a function's validated result, or one of the
// gateway's own error responses. Status codes, bodies and headers below are as captured from
// deployed REST APIs (e.g. the 502 body is 36 bytes: `{"message": "Internal server error"}`).
import type { RequestIds } from './request-ids.ts';
import { matchesBinaryMediaType } from './to-proxy-event.ts';
import type { ProxyResult } from './validate-proxy-result.ts';

/** One header line: name and value. */
export type HeaderLine = readonly [name: string, value: string];

export interface HttpResponse {
  readonly statusCode: number;
  /** Header lines in sending order; a name may repeat (e.g. Set-Cookie from `multiValueHeaders`). */
  readonly headers: readonly HeaderLine[];
  readonly body: Buffer;
}

export interface ResponseContext {
  readonly ids: RequestIds;
  /** The request's Accept header: API Gateway decodes a base64 body only if its first type is binary. */
  readonly accept: string | undefined;
  readonly binaryMediaTypes: readonly string[];
  readonly now: Date;
}

/** The gateway's own answers, each with AWS's status, `x-amzn-ErrorType` and exact body. */
export const GATEWAY_RESPONSES = {
  /** Unknown path, or a method the resource does not declare. */
  missingAuthenticationToken: {
    statusCode: 403,
    errorType: 'MissingAuthenticationTokenException',
    body: '{"message":"Missing Authentication Token"}',
  },
  /** The event is over Lambda's 6 MB invoke limit (captured on AWS: 413, BadRequestException). */
  lambdaRequestTooLong: {
    statusCode: 413,
    errorType: 'BadRequestException',
    body: '{"message": "Request Too Long"}',
  },
  /** Malformed proxy result, function error or crash, or a result over Lambda's 6 MB limit. */
  integrationFailure: {
    statusCode: 502,
    errorType: 'InternalServerErrorException',
    body: '{"message": "Internal server error"}',
  },
  /** The integration timeout passed before the function answered. */
  integrationTimeout: {
    statusCode: 504,
    errorType: 'InternalServerErrorException',
    body: '{"message": "Endpoint request timed out"}',
  },
  /** A configuration error (a base64 body that does not decode), or the local gateway failing itself. */
  internalServerError: {
    statusCode: 500,
    errorType: 'InternalServerErrorException',
    body: '{"message": "Internal server error"}',
  },
} as const;

export type GatewayResponseType = keyof typeof GATEWAY_RESPONSES;

// Set by the gateway itself; a function's own values for these are moved aside or dropped.
const REMAPPED = new Map(
  ['Connection', 'Content-Length', 'Date', 'Server'].map((name) => [name.toLowerCase(), name]),
);
const GATEWAY_OWNED = new Set(['transfer-encoding', 'x-amzn-requestid', 'x-amz-apigw-id', 'x-amzn-trace-id']);
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
// CDK's `defaultCorsPreflightOptions` with `allowOrigins: Cors.ALL_ORIGINS` and its default headers and methods.
const PREFLIGHT_HEADERS: readonly HeaderLine[] = [
  [
    'Access-Control-Allow-Headers',
    'Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token,X-Amz-User-Agent',
  ],
  ['Access-Control-Allow-Origin', '*'],
  ['Access-Control-Allow-Methods', 'OPTIONS,GET,PUT,POST,DELETE,PATCH,HEAD'],
];

/**
 * Turns a validated function result into the HTTP response. `headers` and `multiValueHeaders` are
 * merged, a name in `multiValueHeaders` replacing the same name (any case) in `headers`, as AWS
 * documents. Content-Type defaults to `application/json`. A function's `Connection`,
 * `Content-Length`, `Date` and `Server` come out as `x-amzn-Remapped-<name>`. A base64 body is
 * decoded only when the request's first Accept type is one of the API's binary media types;
 * otherwise the client gets the base64 text, exactly as from a REST API without binary support.
 *
 * @example
 * toHttpResponse({ statusCode: 201, headers: { Location: '/products/1' }, multiValueHeaders: {}, body: '{}',
 *   isBase64Encoded: false }, { ids, accept: '*\/*', binaryMediaTypes: [], now: new Date() });
 * // → { statusCode: 201, headers: [['Date', …], ['Location', '/products/1'], ['Content-Type', 'application/json'], …] }
 */
export function toHttpResponse(result: ProxyResult, context: ResponseContext): HttpResponse {
  const merged = new Map<string, [string, string[]]>();
  for (const [name, value] of Object.entries(result.headers)) merged.set(name.toLowerCase(), [name, [value]]);
  for (const [name, values] of Object.entries(result.multiValueHeaders)) {
    merged.set(name.toLowerCase(), [name, [...values]]);
  }
  const lines: HeaderLine[] = [];
  for (const [lower, [name, values]] of merged) {
    if (GATEWAY_OWNED.has(lower)) continue;
    const remapped = REMAPPED.get(lower);
    for (const value of values) lines.push([remapped ? `x-amzn-Remapped-${remapped}` : name, value]);
  }
  if (!merged.has('content-type')) lines.push(['Content-Type', 'application/json']);

  const binary = result.isBase64Encoded && matchesBinaryMediaType(context.accept, context.binaryMediaTypes);
  if (binary && !BASE64.test(result.body)) {
    return gatewayResponse('internalServerError', context.ids, context.now);
  }
  const body = Buffer.from(result.body, binary ? 'base64' : 'utf8');
  return withGatewayHeaders(result.statusCode, lines, body, context.ids, context.now, true);
}

/**
 * One of the gateway's own error responses, with `Content-Type: application/json`.
 *
 * @example
 * gatewayResponse('missingAuthenticationToken', ids, new Date()).statusCode; // 403
 */
export function gatewayResponse(type: GatewayResponseType, ids: RequestIds, now: Date): HttpResponse {
  const { statusCode, errorType, body } = GATEWAY_RESPONSES[type];
  const lines: HeaderLine[] = [
    ['Content-Type', 'application/json'],
    ['x-amzn-ErrorType', errorType],
  ];
  // Captured 504s carry a trace id; the other gateway responses do not.
  return withGatewayHeaders(statusCode, lines, Buffer.from(body), ids, now, type === 'integrationTimeout');
}

/** The answer to OPTIONS on a declared resource: what CDK's CORS preflight mock integration returns. */
export function preflightResponse(ids: RequestIds, now: Date): HttpResponse {
  const lines: HeaderLine[] = [['Content-Type', 'application/json'], ...PREFLIGHT_HEADERS];
  return withGatewayHeaders(204, lines, Buffer.alloc(0), ids, now, false);
}

/**
 * The 413 for a request body over the payload limit. AWS rejects it at the front door, before API
 * Gateway proper: plain text, no request id (captured: `HTTP content length exceeded 10485760 bytes.`).
 */
export function contentLengthExceededResponse(limitBytes: number, now: Date): HttpResponse {
  const body = Buffer.from(`HTTP content length exceeded ${limitBytes} bytes.`);
  const headers: HeaderLine[] = [
    ['Date', now.toUTCString()],
    ['Content-Type', 'text; charset=utf-8'],
    ['Content-Length', String(body.length)],
  ];
  return { statusCode: 413, headers, body };
}

function withGatewayHeaders(
  statusCode: number,
  lines: readonly HeaderLine[],
  body: Buffer,
  ids: RequestIds,
  now: Date,
  withTrace: boolean,
): HttpResponse {
  // 204 and 304 responses have no body, so no Content-Length either (RFC 9110 §8.6).
  const bodyless = statusCode === 204 || statusCode === 304;
  const headers: HeaderLine[] = [['Date', now.toUTCString()], ...lines];
  if (!bodyless) headers.push(['Content-Length', String(body.length)]);
  headers.push(['x-amzn-RequestId', ids.requestId], ['x-amz-apigw-id', ids.extendedRequestId]);
  if (withTrace) headers.push(['X-Amzn-Trace-Id', ids.traceId]);
  return { statusCode, headers, body: bodyless ? Buffer.alloc(0) : body };
}
