// Builds the REST API (v1) Lambda proxy event from an HTTP request, field for field as AWS does
// for a method with no authorizer, no API key and no client certificate. The reference shapes are
// the events captured from AWS in test/fixtures/apigw-rest/.
import type {
  APIGatewayEventIdentity,
  APIGatewayEventRequestContext,
  APIGatewayProxyEvent,
} from 'aws-lambda';
import { LOCAL_ACCOUNT_ID } from '#local/local-account.ts';
import { type ApiIds, type RequestIds, resourceIdOf } from './request-ids.ts';

/** An HTTP request as the gateway received it. */
export interface IncomingRequest {
  readonly method: string;
  /** Path as sent, still percent-encoded, without the query string. */
  readonly path: string;
  /** Query string as sent, without the `?` ('' when there is none). */
  readonly query: string;
  /** Header lines as sent, names in the client's case: name, value, name, value… (Node's `req.rawHeaders`). */
  readonly rawHeaders: readonly string[];
  readonly body: Buffer;
  readonly sourceIp: string;
  /** The port the gateway listens on, reported as `X-Forwarded-Port`. */
  readonly port: number;
}

export interface EventContext {
  /** Resource template that matched, e.g. `/products/{id}`. */
  readonly resource: string;
  readonly pathParameters: Readonly<Record<string, string>> | null;
  readonly stage: string;
  /**
   * What the client's URL had before the resource path, which AWS keeps in `requestContext.path`:
   * `/local` when the URL named the stage, as an execute-api URL does (`/local/products`), or ''
   * for a URL without it, as on a custom domain mapped to the stage (`/products`).
   */
  readonly basePath: string;
  readonly api: ApiIds;
  readonly ids: RequestIds;
  readonly receivedAt: Date;
  /** The API's `binaryMediaTypes`; none by default, as on a REST API nobody configured. */
  readonly binaryMediaTypes: readonly string[];
  /** The verified token's claims, as strings, when the method has a Cognito authorizer. */
  readonly claims?: Readonly<Record<string, string>>;
}

// AWS leaves out `authorizer`, `apiKey`, `apiKeyId` and `clientCert` when no authorizer, API key or
// mTLS is configured, although @types/aws-lambda declares them; this type is what really arrives
// (plus a `deploymentId`, which AWS sends and the types do not know).
type SentIdentity = Omit<APIGatewayEventIdentity, 'apiKey' | 'apiKeyId' | 'clientCert' | 'vpcId' | 'vpceId'>;
type SentRequestContext = Omit<APIGatewayEventRequestContext, 'authorizer' | 'identity'> & {
  identity: SentIdentity;
  /** Only on a method with a Cognito authorizer: the token's claims. */
  authorizer?: { claims: Record<string, string> };
};
type SentProxyEvent = Omit<APIGatewayProxyEvent, 'requestContext'> & { requestContext: SentRequestContext };

// Hop-by-hop and framing headers API Gateway never passes to an integration.
const DROPPED_HEADERS = new Set([
  'connection',
  'content-length',
  'content-md5',
  'expect',
  'max-forwards',
  'proxy-authenticate',
  'server',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'www-authenticate',
]);
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * Builds the proxy event for one request. `path` and `pathParameters` stay percent-encoded and
 * query strings are decoded (see match-route.ts). Single-value maps keep the last value. `body` is
 * UTF-8 text unless the request's Content-Type matches `binaryMediaTypes`; then it is base64 and
 * `isBase64Encoded` is true. With no binary media types (the default) bytes that are not UTF-8
 * are replaced by U+FFFD, as a text body would be on AWS.
 *
 * @example
 * const event = toProxyEvent(request, { resource: '/products/{id}', pathParameters: { id: 'a1' }, stage: 'local',
 *   basePath: '/local', api: newApiIds(), ids: newRequestIds(new Date()), receivedAt: new Date(), binaryMediaTypes: [] });
 * event.path; // '/products/a1'
 * event.requestContext.path; // '/local/products/a1'
 */
export function toProxyEvent(request: IncomingRequest, context: EventContext): APIGatewayProxyEvent {
  const lines = headerLines(request, context.ids.traceId);
  const contentType = lastValue(lines, 'content-type');
  const domainName = hostName(lastValue(lines, 'host'));
  const binary = matchesBinaryMediaType(contentType, context.binaryMediaTypes);
  const query = [...new URLSearchParams(request.query)];
  const event: SentProxyEvent = {
    resource: context.resource,
    path: request.path,
    httpMethod: request.method,
    headers: Object.fromEntries(lines),
    multiValueHeaders: groupValues(lines),
    queryStringParameters: query.length ? Object.fromEntries(query) : null,
    multiValueQueryStringParameters: query.length ? groupValues(query) : null,
    pathParameters: context.pathParameters && { ...context.pathParameters },
    stageVariables: null,
    requestContext: requestContextOf(request, context, lastValue(lines, 'user-agent') ?? null, domainName),
    body: request.body.length === 0 ? null : request.body.toString(binary ? 'base64' : 'utf8'),
    isBase64Encoded: request.body.length > 0 && binary,
  };
  // The one cast: the declared type claims keys AWS does not send (see SentProxyEvent).
  return event as APIGatewayProxyEvent;
}

// Keys in the order AWS sends them, so a logged event reads like one from the cloud.
function requestContextOf(
  request: IncomingRequest,
  context: EventContext,
  userAgent: string | null,
  domainName: string,
): SentRequestContext {
  const sent = {
    resourceId: resourceIdOf(context.resource),
    ...(context.claims ? { authorizer: { claims: { ...context.claims } } } : {}),
    resourcePath: context.resource,
    httpMethod: request.method,
    extendedRequestId: context.ids.extendedRequestId,
    requestTime: formatRequestTime(context.receivedAt),
    path: `${context.basePath}${request.path}`,
    accountId: LOCAL_ACCOUNT_ID,
    protocol: 'HTTP/1.1',
    stage: context.stage,
    domainPrefix: domainName.split('.')[0] ?? domainName,
    requestTimeEpoch: context.receivedAt.getTime(),
    requestId: context.ids.requestId,
    identity: {
      cognitoIdentityPoolId: null,
      accountId: null,
      cognitoIdentityId: null,
      caller: null,
      sourceIp: request.sourceIp,
      principalOrgId: null,
      accessKey: null,
      cognitoAuthenticationType: null,
      cognitoAuthenticationProvider: null,
      userArn: null,
      userAgent,
      user: null,
    },
    domainName,
    deploymentId: context.api.deploymentId,
    apiId: context.api.apiId,
  } satisfies SentRequestContext & { deploymentId: string };
  return sent;
}

/** `17/Jun/2024:14:48:13 +0000`: the CLF-style UTC timestamp of `requestContext.requestTime`. */
export function formatRequestTime(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  const day = `${two(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}`;
  return `${day}:${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} +0000`;
}

/**
 * Whether a media type (a Content-Type or the first Accept value; parameters ignored) is one of the
 * API's binary media types. Entries may use wildcards: `image/*`, `*\/*`.
 */
export function matchesBinaryMediaType(
  mediaType: string | undefined,
  binaryMediaTypes: readonly string[],
): boolean {
  const [type, subtype] = (mediaType?.split(/[;,]/)[0] ?? '').trim().toLowerCase().split('/');
  if (!type || !subtype) return false;
  return binaryMediaTypes.some((entry) => {
    const [t, s] = entry.toLowerCase().split('/');
    return (t === '*' || t === type) && (s === '*' || s === subtype);
  });
}

// Client header lines minus the dropped ones, plus what API Gateway adds on its way in.
function headerLines(request: IncomingRequest, traceId: string): Array<[string, string]> {
  const lines: Array<[string, string]> = [];
  const forwardedFor: string[] = [];
  for (let i = 0; i + 1 < request.rawHeaders.length; i += 2) {
    const name = request.rawHeaders[i] ?? '';
    const value = request.rawHeaders[i + 1] ?? '';
    const lower = name.toLowerCase();
    if (lower === 'x-forwarded-for') forwardedFor.push(value);
    else if (!DROPPED_HEADERS.has(lower) && lower !== 'x-forwarded-port' && lower !== 'x-forwarded-proto') {
      // API Gateway hands the function `Authorization` so spelt whatever case the client sent.
      lines.push([lower === 'authorization' ? 'Authorization' : name, value]);
    }
  }
  if (lastValue(lines, 'x-amzn-trace-id') === undefined) lines.push(['X-Amzn-Trace-Id', traceId]);
  lines.push(['X-Forwarded-For', [...forwardedFor, request.sourceIp].join(', ')]);
  lines.push(['X-Forwarded-Port', String(request.port)]);
  lines.push(['X-Forwarded-Proto', 'http']);
  return lines;
}

function lastValue(lines: ReadonlyArray<readonly [string, string]>, lowerName: string): string | undefined {
  return lines.findLast(([name]) => name.toLowerCase() === lowerName)?.[1];
}

function groupValues(pairs: ReadonlyArray<readonly [string, string]>): Record<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const [name, value] of pairs) groups.set(name, [...(groups.get(name) ?? []), value]);
  return Object.fromEntries(groups);
}

// `127.0.0.1:3000` → `127.0.0.1`; `[::1]:3000` → `[::1]`: domainName never carries the port on AWS.
function hostName(host: string | undefined): string {
  if (!host) return 'localhost';
  return host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : (host.split(':')[0] ?? host);
}
