// `npm run bench`: start-up time, cold and warm latency, throughput and bundle sizes of the
// local system, per DynamoDB engine. Loopback only, bounded request counts; prints a table.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { findJava } from '#local/dynamodb/find-java.ts';
import type { EngineName } from '#local/dynamodb/start-dynamodb.ts';
import { startLocalSystem } from '#local/start-local-system.ts';
import { bundleAll } from '#src/build/bundle-function.ts';
import { loadServices, PROJECT_ROOT } from '#src/declaration/load-services.ts';
import { percentiles } from './percentiles.ts';

const { values } = parseArgs({
  options: { requests: { type: 'string', default: '500' }, concurrency: { type: 'string', default: '8' } },
});
const REQUESTS = Math.min(Number(values.requests), 5_000);
const CONCURRENCY = Math.min(Number(values.concurrency), 64);

async function timed(run: () => Promise<Response>): Promise<number> {
  const started = performance.now();
  const response = await run();
  await response.arrayBuffer();
  if (response.status >= 300) throw new Error(`unexpected status ${response.status}`);
  return performance.now() - started;
}

async function load(count: number, concurrency: number, run: (i: number) => Promise<Response>) {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) latencies.push(await timed(() => run(next++)));
    }),
  );
  return { ...percentiles(latencies), perSecond: Math.round((count / (performance.now() - started)) * 1000) };
}

async function benchEngine(engine: EngineName) {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'sm-bench-'));
  const initDurations: number[] = [];
  const system = await startLocalSystem({
    port: 0,
    engine,
    dataDir,
    inMemory: true,
    logLevel: 'WARN',
    // The stage's 100 requests/s would measure the throttle, not the system: as `--no-throttle`.
    throttle: false,
    logSink: {
      write: (_fn, line) => {
        const init = /Init Duration: ([\d.]+) ms/.exec(line);
        if (init) initDurations.push(Number(init[1]));
      },
    },
  });
  try {
    const json = { 'Content-Type': 'application/json' };
    const body = JSON.stringify({ name: 'bench', price: 1, tags: ['a', 'b'] });
    const cold = await timed(() => fetch(`${system.url}/products`, { method: 'POST', headers: json, body }));
    const created = await (
      await fetch(`${system.url}/products`, { method: 'POST', headers: json, body })
    ).json();
    const id = (created as { id: string }).id;
    const requests = {
      create: () => fetch(`${system.url}/products`, { method: 'POST', headers: json, body }),
      get: () => fetch(`${system.url}/products/${id}`),
      list: () => fetch(`${system.url}/products?limit=20`),
    };
    // Warm up until a round starts no new instance, so the figures below are warm latencies;
    // cold starts are reported on their own (Init Duration).
    for (let round = 0; round < 10; round++) {
      const coldStarts = initDurations.length;
      for (const run of Object.values(requests)) await load(CONCURRENCY * 4, CONCURRENCY, run);
      if (initDurations.length === coldStarts) break;
    }
    const create = await load(REQUESTS, CONCURRENCY, () =>
      fetch(`${system.url}/products`, { method: 'POST', headers: json, body }),
    );
    const get = await load(REQUESTS, CONCURRENCY, () => fetch(`${system.url}/products/${id}`));
    const list = await load(Math.ceil(REQUESTS / 5), CONCURRENCY, () =>
      fetch(`${system.url}/products?limit=20`),
    );
    return {
      engine,
      startup: system.timings,
      coldPostMs: Math.round(cold),
      initDurations,
      create,
      get,
      list,
    };
  } finally {
    await system.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** Wall time of `npm start`'s own entry point until its banner, as a user sees it. */
async function cliStartup(engine: EngineName): Promise<number> {
  const started = performance.now();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'local/cli.ts', '--port', '0', '--in-memory', '--engine', engine],
    {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let output = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Routes → functions')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`npm start exited with ${code}: ${output}`)));
  });
  const ms = Math.round(performance.now() - started);
  child.kill('SIGTERM');
  await once(child, 'exit');
  return ms;
}

const engines: EngineName[] = (await findJava({ env: process.env }))
  ? ['dynamodb-local', 'dynalite']
  : ['dynalite'];
console.log(
  `${REQUESTS} requests per operation, ${CONCURRENCY} in flight, ${os.cpus().length} cores, Node ${process.version}\n`,
);
for (const engine of engines) {
  const cli = [await cliStartup(engine), await cliStartup(engine), await cliStartup(engine)];
  const r = await benchEngine(engine);
  const init = percentiles(r.initDurations);
  console.log(`## ${engine}`);
  console.log(`npm start until its banner (3 runs, in memory): ${cli.join(' ms, ')} ms`);
  console.log(
    `start-up inside the process: ${r.startup.total} ms (build ${r.startup.build}, DynamoDB ${r.startup.dynamodb}, tables ${r.startup.tables})`,
  );
  console.log(
    `first POST (cold): ${r.coldPostMs} ms; Init Duration p50 ${init.p50} ms over ${r.initDurations.length} instances`,
  );
  console.log('| operation | req/s | p50 ms | p95 ms | p99 ms |\n| --- | --- | --- | --- | --- |');
  for (const [name, s] of [
    ['POST /products', r.create],
    ['GET /products/{id}', r.get],
    ['GET /products?limit=20', r.list],
  ] as const) {
    console.log(`| ${name} | ${s.perSecond} | ${s.p50} | ${s.p95} | ${s.p99} |`);
  }
  console.log('');
}

const buildDir = await mkdtemp(path.join(os.tmpdir(), 'sm-bench-build-'));
const bundles = await bundleAll(await loadServices(), buildDir);
console.log('| function bundle | bytes |\n| --- | --- |');
for (const b of bundles) console.log(`| ${b.functionName} | ${b.bytes} |`);
await rm(buildDir, { recursive: true, force: true });
