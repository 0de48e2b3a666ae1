// The console's logs: each function's kept log group with `npm run logs`' filters, each line linked
// to its trace, and the stack's saved Logs Insights queries run on the same logs.
import { ACCESS_LOG_GROUP, logGroupOf } from '#local/logs/log-store.ts';
import { type LogEvent, readLogEvents } from '#local/logs/read-logs.ts';
import { traceIdOfRoot, traceIdOfXRay } from '#local/tracing/trace-model.ts';
import { badRequest, ConsoleProblem } from './console-http.ts';

/** A log line as the console shows it. */
export interface LogLine {
  readonly timestamp: number;
  /** The function whose log group holds it, or the folder of another group (`_api-access-log`). */
  readonly function: string;
  readonly level?: string;
  readonly requestId?: string;
  readonly traceId?: string;
  readonly message: string;
  readonly raw: string;
}

const MAX_LINES = 1000;
const FUNCTION_GROUP = '/aws/lambda/';
const TEXT_REQUEST_ID = /RequestId: ([0-9a-f-]{36})/;

const text = (value: unknown): string | undefined => (typeof value === 'string' && value ? value : undefined);

/**
 * The trace id of a line's `xray_trace_id`: Powertools writes the bare root (`1-…-…`), a whole
 * header is read too. The same id as the console's trace of that request, and as an exported one.
 */
function traceIdOfLogged(xray: string | undefined): string | undefined {
  if (xray === undefined) return undefined;
  return xray.includes('=') ? traceIdOfXRay(xray) : traceIdOfRoot(xray);
}

/** The request id a line carries: Powertools', Lambda's platform record's, or a text line's. */
function requestIdOf(fields: Readonly<Record<string, unknown>>, message: string): string | undefined {
  const record = fields.record as Record<string, unknown> | undefined;
  return (
    text(fields.requestId) ??
    text(fields.function_request_id) ??
    text(record?.requestId) ??
    TEXT_REQUEST_ID.exec(message)?.[1]
  );
}

/** Builds console lines, each linked to its trace when the tracer still knows the request. */
export function toLogLine(
  event: Pick<LogEvent, 'timestamp' | 'logGroup' | 'message' | 'fields'>,
  traceIdOf: (requestId: string) => string | undefined,
): LogLine {
  const { fields, message } = event;
  const requestId = requestIdOf(fields, message);
  const traceId =
    (requestId ? traceIdOf(requestId) : undefined) ?? traceIdOfLogged(text(fields.xray_trace_id));
  const level = text(fields.level);
  return {
    timestamp: event.timestamp,
    function: event.logGroup.startsWith(FUNCTION_GROUP)
      ? event.logGroup.slice(FUNCTION_GROUP.length)
      : event.logGroup === ACCESS_LOG_GROUP
        ? '_api-access-log'
        : event.logGroup,
    ...(level ? { level } : {}),
    ...(requestId ? { requestId } : {}),
    ...(traceId ? { traceId } : {}),
    message: text(fields.message) ?? message,
    raw: message,
  };
}

/** A line a function wrote just now, for the live tail (before the store has parsed it). */
export function liveLogLine(
  functionName: string,
  line: string,
  traceIdOf: (requestId: string) => string | undefined,
): LogLine {
  let fields: Record<string, unknown> = {};
  if (line.startsWith('{')) {
    try {
      fields = JSON.parse(line) as Record<string, unknown>;
    } catch {
      fields = {};
    }
  }
  return toLogLine(
    { timestamp: Date.now(), logGroup: logGroupOf(functionName), message: line, fields },
    traceIdOf,
  );
}

function time(value: string | null, name: string): number | undefined {
  if (value === null || value === '') return undefined;
  const at = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(at)) throw badRequest(`${name} is a time: epoch ms or ISO 8601.`);
  return at;
}

export interface LogsQuery {
  readonly params: URLSearchParams;
  readonly logsDir: string | null;
  /** Every id a request is known by (its gateway request id, its Lambda request id). */
  readonly idsOf: (requestId: string) => readonly string[];
  readonly traceIdOf: (requestId: string) => string | undefined;
}

/** The kept lines passing the filters, oldest first, the newest `limit` of them. */
export function queryLogs({ params, logsDir, idsOf, traceIdOf }: LogsQuery): LogLine[] {
  if (!logsDir) throw new ConsoleProblem(409, 'Conflict', 'Logs are not kept with --in-memory.');
  const limit = Number(params.get('limit') ?? 200);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LINES)
    throw badRequest(`limit is 1–${MAX_LINES}.`);
  const since = time(params.get('since'), 'since');
  const until = time(params.get('until'), 'until');
  const fn = params.get('function');
  const level = params.get('level');
  const contains = params.get('text');
  const requestId = params.get('requestId');
  const ids = requestId ? idsOf(requestId) : [];
  const lines = readLogEvents(logsDir, {
    ...(fn ? { functions: [fn] } : {}),
    ...(since !== undefined ? { since } : {}),
    ...(level ? { level } : {}),
    ...(contains ? { contains } : {}),
  })
    .filter((event) => until === undefined || event.timestamp <= until)
    .map((event) => toLogLine(event, traceIdOf))
    .filter((line) => !requestId || ids.some((id) => line.requestId === id || line.raw.includes(id)));
  return lines.slice(-limit);
}

/** The saved queries the stack deploys (loaded on first use: they come with the CDK library). */
export async function savedQueries() {
  const { LOG_QUERIES, REQUEST_ID_PLACEHOLDER } = await import('#infra/observability/log-queries.ts');
  return { queries: LOG_QUERIES, placeholder: REQUEST_ID_PLACEHOLDER };
}

/** Runs a saved query (by name) on the kept logs, as `npm run logs -- --query` does. */
export async function runSavedQuery(
  input: Record<string, unknown>,
  logsDir: string | null,
): Promise<{ rows: unknown[] }> {
  if (!logsDir) throw new ConsoleProblem(409, 'Conflict', 'Logs are not kept with --in-memory.');
  const { queries, placeholder } = await savedQueries();
  const name = input.query;
  const saved = typeof name === 'string' ? queries[name] : undefined;
  if (!saved) throw badRequest(`query names a saved query: ${Object.keys(queries).join(', ')}.`);
  const requestId = typeof input.requestId === 'string' ? input.requestId : '';
  const filterStatements = saved.query.filterStatements?.map((statement) => {
    if (statement.includes(placeholder) && !requestId) throw badRequest(`${name} needs requestId.`);
    return statement.replaceAll(placeholder, requestId);
  });
  const since = time(
    typeof input.since === 'string' || typeof input.since === 'number' ? String(input.since) : null,
    'since',
  );
  const { runInsightsQuery } = await import('#local/logs/insights-query.ts');
  const events = readLogEvents(logsDir, since === undefined ? {} : { since });
  return {
    rows: runInsightsQuery({ ...saved.query, ...(filterStatements ? { filterStatements } : {}) }, events),
  };
}
