// Lambda's JSON log format, which the stack deploys (`loggingFormat: JSON`): the runtime's text
// lines become JSON documents, and JSON the function writes (Powertools) is kept as it is.
import { CONSOLE_LINE } from '#local/lambda/lambda-log-lines.ts';

const START = /^START RequestId: (\S+) Version: (\S+)$/;
const END = /^END RequestId: (\S+)$/;
const REPORT = /^REPORT RequestId: (\S+)\t(.*)$/;
const INIT_REPORT = /^INIT_REPORT (.*)$/;
const TIMED_OUT = /^(\d{4}-\d\d-\d\dT[\d:.]+Z) (\S+) (Task timed out after [\d.]+ seconds)$/;
/** REPORT's tab-separated fields, e.g. `Duration: 12.34 ms`, and their names in `platform.report`. */
const REPORT_METRICS: Readonly<Record<string, string>> = {
  Duration: 'durationMs',
  'Billed Duration': 'billedDurationMs',
  'Memory Size': 'memorySizeMB',
  'Max Memory Used': 'maxMemoryUsedMB',
  'Init Duration': 'initDurationMs',
};

/**
 * One line of a function's output as Lambda writes it in the JSON log format, or null for a line
 * that format does not have (`END`). `START`, `REPORT` and `INIT_REPORT` become `platform.start`,
 * `platform.report` and `platform.initReport` records; a line written through `console` becomes a document with
 * `timestamp`, `level`, `requestId` and `message` (an error's JSON is spread into it).
 *
 * @example
 * toJsonLogLine('START RequestId: 8f5… Version: $LATEST', new Date());
 * // '{"time":"2026-…Z","type":"platform.start","record":{"requestId":"8f5…","version":"$LATEST"}}'
 */
export function toJsonLogLine(line: string, at: Date): string | null {
  if (line.startsWith('{')) return line;
  const time = at.toISOString();
  const start = START.exec(line);
  if (start)
    return JSON.stringify({
      time,
      type: 'platform.start',
      record: { requestId: start[1], version: start[2] },
    });
  if (END.test(line)) return null;
  const report = REPORT.exec(line);
  if (report)
    return JSON.stringify({
      time,
      type: 'platform.report',
      record: reportRecord(report[1] ?? '', report[2] ?? ''),
    });
  const initReport = INIT_REPORT.exec(line);
  if (initReport)
    return JSON.stringify({
      time,
      type: 'platform.initReport',
      record: initReportRecord(initReport[1] ?? ''),
    });
  const logged = CONSOLE_LINE.exec(line);
  if (logged) {
    const [, timestamp, requestId, level, text = ''] = logged;
    return JSON.stringify({ timestamp, level, requestId, ...messageFields(text.replace(/\r/g, '\n')) });
  }
  const timedOut = TIMED_OUT.exec(line);
  if (timedOut) {
    return JSON.stringify({
      timestamp: timedOut[1],
      level: 'ERROR',
      requestId: timedOut[2],
      message: timedOut[3],
    });
  }
  return JSON.stringify({ timestamp: time, level: 'INFO', message: line });
}

/** A tab-separated platform line's `Name: value` fields. */
function fieldsOf(text: string): Map<string, string> {
  return new Map(
    text.split('\t').map((field) => {
      const colon = field.indexOf(': ');
      return colon === -1 ? [field, ''] : [field.slice(0, colon), field.slice(colon + 2).trim()];
    }),
  );
}

/** `platform.report`: the metrics, and the status (`success`, `timeout`, `error` with its type). */
function reportRecord(requestId: string, text: string): Record<string, unknown> {
  const metrics: Record<string, number> = {};
  const fields = fieldsOf(text);
  for (const [name, value] of fields) {
    const key = REPORT_METRICS[name];
    if (key) metrics[key] = Number.parseFloat(value);
  }
  const errorType = fields.get('Error Type');
  return {
    requestId,
    metrics,
    status: fields.get('Status') ?? 'success',
    ...(errorType ? { errorType } : {}),
  };
}

/** `platform.initReport`, as Lambda's telemetry schema has it. */
function initReportRecord(text: string): Record<string, unknown> {
  const fields = fieldsOf(text);
  const errorType = fields.get('Error Type');
  return {
    initializationType: 'on-demand',
    phase: fields.get('Phase') ?? 'init',
    status: fields.get('Status') ?? 'success',
    ...(errorType ? { errorType } : {}),
    metrics: { durationMs: Number.parseFloat(fields.get('Init Duration') ?? '0') },
  };
}

/** `Invoke Error \t{"errorType":…}` → message plus the error's fields, as the runtime writes them. */
function messageFields(text: string): Record<string, unknown> {
  const tab = text.indexOf('\t{');
  if (tab === -1) return { message: text };
  try {
    const error = JSON.parse(text.slice(tab + 1)) as Record<string, unknown>;
    return { message: text.slice(0, tab).trim(), ...error };
  } catch {
    return { message: text };
  }
}
