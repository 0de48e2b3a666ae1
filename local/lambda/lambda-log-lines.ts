// The platform lines Lambda writes around every invocation, in its text log format. Both the
// worker (normal invocations) and the host (timeouts, crashes) print them, so they live here once.

export interface ReportFields {
  readonly requestId: string;
  readonly durationMs: number;
  readonly memoryMb: number;
  readonly maxMemoryUsedMb: number;
  /** Only on the first invocation of an instance (a cold start). */
  readonly initDurationMs?: number | undefined;
}

export function startLine(requestId: string): string {
  return `START RequestId: ${requestId} Version: $LATEST`;
}

export function endLine(requestId: string): string {
  return `END RequestId: ${requestId}`;
}

/**
 * The tab-separated REPORT line. Lambda bills in 1 ms steps, rounding up.
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
  return parts.join('\t');
}

/** Lambda's message for a timed-out invocation; it is both the log line and the error message. */
export function timedOutMessage(requestId: string, elapsedMs: number, at = new Date()): string {
  return `${at.toISOString()} ${requestId} Task timed out after ${(elapsedMs / 1000).toFixed(2)} seconds`;
}

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
