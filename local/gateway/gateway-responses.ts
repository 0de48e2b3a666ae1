// The answers API Gateway gives on its own: its errors (rendered with the stage's gateway
// responses), CORS preflights, and the front door's 413. Bodies, statuses and headers are as
// captured from deployed REST APIs (e.g. AWS's own 502 body is `{"message": "Internal server error"}`).
import { CORS } from '#src/declaration/api-settings.ts';
import {
  GATEWAY_RESPONSES,
  type GatewayResponseDefinition,
  type GatewayResponseType,
  renderGatewayTemplate,
} from '#src/declaration/gateway-responses.ts';
import { type HeaderLine, type HttpResponse, withGatewayHeaders } from './http-response.ts';
import type { RequestIds } from './request-ids.ts';

// The table of facts is the stage's declaration; this module only renders it.
export { GATEWAY_RESPONSES, type GatewayResponseType };

/** How the stage customises its gateway responses, and what the request asked for. */
export interface StageResponses {
  /** The stage's gateway responses (`gatewayResponses(corsOrigins)`); none keeps AWS's defaults. */
  readonly definitions: readonly GatewayResponseDefinition[];
  /** The request's Accept header: it picks the template. */
  readonly accept?: string | undefined;
  /** `$context.error.validationErrorString`, for a body that failed its model. */
  readonly validationErrorString?: string;
}

/**
 * One of the gateway's own error responses, rendered as the stage defines it: the definition of
 * its own type, else the stage's `DEFAULT_4XX`/`DEFAULT_5XX`, else AWS's built-in answer.
 *
 * @example
 * gatewayResponse('missingAuthenticationToken', ids, new Date()).statusCode; // 403
 */
export function gatewayResponse(
  type: GatewayResponseType,
  ids: RequestIds,
  now: Date,
  stage: StageResponses = { definitions: [] },
): HttpResponse {
  const known = GATEWAY_RESPONSES[type];
  const fallback = known.statusCode < 500 ? 'DEFAULT_4XX' : 'DEFAULT_5XX';
  const definition =
    stage.definitions.find((d) => d.type === known.responseType) ??
    stage.definitions.find((d) => d.type === fallback);
  // Captured 504s carry a trace id; the other gateway responses do not.
  const withTrace = type === 'integrationTimeout';
  if (!definition) {
    const lines: HeaderLine[] = [
      ['Content-Type', 'application/json'],
      ['x-amzn-ErrorType', known.errorType],
    ];
    return withGatewayHeaders(known.statusCode, lines, Buffer.from(known.body), ids, now, withTrace);
  }
  const [mediaType, template] = pickTemplate(definition.templates, stage.accept);
  const body = renderGatewayTemplate(template, {
    message: known.message,
    responseType: known.responseType,
    requestId: ids.requestId,
    ...(stage.validationErrorString === undefined
      ? {}
      : { validationErrorString: stage.validationErrorString }),
  });
  const headers = Object.entries(definition.headers);
  const lines: HeaderLine[] = [
    ...(definition.headers['Content-Type'] === undefined ? [['Content-Type', mediaType] as const] : []),
    ...headers,
    ['x-amzn-ErrorType', known.errorType],
  ];
  return withGatewayHeaders(
    definition.statusCode ?? known.statusCode,
    lines,
    Buffer.from(body),
    ids,
    now,
    withTrace,
  );
}

// API Gateway picks the template whose media type the client accepts, else the JSON one.
function pickTemplate(
  templates: Readonly<Record<string, string>>,
  accept: string | undefined,
): [string, string] {
  const accepted = (accept ?? '').split(',').map((part) => part.split(';')[0]?.trim().toLowerCase() ?? '');
  // Own keys only: an Accept of `__proto__` or `constructor` must not pick an inherited property.
  const chosen = accepted.find((type) => Object.hasOwn(templates, type)) ?? 'application/json';
  const template =
    (Object.hasOwn(templates, chosen) ? templates[chosen] : undefined) ?? Object.values(templates)[0] ?? '';
  return [chosen, template];
}

/**
 * The local gateway's refusal of a request from outside this machine (a foreign Host or Origin):
 * no CORS headers, so a browser page on another site cannot read it.
 */
export function refusedResponse(reason: string, ids: RequestIds, now: Date): HttpResponse {
  const body = Buffer.from(JSON.stringify({ message: `Forbidden: ${reason}` }));
  const lines: HeaderLine[] = [
    ['Content-Type', 'application/json'],
    ['x-amzn-ErrorType', 'ForbiddenException'],
  ];
  return withGatewayHeaders(403, lines, body, ids, now, false);
}

/**
 * The answer to OPTIONS on a declared resource: what the mock integration of CDK's
 * `defaultCorsPreflightOptions` returns for the stage's CORS settings. With several allowed
 * origins the first is answered unless the request's Origin is one of the others (CDK's template).
 *
 * @example
 * preflightResponse(ids, new Date(), ['*'], 'http://localhost:5173').statusCode; // 204
 */
export function preflightResponse(
  ids: RequestIds,
  now: Date,
  corsOrigins: readonly string[] = ['*'],
  origin?: string,
): HttpResponse {
  const [first = '*', ...others] = corsOrigins;
  const allowOrigin = origin !== undefined && others.includes(origin) ? origin : first;
  const lines: HeaderLine[] = [
    ['Content-Type', 'application/json'],
    ['Access-Control-Allow-Headers', CORS.allowHeaders.join(',')],
    ['Access-Control-Allow-Origin', allowOrigin],
    ...(first === '*' ? [] : [['Vary', 'Origin'] as const]),
    ['Access-Control-Allow-Methods', CORS.allowMethods.join(',')],
    ['Access-Control-Max-Age', String(CORS.maxAgeSeconds)],
    ['Access-Control-Expose-Headers', CORS.exposeHeaders.join(',')],
  ];
  return withGatewayHeaders(CORS.preflightStatus, lines, Buffer.alloc(0), ids, now, false);
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
