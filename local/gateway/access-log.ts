// The local stage's access log: the deployed format (src/declaration/access-log.ts), one JSON
// object per answered request, with the values API Gateway would substitute ("-" when empty).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ACCESS_LOG_FORMAT, type AccessLogVariable } from '#src/declaration/access-log.ts';
import { formatRequestTime } from './to-proxy-event.ts';

/** What the gateway learns about a request while handling it, beyond what the HTTP exchange shows. */
export interface AccessTrace {
  resourcePath?: string;
  integrationLatencyMs?: number;
  integrationStatus?: number;
  errorType?: string;
  errorMessage?: string;
  /** The headers the gateway answered with (written in one go, so `getHeader` cannot see them). */
  responseHeaders?: readonly (readonly [string, string])[];
}

const traces = new WeakMap<ServerResponse, AccessTrace>();

/** The trace of a response, created on first use; the gateway notes facts on it as it goes. */
export function traceOf(res: ServerResponse): AccessTrace {
  let trace = traces.get(res);
  if (!trace) {
    trace = {};
    traces.set(res, trace);
  }
  return trace;
}

/**
 * Writes one access-log line through `write` once the response has been sent.
 *
 * @example
 * server.on('request', (req, res) => logAccess(req, res, (line) => store.write(ACCESS_LOG_GROUP, line)));
 */
export function logAccess(req: IncomingMessage, res: ServerResponse, write: (line: string) => void): void {
  const receivedAt = new Date();
  const started = performance.now();
  res.once('finish', () => {
    const trace = traceOf(res);
    const header = (name: string) => {
      const lower = name.toLowerCase();
      const line = trace.responseHeaders?.find(([key]) => key.toLowerCase() === lower);
      const value = line ? line[1] : res.getHeader(name);
      return value === undefined ? undefined : String(value);
    };
    const values: Partial<Record<AccessLogVariable, string | number | undefined>> = {
      '$context.requestId': header('x-amzn-RequestId'),
      '$context.extendedRequestId': header('x-amz-apigw-id'),
      '$context.identity.sourceIp': req.socket.remoteAddress,
      '$context.identity.userAgent': req.headers['user-agent'],
      '$context.requestTime': formatRequestTime(receivedAt),
      '$context.requestTimeEpoch': receivedAt.getTime(),
      '$context.httpMethod': req.method,
      '$context.resourcePath': trace.resourcePath,
      '$context.path': req.url?.split('?')[0],
      '$context.protocol': `HTTP/${req.httpVersion}`,
      '$context.status': res.statusCode,
      '$context.responseLength': header('content-length'),
      '$context.responseLatency': Math.round(performance.now() - started),
      '$context.integrationLatency':
        trace.integrationLatencyMs === undefined ? undefined : Math.round(trace.integrationLatencyMs),
      '$context.integrationStatus': trace.integrationStatus,
      '$context.error.responseType': trace.errorType,
      '$context.error.message': trace.errorMessage,
      '$context.xrayTraceId': header('x-amzn-trace-id'),
    };
    const entry = Object.fromEntries(
      Object.entries(ACCESS_LOG_FORMAT).map(([field, variable]) => {
        const value = values[variable];
        return [field, value === undefined || value === '' ? '-' : String(value)];
      }),
    );
    write(JSON.stringify(entry));
  });
}
