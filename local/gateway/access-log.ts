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
  /** The headers the gateway answered with. */
  responseHeaders?: readonly (readonly [string, string])[];
}

const traces = new WeakMap<ServerResponse, AccessTrace>();

/**
 * Where the gateway notes facts about a response as it goes. Only a logged response keeps them;
 * without an access log the notes go to a throwaway object and nothing is kept.
 */
export function traceOf(res: ServerResponse): AccessTrace {
  return traces.get(res) ?? {};
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
  const trace: AccessTrace = {};
  traces.set(res, trace);
  // The gateway writes its headers in one go, where `getHeader` cannot see them: note them here.
  const writeHead = res.writeHead;
  res.writeHead = function writeHeadNoted(this: ServerResponse, ...args: Parameters<typeof writeHead>) {
    const headers = args.find(Array.isArray) as unknown;
    if (Array.isArray(headers)) trace.responseHeaders = pairs(headers as readonly string[]);
    return writeHead.apply(this, args);
  } as typeof writeHead;
  res.once('finish', () => {
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

/** `writeHead`'s flat header list (`[name, value, name, value, …]`) as pairs. */
function pairs(flat: readonly string[]): [string, string][] {
  const result: [string, string][] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) result.push([String(flat[i]), String(flat[i + 1])]);
  return result;
}
