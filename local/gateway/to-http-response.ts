// Builds the HTTP response API Gateway sends from a function's validated result. The gateway's own
// answers are in gateway-responses.ts.
import { gatewayResponse, type StageResponses } from './gateway-responses.ts';
import { type HeaderLine, type HttpResponse, withGatewayHeaders } from './http-response.ts';
import type { RequestIds } from './request-ids.ts';
import { matchesBinaryMediaType } from './to-proxy-event.ts';
import type { ProxyResult } from './validate-proxy-result.ts';

export interface ResponseContext {
  readonly ids: RequestIds;
  /** The request's Accept header: API Gateway decodes a base64 body only if its first type is binary. */
  readonly accept: string | undefined;
  readonly binaryMediaTypes: readonly string[];
  readonly now: Date;
  /** The stage's gateway responses, for the 500 of a result that cannot be decoded. */
  readonly stage?: StageResponses;
}

// Set by the gateway itself; a function's own values for these are moved aside or dropped.
const REMAPPED = new Map(
  ['Connection', 'Content-Length', 'Date', 'Server'].map((name) => [name.toLowerCase(), name]),
);
const GATEWAY_OWNED = new Set(['transfer-encoding', 'x-amzn-requestid', 'x-amz-apigw-id', 'x-amzn-trace-id']);
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Turns a validated function result into the HTTP response. `headers` and `multiValueHeaders` are
 * merged; a name in both (any case) is sent with every value, the multi-value ones first and under
 * the spelling of `multiValueHeaders`, as a comparison with recorded AWS responses showed.
 * Content-Type defaults to `application/json`. A function's `Connection`,
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
  for (const [name, values] of Object.entries(result.multiValueHeaders)) {
    merged.set(name.toLowerCase(), [name, [...values]]);
  }
  // A name in both keeps both: the multi-value ones first, under multiValueHeaders' spelling.
  for (const [name, value] of Object.entries(result.headers)) {
    const multi = merged.get(name.toLowerCase());
    if (multi) multi[1].push(value);
    else merged.set(name.toLowerCase(), [name, [value]]);
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
    return gatewayResponse('internalServerError', context.ids, context.now, context.stage);
  }
  const body = Buffer.from(result.body, binary ? 'base64' : 'utf8');
  return withGatewayHeaders(result.statusCode, lines, body, context.ids, context.now, true);
}
