// A bundle's handler alone: called in one process (no gateway, no instance, no IPC) against the
// engine of a running local system, beside the raw SDK making the same DynamoDB call in the same
// process, the two taking turns in short windows. The ratio shows what the handler's own per-request work costs (access rules,
// claims, the request and response, the log line), apart from how requests reach it.

import { fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { functionSpecs } from '#local/function-specs.ts';
import { SPEC_DEFAULTS } from '#local/lambda/function-spec.ts';
import { instanceEnvironment, newLogStreamName } from '#local/lambda/lambda-environment.ts';
import { heapFlags } from '#local/lambda/spawn-instance.ts';
import { LOCAL_REGION } from '#local/local-account.ts';
import { loadStack, stackInputFor } from '#local/stack/load-stack.ts';
import { bundleBuildOptions } from '#src/build/bundle-function.ts';
import { DEFAULT_API_SETTINGS } from '#src/declaration/api-settings.ts';
import type { LogLevel } from '#src/declaration/function-environment.ts';
import { loadServices, PROJECT_ROOT } from '#src/declaration/load-services.ts';
import type { CliProcess } from './cli-process.ts';
import { eventFor, FIXTURE } from './cold-start.ts';
import type { LoopPairs, LoopRequest, LoopResult } from './handler-loop.ts';

export interface HandlerAloneRow {
  readonly name: string;
  /** The functions' log level in the handler's runs (INFO writes one line per request). */
  readonly logLevel: LogLevel;
  readonly concurrency: number;
  /** Median req/s of the handler's windows. */
  readonly handler: number;
  /** Median req/s of the raw SDK's windows, taking turns with the handler's in the same process. */
  readonly raw: number;
  /** The median of each pair's handler ÷ raw. */
  readonly ratio: number;
  /** How many pairs of windows the figures are the medians of. */
  readonly pairs: number;
  /** Median CPU µs per call of the handler's process, and of the raw loop's. */
  readonly handlerCpuMicros: number;
  readonly rawCpuMicros: number;
}

export interface HandlerAloneOptions {
  /** Functions of a `GET /{resource}/{id}` route on a table keyed by id alone (default: products-get). */
  readonly functions: readonly string[];
  readonly levels: readonly LogLevel[];
  readonly concurrency: number;
  /** The length of each window (with a profile: of each counted run). */
  readonly seconds: number;
  /** Pairs of windows per process (one process per level and round). */
  readonly windows: number;
  readonly warmupSeconds: number;
  readonly rounds: number;
  /**
   * A folder for CPU profiles: the bundles are then built unminified with a source map, and each
   * run writes a `.cpuprofile` of its counted calls there (V8's profiler, `--enable-source-maps`).
   */
  readonly profileDir?: string;
}

const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[values.length >> 1] ?? 0;

function runLoop(
  request: LoopRequest,
  env: NodeJS.ProcessEnv,
  execArgv: readonly string[],
): Promise<LoopResult | LoopPairs> {
  const child = fork(path.join(PROJECT_ROOT, 'bench/handler-loop.ts'), [], {
    cwd: PROJECT_ROOT,
    env,
    execArgv: ['--import', 'tsx', ...execArgv],
    // The function's log lines are written, as on Lambda, but not kept.
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const answered = once(child, 'message') as Promise<[LoopResult | LoopPairs]>;
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`handler loop exited with ${code} before answering`);
  });
  child.send(request);
  return Promise.race([answered.then(([result]) => result), exited]);
}

/** Seeds one product through the local system and measures each function's handler beside the raw loop. */
export async function measureHandlerAlone(
  cli: CliProcess,
  options: HandlerAloneOptions,
): Promise<HandlerAloneRow[]> {
  const created = await fetch(`${cli.url}/products`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: cli.token },
    body: JSON.stringify({ name: 'bench', price: 1, tags: ['a', 'b'] }),
  });
  if (created.status !== 201) throw new Error(`POST /products answered ${created.status}`);
  const { id } = (await created.json()) as { id: string };
  // A profile's bundles are kept beside it: their inline source maps name the .ts lines.
  const dir = options.profileDir
    ? path.join(options.profileDir, 'bundles')
    : await mkdtemp(path.join(os.tmpdir(), 'sm-bench-alone-'));
  try {
    const services = await loadServices();
    const buildOptions = bundleBuildOptions(services, dir);
    await build(
      options.profileDir
        ? { ...buildOptions, minify: false, keepNames: true, sourcemap: 'inline' as const }
        : buildOptions,
    );
    const routeOf = new Map(services.flatMap(({ service }) => service.functions.map((fn) => [fn.name, fn])));
    const base = JSON.parse(await readFile(FIXTURE, 'utf8')) as Record<string, unknown>;
    const rows: HandlerAloneRow[] = [];
    for (const name of options.functions) {
      const fn = routeOf.get(name);
      if (fn?.method !== 'GET' || !fn.path.includes('{id}')) {
        throw new Error(`${name}: the handler alone is measured for a GET /{resource}/{id} function`);
      }
      const eventFile = path.join(dir, `${name}.event.json`);
      await writeFile(eventFile, JSON.stringify(eventFor(base, fn.method, fn.path, id)));
      const built = new Map(
        services.flatMap(({ service }) =>
          service.functions.map(
            (f) =>
              [
                f.name,
                { functionName: f.name, file: path.join(dir, f.name, 'index.mjs'), bytes: 0, hash: '' },
              ] as const,
          ),
        ),
      );
      const levels = await Promise.all(
        options.levels.map(async (logLevel) => {
          const { stack } = await loadStack(
            services,
            stackInputFor(DEFAULT_API_SETTINGS, logLevel, LOCAL_REGION),
          );
          const [spec] = functionSpecs(stack.functions, built, {
            endpoint: cli.endpoint,
            hostCredentials: undefined,
          }).filter((s) => s.name === name);
          if (!spec) throw new Error(`no function ${name}`);
          const env = {
            ...instanceEnvironment(spec.environment, {
              functionName: spec.name,
              bundleFile: spec.bundleFile,
              memoryMb: spec.memoryMb,
              region: 'us-east-1',
              logStreamName: newLogStreamName(),
              logFormat: spec.logFormat ?? SPEC_DEFAULTS.logFormat,
              logLevel: spec.logLevel ?? SPEC_DEFAULTS.logLevel,
              tmpDir: os.tmpdir(),
            }),
            // tsx runs the loop itself; the bundle is plain JavaScript.
            PATH: process.env.PATH ?? '',
          };
          const request = {
            bundleFile: spec.bundleFile,
            eventFile,
            endpoint: cli.endpoint,
            table: spec.environment.TABLE_NAME ?? '',
            id,
            concurrency: options.concurrency,
            warmupSeconds: options.warmupSeconds,
            seconds: options.seconds,
          };
          // Both loops run in a process with the V8 heap bounds Lambda's bootstrap gives the function.
          const execArgv = [
            ...heapFlags(spec.memoryMb),
            ...(options.profileDir ? ['--enable-source-maps'] : []),
          ];
          return {
            logLevel,
            env,
            request,
            execArgv,
            pairs: [] as { handler: LoopResult; raw: LoopResult }[],
          };
        }),
      );
      const profileDir = options.profileDir;
      for (let round = 0; round < options.rounds; round++) {
        // The levels take turns first from round to round.
        const order = [...levels.slice(round % levels.length), ...levels.slice(0, round % levels.length)];
        for (const level of order) {
          if (profileDir) {
            // A profile is of one thing alone: the handler's counted calls, then the raw loop's.
            const profile = (what: string) => ({
              profileFile: path.join(profileDir, `${what}-${level.logLevel}-${round}.cpuprofile`),
            });
            const handler = (await runLoop(
              { ...level.request, mode: 'handler', ...profile(name) },
              level.env,
              level.execArgv,
            )) as LoopResult;
            const raw = (await runLoop(
              { ...level.request, mode: 'raw', ...profile('raw') },
              { ...process.env },
              level.execArgv,
            )) as LoopResult;
            level.pairs.push({ handler, raw });
          } else {
            const { pairs } = (await runLoop(
              { ...level.request, mode: 'alternate', windows: options.windows },
              level.env,
              level.execArgv,
            )) as LoopPairs;
            level.pairs.push(...pairs);
          }
        }
      }
      for (const level of levels) {
        for (const pair of level.pairs) {
          for (const [what, result] of Object.entries(pair)) {
            if (result.failures > 0)
              throw new Error(`${name} ${what}: ${result.failures} of ${result.calls} calls failed`);
          }
        }
      }
      for (const level of levels) {
        const handlers = level.pairs.map((p) => p.handler);
        const raws = level.pairs.map((p) => p.raw);
        const rps = (results: readonly LoopResult[]) => results.map((r) => r.requestsPerSecond);
        const cpu = (results: readonly LoopResult[]) => median(results.map((r) => r.cpuMicrosPerCall));
        const handler = median(rps(handlers));
        const raw = median(rps(raws));
        // The median of each pair's own ratio: a pair shares the machine's load of the moment.
        const ratio =
          Math.round(
            median(
              level.pairs.map((p) => p.handler.requestsPerSecond / Math.max(1, p.raw.requestsPerSecond)),
            ) * 100,
          ) / 100;
        const row = {
          name,
          logLevel: level.logLevel,
          concurrency: options.concurrency,
          handler,
          raw,
          ratio,
          pairs: level.pairs.length,
          handlerCpuMicros: cpu(handlers),
          rawCpuMicros: cpu(raws),
        };
        rows.push(row);
        console.log(
          `  ${name}'s handler alone at ${row.logLevel}, c=${row.concurrency}: ${handler} req/s vs raw SDK ${raw} ${options.profileDir ? 'each in its own profiled process' : 'in the same process'} → ${ratio}× (median of ${row.pairs} pairs of ${options.seconds} s windows); CPU per call ${row.handlerCpuMicros} µs vs ${row.rawCpuMicros} µs`,
        );
      }
    }
    return rows;
  } finally {
    if (!options.profileDir) await rm(dir, { recursive: true, force: true });
  }
}
