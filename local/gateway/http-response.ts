// The HTTP answer the gateway writes, and the headers API Gateway puts on every answer of its own.
import type { RequestIds } from './request-ids.ts';

/** One header line: name and value. */
export type HeaderLine = readonly [name: string, value: string];

export interface HttpResponse {
  readonly statusCode: number;
  /** Header lines in sending order; a name may repeat (e.g. Set-Cookie from `multiValueHeaders`). */
  readonly headers: readonly HeaderLine[];
  readonly body: Buffer;
}

/**
 * Adds what API Gateway sends with every answer: `Date`, `Content-Length` (not on 204 and 304,
 * RFC 9110 §8.6), the request ids and, for `withTrace`, the X-Ray trace id.
 */
export function withGatewayHeaders(
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
