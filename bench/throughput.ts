// Throughput scenarios: each route through the whole local system (gateway → instance →
// engine) beside the same DynamoDB call made straight through the SDK, in the same run.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { PROJECT_ROOT } from '#src/declaration/load-services.ts';
import type { CliProcess } from './cli-process.ts';
import { type LoadResult, type LoadTarget, runLoad } from './load.ts';

export interface Scenario {
  readonly route: string;
  readonly concurrency: number;
  readonly system: LoadResult;
  readonly raw: LoadResult;
  /** system req/s ÷ raw req/s. */
  readonly ratio: number;
}

export interface ThroughputOptions {
  readonly concurrencies: readonly number[];
  readonly seconds: (concurrency: number) => number;
  /** Runs alternate system / raw this many times; the medians are kept. */
  readonly rounds: number;
  /**
   * Load before each concurrency's counted runs, unmeasured. Each instance has its own V8 isolate
   * and JIT: at 2 s the local system's compiler threads were still busy (a third of the CPU) and
   * it served about a third less than after 25 s, so a full run warms it for 10 s.
   */
  readonly warmupSeconds: number;
}

const JSON_TYPE = { 'content-type': 'application/json' };

/** A route through the local system, and its raw counterpart on a raw SDK server at `rawUrl`. */
export interface Route {
  readonly system: LoadTarget;
  readonly raw: (rawUrl: string) => LoadTarget;
}

/** The five routes, with the items they read seeded through the local system. */
export async function routes(cli: CliProcess): Promise<Record<string, Route>> {
  // Signed in as an admin, as a real client of the deployed API would be (the check is measured too).
  const auth = { authorization: cli.token };
  const created = await fetch(`${cli.url}/products`, {
    method: 'POST',
    headers: { ...JSON_TYPE, ...auth },
    body: JSON.stringify({ name: 'bench', price: 1, tags: ['a', 'b'] }),
  });
  if (created.status !== 201)
    throw new Error(`POST /products answered ${created.status}: ${await created.text()}`);
  const { id } = (await created.json()) as { id: string };
  const seeded = await fetch(`${cli.url}/DynamoDBManager`, {
    method: 'POST',
    headers: auth,
    body: JSON.stringify({ operation: 'create', payload: { Item: { id: 'bench', number: 5 } } }),
  });
  if (seeded.status !== 200) throw new Error(`POST /DynamoDBManager answered ${seeded.status}`);
  return {
    'GET /products/{id}': {
      system: { url: `${cli.url}/products/${id}`, headers: auth },
      raw: (rawUrl) => ({ url: `${rawUrl}/products/${id}` }),
    },
    'POST /products': {
      system: {
        url: `${cli.url}/products`,
        method: 'POST',
        headers: { ...JSON_TYPE, ...auth },
        // Every POST creates a new item (the server picks the id): one body serves them all.
        body: JSON.stringify({ name: 'bench', price: 1, tags: ['a', 'b'] }),
      },
      raw: (rawUrl) => ({ url: `${rawUrl}/products`, method: 'POST' }),
    },
    'GET /products?limit=20': {
      system: { url: `${cli.url}/products?limit=20`, headers: auth },
      raw: (rawUrl) => ({ url: `${rawUrl}/products` }),
    },
    // A filtered list: one Query of the products' byNamePrice index, as the raw server's Query.
    'GET /products?name=&price[lte]=': {
      system: { url: `${cli.url}/products?name=bench&price[lte]=5&limit=20`, headers: auth },
      raw: (rawUrl) => ({ url: `${rawUrl}/products?index=byNamePrice&name=bench&price.lte=5` }),
    },
    'POST /DynamoDBManager (read)': {
      system: {
        url: `${cli.url}/DynamoDBManager`,
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ operation: 'read', payload: { Key: { id: 'bench' } } }),
      },
      raw: (rawUrl) => ({ url: `${rawUrl}/lambda-apigateway/bench` }),
    },
  };
}

const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[values.length >> 1] ?? 0;

export function combine(results: readonly LoadResult[]): LoadResult {
  return {
    requestsPerSecond: median(results.map((r) => r.requestsPerSecond)),
    p50: median(results.map((r) => r.p50)),
    p99: median(results.map((r) => r.p99)),
    requests: results.reduce((sum, r) => sum + r.requests, 0),
    failures: results.reduce((sum, r) => sum + r.failures, 0),
  };
}

/**
 * Answers that are not 2xx (401, 503…) are cheap and would flatter the figures: a run where more
 * than 1 % of them failed measures nothing, and stops the bench.
 */
export function assertAnswered(scenario: string, result: LoadResult): void {
  if (result.failures > result.requests * 0.01)
    throw new Error(`${scenario}: ${result.failures} of ${result.requests} responses were not 2xx`);
}

/** The routes whose memory the footprint phase measures, as the issue names them. */
const FOOTPRINT_ROUTES = ['GET /products/{id}', 'POST /products', 'GET /products?limit=20'];

/**
 * Memory of a fresh local system under load alone (no raw runs, whose data and work would land
 * in an in-process engine): `seconds` at c=64 on each of GET, POST and list in turn, the process
 * tree's RSS read after each by `rssAfter`.
 */
export async function measureFootprint(
  cli: CliProcess,
  seconds: number,
  rssAfter: (route: string) => Promise<void>,
): Promise<void> {
  const targets = await routes(cli);
  for (const route of FOOTPRINT_ROUTES) {
    const target = targets[route];
    if (!target) throw new Error(`no target for ${route}`);
    assertAnswered(`${route} c=64`, await runLoad(target.system, 64, seconds));
    await rssAfter(route);
  }
}

/** Runs every route at every concurrency against `cli` and the raw SDK server beside it. */
export async function measureThroughput(cli: CliProcess, options: ThroughputOptions): Promise<Scenario[]> {
  const rawServer = spawn(process.execPath, ['--import', 'tsx', 'bench/raw-sdk-server.ts', cli.endpoint], {
    cwd: PROJECT_ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  try {
    const [first] = (await once(rawServer.stdout, 'data')) as [Buffer];
    const rawUrl = first.toString().trim();
    const targets = await routes(cli);
    const scenarios: Scenario[] = [];
    for (const [route, target] of Object.entries(targets)) {
      const { system } = target;
      const raw = target.raw(rawUrl);
      for (const concurrency of options.concurrencies) {
        // Warm-up: instances start and JITs warm before anything is counted.
        await runLoad(system, concurrency, options.warmupSeconds);
        await runLoad(raw, concurrency, Math.min(options.warmupSeconds, 2));
        const systemRuns: LoadResult[] = [];
        const rawRuns: LoadResult[] = [];
        for (let round = 0; round < options.rounds; round++) {
          systemRuns.push(await runLoad(system, concurrency, options.seconds(concurrency)));
          rawRuns.push(await runLoad(raw, concurrency, options.seconds(concurrency)));
        }
        const s = combine(systemRuns);
        const r = combine(rawRuns);
        const ratio = Math.round((s.requestsPerSecond / Math.max(1, r.requestsPerSecond)) * 100) / 100;
        assertAnswered(`${route} c=${concurrency}`, s);
        scenarios.push({ route, concurrency, system: s, raw: r, ratio });
        console.log(
          `  ${route} c=${concurrency}: ${s.requestsPerSecond} req/s (p50 ${s.p50} ms) vs raw ${r.requestsPerSecond} req/s → ${Math.round(ratio * 100)} %${s.failures ? `, ${s.failures} failures` : ''}`,
        );
      }
    }
    return scenarios;
  } finally {
    rawServer.kill();
  }
}
