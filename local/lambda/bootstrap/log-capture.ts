// Everything the function prints becomes log lines sent to the host: console calls formatted as
// Lambda's runtime formats them (timestamp, request id, level), and raw stdout/stderr writes
// (Powertools Logger writes there) cut into lines.
import { format } from 'node:util';
import type { InstanceData } from '../instance-messages.ts';
import { consoleLine } from '../lambda-log-lines.ts';
import { print, send } from './host-channel.ts';

/** Lambda's application log levels, least severe first. */
const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'];

let currentRequestId: string | undefined;
// A last unterminated piece of output waits for its newline, or for the end of the invocation.
let partial = '';

/** The request id console lines carry from now on. */
export function setRequestId(requestId: string): void {
  currentRequestId = requestId;
}

function writeOutput(chunk: unknown, encoding?: unknown, callback?: unknown): boolean {
  const text =
    typeof chunk === 'string'
      ? chunk
      : Buffer.from(chunk as Uint8Array).toString(
          typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8',
        );
  const lines = (partial + text).split('\n');
  partial = lines.pop() ?? '';
  if (lines.length > 0) send({ type: 'log', lines });
  const done = typeof encoding === 'function' ? encoding : callback;
  if (typeof done === 'function') queueMicrotask(() => done());
  return true;
}

export function flushPartial(): void {
  if (partial !== '') print(partial);
  partial = '';
}

/**
 * Takes over console, stdout and stderr. As Lambda's runtime does, in the JSON log format a
 * console call below AWS_LAMBDA_LOG_LEVEL (`minimumLogLevel`) writes nothing.
 */
export function captureLogs(minimumLogLevel: InstanceData['minimumLogLevel']): void {
  const minimumLevel = minimumLogLevel === null ? -1 : LOG_LEVELS.indexOf(minimumLogLevel);
  const consoleWriter = (level: string) =>
    LOG_LEVELS.indexOf(level) < minimumLevel
      ? () => {}
      : (...args: unknown[]): void => print(consoleLine(level, currentRequestId, format(...args)));
  console.log = consoleWriter('INFO');
  console.info = consoleWriter('INFO');
  console.debug = consoleWriter('DEBUG');
  console.warn = consoleWriter('WARN');
  console.error = consoleWriter('ERROR');
  console.trace = consoleWriter('TRACE');
  // On Lambda stdout and stderr end up in one log; sharing one writer here keeps their order.
  process.stdout.write = writeOutput as typeof process.stdout.write;
  process.stderr.write = writeOutput as typeof process.stderr.write;
  // Whatever a dying instance printed last still reaches the host before it exits.
  process.on('exit', flushPartial);
}
