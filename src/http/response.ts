import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { MEDIA_TYPES } from '../declaration/api-settings.ts';
import { HttpError, ServiceUnavailableError } from '../domain/errors.ts';

/** What a handler returns: a status, headers and a body that is serialised as JSON. */
export interface HttpResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** Serialised with JSON.stringify; omitted for 204. */
  readonly body?: unknown;
}

/** Problem types are URNs: stable identifiers that do not pretend to be documentation pages. */
const PROBLEM_TYPE_BASE = 'urn:serverless-microservices:problem:';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The problem's `instance`, a URI as RFC 9457 §3.1.5 asks: `urn:uuid:` and the request id
 * (API Gateway's ids are UUIDs, so the log line of the request is found by it); a fresh UUID
 * should an id ever not be one.
 */
export function problemInstance(requestId: string | undefined): string {
  return `urn:uuid:${requestId && UUID.test(requestId) ? requestId.toLowerCase() : randomUUID()}`;
}

/** Serialises a handler's response as a Lambda proxy result. */
export function toProxyResult({ status, headers = {}, body }: HttpResponse): APIGatewayProxyResult {
  const hasBody = body !== undefined && status !== 204 && status !== 304;
  return {
    statusCode: status,
    headers: { ...(hasBody ? { 'Content-Type': 'application/json' } : {}), ...headers },
    body: hasBody ? JSON.stringify(body) : '',
  };
}

/**
 * An `application/problem+json` result (RFC 9457). Below 500 the error's own detail is shown;
 * at 500 and above the body is generic and the cause stays in the log.
 */
export function problemResult(error: unknown, requestId: string | undefined): APIGatewayProxyResult {
  const known = error instanceof HttpError ? error : undefined;
  const status = known?.status ?? 500;
  const exposed = known !== undefined && status < 500;
  const body = {
    // Extensions first: the standard members below always win over a member of the same name.
    ...(exposed && known.extensions ? known.extensions : {}),
    type: `${PROBLEM_TYPE_BASE}${known?.code ?? 'internal-error'}`,
    title: known?.title ?? 'Internal Server Error',
    status,
    detail: exposed
      ? known.message
      : status === 503
        ? 'A service this API depends on is unavailable; retry after the delay in Retry-After.'
        : 'The request could not be completed.',
    instance: problemInstance(requestId),
    ...(exposed && known.errors ? { errors: known.errors } : {}),
  };
  const headers: Record<string, string> = { 'Content-Type': MEDIA_TYPES.problem };
  if (error instanceof ServiceUnavailableError) headers['Retry-After'] = String(error.retryAfterSeconds);
  return { statusCode: status, headers, body: JSON.stringify(body) };
}
