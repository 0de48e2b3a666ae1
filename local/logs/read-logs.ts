// Reads the per-function logs kept by the log store back: by function, time, level and text.
import { closeSync, existsSync, fstatSync, openSync, readdirSync, readSync } from 'node:fs';
import path from 'node:path';
import { CONSOLE_LINE } from '#local/lambda/lambda-log-lines.ts';
import { severityOf } from '#src/declaration/log-levels.ts';
import { logGroupOf, type StoredEvent } from './log-store.ts';

/** A stored event with where it came from, its message parsed when it is JSON. */
export interface LogEvent {
  readonly timestamp: number;
  /** `/aws/lambda/<function>`, as CloudWatch names the group, or the stage's access log. */
  readonly logGroup: string;
  readonly logStream: string;
  readonly message: string;
  readonly fields: Readonly<Record<string, unknown>>;
}

export interface LogFilter {
  /** Functions to read; every function when empty. */
  readonly functions?: readonly string[];
  /** Only events at or after this time (ms). */
  readonly since?: number;
  /** Only application lines at this level or more severe (`platform.*` lines have no level). */
  readonly level?: string;
  /** Only events whose message contains this text. */
  readonly contains?: string;
}

/** Where each stream file has been read up to (bytes), so that `--follow` reads only what is new. */
export type ReadPositions = Map<string, number>;

/**
 * The events of the kept logs that pass the filter, oldest first. With `positions`, each file is
 * read from where the last call stopped, for following logs as they are written.
 */
export function readLogEvents(dir: string, filter: LogFilter = {}, positions?: ReadPositions): LogEvent[] {
  if (!existsSync(dir)) return [];
  const wanted = filter.functions?.length ? new Set(filter.functions) : null;
  const minimum = filter.level ? severityOf(filter.level) : -1;
  const events: LogEvent[] = [];
  for (const functionName of readdirSync(dir)) {
    if (wanted && !wanted.has(functionName)) continue;
    const functionDir = path.join(dir, functionName);
    let streams: string[];
    try {
      streams = readdirSync(functionDir).filter((name) => name.endsWith('.jsonl'));
    } catch {
      continue;
    }
    for (const streamFile of streams) {
      const file = path.join(functionDir, streamFile);
      const from = positions?.get(file) ?? 0;
      const fresh = readFrom(file, from);
      // Up to the last complete line: a line still being written is read next time.
      const end = fresh.lastIndexOf(0x0a) + 1;
      positions?.set(file, from + end);
      for (const line of fresh.subarray(0, end).toString('utf8').split('\n')) {
        if (!line) continue;
        const event = toEvent(
          line,
          logGroupOf(functionName),
          decodeURIComponent(streamFile.replace(/\.jsonl$/, '')),
        );
        if (event && passes(event, filter, minimum)) events.push(event);
      }
    }
  }
  return events.sort((a, b) => a.timestamp - b.timestamp);
}

/** The bytes of a file from `offset` on: following a log reads only what was added. */
function readFrom(file: string, offset: number): Buffer {
  const fd = openSync(file, 'r');
  try {
    const length = Math.max(0, fstatSync(fd).size - offset);
    const buffer = Buffer.alloc(length);
    const read = length > 0 ? readSync(fd, buffer, 0, length, offset) : 0;
    return buffer.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

/**
 * The fields of a stored message: a JSON document's own, or, for a line of a function that logs
 * in the text format, its columns (so that `--level` filters it by its level column).
 */
function fieldsOf(message: string): Record<string, unknown> {
  if (message.startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(message);
      if (parsed && typeof parsed === 'object') return parsed as Record<string, unknown>;
    } catch {}
    return {};
  }
  const text = CONSOLE_LINE.exec(message);
  if (!text) return {};
  const [, timestamp, requestId, level, rest = ''] = text;
  return { timestamp, requestId, level, message: rest.replace(/\r/g, '\n') };
}

function toEvent(line: string, logGroup: string, logStream: string): LogEvent | null {
  try {
    const { t, m } = JSON.parse(line) as StoredEvent;
    return { timestamp: t, logGroup, logStream, message: m, fields: fieldsOf(m) };
  } catch {
    return null; // a line cut short by a crash
  }
}

function passes(event: LogEvent, filter: LogFilter, minimumLevel: number): boolean {
  if (filter.since !== undefined && event.timestamp < filter.since) return false;
  if (filter.contains && !event.message.includes(filter.contains)) return false;
  if (minimumLevel > 0) {
    const level = typeof event.fields.level === 'string' ? severityOf(event.fields.level) : -1;
    if (level < minimumLevel) return false;
  }
  return true;
}
