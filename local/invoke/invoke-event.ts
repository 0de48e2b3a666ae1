// The event `npm run invoke` hands a function: built by the gateway's own code (routing and
// toProxyEvent), from a method, a path, a body and headers, with the authorizer claims a token of
// the local user pool gives — the event the same request through `npm start` would produce.
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { RouteBinding } from '#local/contracts.ts';
import { createRouter } from '#local/gateway/match-route.ts';
import { newApiIds, newRequestIds } from '#local/gateway/request-ids.ts';
import { toProxyEvent } from '#local/gateway/to-proxy-event.ts';
import { MEDIA_TYPES } from '#src/declaration/api-settings.ts';

export interface RequestToBuild {
  readonly functionName: string;
  readonly method: string;
  /** The request's path and query, e.g. `/products/p1?fields=name`. */
  readonly path: string;
  readonly body?: string;
  /** Extra header lines, `Name: value`. */
  readonly headers?: readonly string[];
  /** The token sent as `Authorization`, when a user was named. */
  readonly token?: string;
  /** The claims the gateway's authorizer got from that token. */
  readonly claims?: Readonly<Record<string, string>>;
  readonly stage: string;
  /** The port the gateway would have received it on (`X-Forwarded-Port`). */
  readonly port: number;
}

/**
 * The proxy event of a request to `functionName`'s route. Throws, naming the route that would
 * serve it, when the method and path reach another function or none.
 */
export function buildInvokeEvent(
  routes: readonly RouteBinding[],
  request: RequestToBuild,
): APIGatewayProxyEvent {
  const [rawPath = '/', query = ''] = splitOnce(request.path, '?');
  if (/[{}]/.test(rawPath))
    throw new Error(
      `--path takes a real path, not a template: e.g. ${rawPath.replace(/\{[^}]+\}/g, 'p1')} for ${rawPath}`,
    );
  const match = createRouter(routes)(request.method, rawPath);
  const own = routes.filter((route) => route.functionName === request.functionName);
  const served = own.map((route) => `${route.method} ${route.resource}`).join(', ');
  if (match.kind !== 'integration')
    throw new Error(
      `No route answers ${request.method} ${rawPath}; ${request.functionName} serves ${served}`,
    );
  if (match.binding.functionName !== request.functionName)
    throw new Error(
      `${request.method} ${rawPath} is served by ${match.binding.functionName}, not ${request.functionName} (${served})`,
    );
  const headers: string[] = [
    'Host',
    `127.0.0.1:${request.port}`,
    'User-Agent',
    'npm-run-invoke',
    'Accept',
    '*/*',
  ];
  if (request.body !== undefined) headers.push('Content-Type', MEDIA_TYPES.json);
  if (request.token) headers.push('Authorization', request.token);
  for (const line of request.headers ?? []) {
    const [name = '', value = ''] = splitOnce(line, ':');
    if (!name.trim()) throw new Error(`--header takes "Name: value", not "${line}"`);
    // A header given replaces the default of the same name.
    for (let i = headers.length - 2; i >= 0; i -= 2)
      if (headers[i]?.toLowerCase() === name.trim().toLowerCase()) headers.splice(i, 2);
    headers.push(name.trim(), value.trim());
  }
  const now = new Date();
  return toProxyEvent(
    {
      method: request.method,
      path: rawPath,
      query,
      rawHeaders: headers,
      body: Buffer.from(request.body ?? '', 'utf8'),
      sourceIp: '127.0.0.1',
      port: request.port,
    },
    {
      resource: match.binding.resource,
      pathParameters: match.pathParameters,
      stage: request.stage,
      basePath: '',
      api: newApiIds(),
      ids: newRequestIds(now),
      receivedAt: now,
      binaryMediaTypes: [],
      ...(request.claims ? { claims: request.claims } : {}),
    },
  );
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + separator.length)];
}
