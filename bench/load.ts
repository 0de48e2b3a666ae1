// Drives load with autocannon in a process of its own, so the load generator never shares an
// event loop (or a JIT) with what it measures.
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';

const AUTOCANNON_CLI = path.join(
  path.dirname(createRequire(import.meta.url).resolve('autocannon/package.json')),
  'autocannon.js',
);

/** One HTTP request shape to repeat; `[<id>]` in a body becomes a fresh id per request. */
export interface LoadTarget {
  readonly url: string;
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

export interface LoadResult {
  readonly requestsPerSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly requests: number;
  /** Responses outside 2xx, connection errors and timeouts. */
  readonly failures: number;
}

/** Runs autocannon against `target` with `connections` in flight for `seconds`. */
export function runLoad(target: LoadTarget, connections: number, seconds: number): Promise<LoadResult> {
  const args = [AUTOCANNON_CLI, '--json', '-n', '-c', String(connections), '-d', String(seconds)];
  args.push('-m', target.method ?? 'GET');
  for (const [name, value] of Object.entries(target.headers ?? {})) args.push('-H', `${name}=${value}`);
  if (target.body !== undefined)
    args.push(...(target.body.includes('[<id>]') ? ['-I'] : []), '-b', target.body);
  args.push(target.url);
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { maxBuffer: 16 * 1024 * 1024 }, (error, stdout) => {
      if (error) return reject(error);
      const report = JSON.parse(stdout) as {
        requests: { average: number; total: number };
        latency: { p50: number; p99: number };
        non2xx: number;
        errors: number;
        timeouts: number;
        duration: number;
      };
      resolve({
        requestsPerSecond: Math.round(report.requests.total / report.duration),
        p50: report.latency.p50,
        p99: report.latency.p99,
        requests: report.requests.total,
        failures: report.non2xx + report.errors + report.timeouts,
      });
    });
  });
}
