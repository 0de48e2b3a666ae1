import { severityOf } from '#src/declaration/log-levels.ts';
import type { LogSink } from './contracts.ts';
import { CONSOLE_LINE } from './lambda/lambda-log-lines.ts';

/** A sink that can also push out what it still holds, e.g. right before the process exits. */
export interface FlushingLogSink extends LogSink {
  flush(): void;
}

/** `compact`: one line per request plus every warning and error; `full`: every line as Lambda writes it. */
export const LOG_VIEWS = ['compact', 'full'] as const;
export type LogView = (typeof LOG_VIEWS)[number];

/**
 * Writes the functions' log lines to the terminal, each prefixed by its function's name. The
 * compact view (the default) shows one line per request — method, route, status, duration, cold
 * start — and every warning and error in full; the full view shows every line. Everything is
 * kept in full in the per-function logs either way (`npm run logs`). Lines are gathered and
 * written once per turn of the event loop: under load that is one write for dozens of lines
 * instead of one system call each, and the order stays the same.
 */
export function terminalLogSink(out: NodeJS.WritableStream, view: LogView = 'compact'): FlushingLogSink {
  const colour = out === process.stdout && process.stdout.isTTY;
  const palette = [36, 35, 33, 32, 34, 91, 96];
  const assigned = new Map<string, number>();
  let pending = '';
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (pending === '') return;
    const text = pending;
    pending = '';
    out.write(text);
  };
  return {
    write(functionName, line) {
      const shown = view === 'full' ? line : compactLine(line);
      if (shown === null) return;
      if (!assigned.has(functionName))
        assigned.set(functionName, palette[assigned.size % palette.length] ?? 36);
      const name = colour ? `\u001b[${assigned.get(functionName)}m${functionName}\u001b[0m` : functionName;
      pending += `${name} │ ${shown}\n`;
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
    flush,
  };
}

const ROUTINE = /^(START|END) RequestId: /;

/**
 * What the compact view shows of a line, or null to leave it to the kept logs: the request's
 * summary instead of its `request completed` JSON, a cold start's `REPORT`, and every line that
 * is not routine (warnings, errors, timeouts, crashes) as it is.
 */
export function compactLine(line: string): string | null {
  if (ROUTINE.test(line)) return null;
  if (line.startsWith('REPORT RequestId: ')) {
    const init = /Init Duration: ([\d.]+) ms/.exec(line);
    return init ? `cold start: init ${Math.round(Number(init[1]))} ms` : null;
  }
  const consoleLevel = CONSOLE_LINE.exec(line)?.[3];
  if (consoleLevel !== undefined && severityOf(consoleLevel) < severityOf('WARN')) return null;
  if (line.startsWith('{')) {
    let entry: Record<string, unknown>;
    try {
      entry = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return line;
    }
    if (entry.message === 'request completed') {
      const ms = typeof entry.durationMs === 'number' ? ` ${entry.durationMs.toFixed(1)} ms` : '';
      return `${entry.method} ${entry.route} → ${entry.status}${ms}${entry.cold_start ? ' (cold)' : ''}`;
    }
    const level = String(entry.level ?? '').toUpperCase();
    return severityOf(level) >= severityOf('WARN') ? line : null;
  }
  return line;
}
