// Per-function logs kept on disk as CloudWatch keeps them: a log group per function
// (`/aws/lambda/<function>`), a log stream per instance, events of a timestamp and a message.
import { createWriteStream, mkdirSync, readdirSync, rmSync, statSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import type { LogSink } from '#local/contracts.ts';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '#local/private-data-folder.ts';
import { DEFAULT_LOG_FORMAT, type LogFormat } from '#src/declaration/types.ts';
import { toJsonLogLine } from './json-log-format.ts';
import { lambdaLogGroup } from './log-groups.ts';

/** One stored log event: `t` the time in ms, `m` the message as Lambda would write it. */
export interface StoredEvent {
  readonly t: number;
  readonly m: string;
}

export interface LogStoreOptions {
  /** The folder holding one sub-folder per function, e.g. `.data/logs`. */
  readonly dir: string;
  /** Streams last written longer ago than this are deleted at start (default 7 days). */
  readonly retentionDays?: number;
  /** A function's streams beyond this many bytes are deleted oldest first (default 20 MB). */
  readonly maxBytesPerFunction?: number;
  /**
   * The log format each function is declared with (default JSON for all): a `Text` function's
   * lines are kept as Lambda writes them in its text format, not converted to JSON.
   */
  readonly logFormatOf?: (functionName: string) => LogFormat;
}

export interface LogStore extends LogSink {
  /** Flushes and closes the stream's file: its instance is gone (a later line opens it again). */
  end(functionName: string, logStream: string): void;
  /** Stream files open now, closing ones included: at most one per live stream. */
  openFiles(): number;
  /** Resolves once the file of every stream ended so far is closed. */
  settled(): Promise<void>;
  /** Flushes and closes every open stream file. */
  close(): Promise<void>;
}

const DAY_MS = 86_400_000;

/** The folder of the stage's access log, beside the functions' (no function has this name). */
export const ACCESS_LOG_FOLDER = '_api-access-log';
/** The log group name the access log is read back under. */
export const ACCESS_LOG_GROUP = 'API-Gateway-Access-Logs';

/** The log group a folder of the logs folder holds: a function's, or the stage's access log. */
export function logGroupOf(folder: string): string {
  return folder === ACCESS_LOG_FOLDER ? ACCESS_LOG_GROUP : lambdaLogGroup(folder);
}

/** The folder of a function's log group inside the logs folder. */
export function functionLogDir(dir: string, functionName: string): string {
  return path.join(dir, functionName.replace(/[^A-Za-z0-9._-]/g, '_'));
}

/**
 * A log sink that keeps each function's lines in its own log group on disk, in the log format
 * the stack deploys (JSON, or text for a function declared `Text`), one file a stream (`<dir>/<function>/<stream>.jsonl`), with bounded retention.
 * `npm run logs` reads them back.
 *
 * @example
 * const logs = openLogStore({ dir: '.data/logs' });
 * logs.write('products-get', 'START RequestId: 8f5… Version: $LATEST', '2026/11/25/[$LATEST]ab12');
 * await logs.close();
 */
export function openLogStore({
  dir,
  retentionDays = 7,
  maxBytesPerFunction = 20_000_000,
  logFormatOf = () => DEFAULT_LOG_FORMAT,
}: LogStoreOptions): LogStore {
  /** The file of each live stream, open for appending. */
  const files = new Map<string, WriteStream>();
  /** Files being flushed and closed: each still holds its descriptor until it is done. */
  const closing = new Set<Promise<void>>();
  const written = new Map<string, number>();
  // A stream still written is never deleted, whatever its age or size: its lines would go to a
  // file no longer in the folder.
  const prune = (functionDir: string) =>
    pruneGroup(functionDir, Date.now() - retentionDays * DAY_MS, maxBytesPerFunction, files);
  const fileOf = (functionName: string, stream: string) =>
    // The file keeps the stream's own name, `/` and all, percent-encoded.
    path.join(functionLogDir(dir, functionName), `${encodeURIComponent(stream)}.jsonl`);
  const closeFile = (file: string) => {
    const out = files.get(file);
    if (!out) return;
    files.delete(file);
    // 'close', not 'finish': the descriptor is released only then.
    const closed = new Promise<void>((resolve) => {
      out.once('close', resolve);
      out.end();
    }).finally(() => closing.delete(closed));
    closing.add(closed);
  };
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) prune(path.join(dir, entry.name));
  }
  return {
    write(functionName, line, stream = defaultStream()) {
      const message = logFormatOf(functionName) === 'Text' ? line : toJsonLogLine(line, new Date());
      if (message === null) return;
      const functionDir = functionLogDir(dir, functionName);
      const file = fileOf(functionName, stream);
      let out = files.get(file);
      if (!out) {
        mkdirSync(functionDir, { recursive: true, mode: PRIVATE_DIR_MODE });
        out = createWriteStream(file, { flags: 'a', mode: PRIVATE_FILE_MODE });
        files.set(file, out);
      }
      const record = `${JSON.stringify({ t: Date.now(), m: message } satisfies StoredEvent)}\n`;
      out.write(record);
      const total = (written.get(functionDir) ?? 0) + record.length;
      written.set(functionDir, total);
      if (total > maxBytesPerFunction / 10) {
        written.set(functionDir, 0);
        prune(functionDir);
      }
    },
    end(functionName, stream) {
      closeFile(fileOf(functionName, stream));
    },
    openFiles: () => files.size + closing.size,
    async settled() {
      await Promise.all(closing);
    },
    async close() {
      for (const file of [...files.keys()]) closeFile(file);
      await Promise.all(closing);
    },
  };
}

/** The stream of lines written without one: one per day and process, as an instance's would be. */
function defaultStream(): string {
  const day = new Date().toISOString().slice(0, 10).replace(/-/g, '/');
  return `${day}/[$LATEST]local-${process.pid}`;
}

/**
 * Deletes a group's streams older than `notBefore`, then the oldest ones past `maxBytes`; never
 * one in `live` (still written), nor the newest.
 */
function pruneGroup(
  functionDir: string,
  notBefore: number,
  maxBytes: number,
  live: ReadonlyMap<string, unknown>,
): void {
  let streams: { file: string; mtimeMs: number; size: number }[];
  try {
    streams = readdirSync(functionDir)
      .filter((name) => name.endsWith('.jsonl'))
      .map((name) => {
        const file = path.join(functionDir, name);
        const { mtimeMs, size } = statSync(file);
        return { file, mtimeMs, size };
      })
      .sort((a, b) => b.mtimeMs - a.mtimeMs);
  } catch {
    return;
  }
  let kept = 0;
  for (const stream of streams) {
    kept += stream.size;
    // The newest stream is kept too: another process may be writing it.
    if (live.has(stream.file) || stream === streams[0]) continue;
    if (stream.mtimeMs < notBefore || kept > maxBytes) rmSync(stream.file, { force: true });
  }
}
