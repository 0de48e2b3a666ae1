// The platform lines Lambda writes around every invocation, in its text log format. Both the
// worker (normal invocations) and the host (timeouts, crashes) print them, so they live here once.
import { LOG_SEVERITIES } from '#src/declaration/log-levels.ts';

export interface ReportFields {
  readonly requestId: string;
  readonly durationMs: number;
  readonly memoryMb: number;
  readonly maxMemoryUsedMb: number;
  /** Only on the first invocation of an instance (a cold start). */
  readonly initDurationMs?: number | undefined;
  /** Only when the invocation failed on the platform's side: it timed out, or its instance died. */
  readonly status?: 'timeout' | 'error' | undefined;
  /** With `status: 'error'`: why, e.g. `Runtime.ExitError` or `Runtime.OutOfMemory`. */
  readonly errorType?: string | undefined;
}

/** An instance's failed init, as Lambda reports it in its `INIT_REPORT` line. */
export interface InitReportFields {
  readonly durationMs: number;
  readonly status: 'timeout' | 'error';
  /** With `status: 'error'`, e.g. `Runtime.ImportModuleError`. */
  readonly errorType?: string | undefined;
}

/** The version every local function runs: the unpublished one. */
export const FUNCTION_VERSION = '$LATEST';

export function startLine(requestId: string): string {
  return `START RequestId: ${requestId} Version: ${FUNCTION_VERSION}`;
}

export function endLine(requestId: string): string {
  return `END RequestId: ${requestId}`;
}

/**
 * The tab-separated REPORT line. Lambda bills in 1 ms steps, rounding up. An invocation that
 * timed out ends with `Status: timeout`, one whose instance died with `Status: error` and the
 * error's type.
 *
 * @example
 * reportLine({ requestId: 'c0ffee', durationMs: 12.341, memoryMb: 256, maxMemoryUsedMb: 45 });
 * // 'REPORT RequestId: c0ffee\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: 256 MB\tMax Memory Used: 45 MB'
 */
export function reportLine(fields: ReportFields): string {
  const parts = [
    `REPORT RequestId: ${fields.requestId}`,
    `Duration: ${fields.durationMs.toFixed(2)} ms`,
    `Billed Duration: ${Math.max(1, Math.ceil(fields.durationMs))} ms`,
    `Memory Size: ${fields.memoryMb} MB`,
    `Max Memory Used: ${fields.maxMemoryUsedMb} MB`,
  ];
  if (fields.initDurationMs !== undefined)
    parts.push(`Init Duration: ${fields.initDurationMs.toFixed(2)} ms`);
  return [...parts, ...statusFields(fields.status, fields.errorType)].join('\t');
}

/**
 * The line Lambda writes when an instance's init fails (the module throws, the handler is
 * missing or refused, the runtime exits) or runs past its 10 s.
 *
 * @example
 * initReportLine({ durationMs: 150.789, status: 'error', errorType: 'Runtime.UserCodeSyntaxError' });
 * // 'INIT_REPORT Init Duration: 150.79 ms\tPhase: init\tStatus: error\tError Type: Runtime.UserCodeSyntaxError'
 */
export function initReportLine(fields: InitReportFields): string {
  return [
    `INIT_REPORT Init Duration: ${fields.durationMs.toFixed(2)} ms`,
    'Phase: init',
    ...statusFields(fields.status, fields.errorType),
  ].join('\t');
}

function statusFields(status: 'timeout' | 'error' | undefined, errorType: string | undefined): string[] {
  if (status === undefined) return [];
  return status === 'error' && errorType
    ? [`Status: ${status}`, `Error Type: ${errorType}`]
    : [`Status: ${status}`];
}

/** Lambda's message for a timed-out invocation; it is both the log line and the error message. */
export function timedOutMessage(requestId: string, elapsedMs: number, at = new Date()): string {
  return `${at.toISOString()} ${requestId} Task timed out after ${(elapsedMs / 1000).toFixed(2)} seconds`;
}

/**
 * Reads a line {@link consoleLine} wrote: groups 1-4 are timestamp, request id, level and message
 * (the kept logs' JSON conversion, `npm run logs -- --level` and the terminal view parse it so).
 */
export const CONSOLE_LINE = new RegExp(
  `^(\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z)\\t(\\S*)\\t(${LOG_SEVERITIES.join('|')})\\t([\\s\\S]*)$`,
);

/**
 * A line written by the function through `console`, as Lambda's Node.js runtime formats it:
 * timestamp, request id, level, message. Newlines become `\r` so that one call stays one log event.
 */
export function consoleLine(
  level: string,
  requestId: string | undefined,
  message: string,
  at = new Date(),
): string {
  return `${at.toISOString()}\t${requestId}\t${level}\t${message}`.replace(/\n/g, '\r');
}

/** Lines Lambda writes after an instance's runtime process died during an invocation. */
export function runtimeExitLines(requestId: string, reason: string, errorType: string): string[] {
  return [`RequestId: ${requestId} Error: Runtime exited with error: ${reason}`, errorType];
}
