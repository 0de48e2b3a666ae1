// `npm run bench -- --tracing-cost`: what the console's tracing costs on the request path. The
// same `npm start` with and without `--no-console`, alternated round by round so that the
// machine's load falls on both alike, each serving GET /products/{id} at c=16 (autocannon in its
// own process); also the start-up to the banner, which the console must not slow down.
import { type CliProcess, startCli, treeCpuMs } from './cli-process.ts';
import { type LoadTarget, runLoad } from './load.ts';
import { routes } from './throughput.ts';

/** GET /products/{id} of a product the throughput bench seeds, signed in as an admin. */
async function getTarget(cli: CliProcess): Promise<LoadTarget> {
  const target = (await routes(cli))['GET /products/{id}']?.system;
  if (!target) throw new Error('bench/throughput.ts names no GET /products/{id} route');
  return target;
}

export interface TracingCostRow {
  readonly variant: 'console and tracing on' | 'off (--no-console)';
  readonly startupMs: number[];
  readonly requestsPerSecond: number[];
  readonly p99Ms: number[];
  /** CPU time the whole `npm start` tree (gateway, instances, DynamoDB) spent per request, in µs. */
  readonly treeCpuUs: number[];
  /** The part of it spent in the gateway's own process, where every trace is made, in µs. */
  readonly gatewayCpuUs: number[];
}

export interface TracingCost {
  readonly rows: TracingCostRow[];
  /** Throughput lost with tracing on: 1 − median(on) / median(off), in %. */
  readonly throughputPercent: number;
  /**
   * The extra CPU per request of the gateway's process with tracing on, as a share of all the CPU
   * the system spends per request without it: the median of the rounds' (on − off) / whole, in %.
   */
  readonly cpuPercent: number;
}

const median = (values: readonly number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

async function measureOnce(args: readonly string[], seconds: number, warmupSeconds: number) {
  const cli = await startCli(args);
  try {
    const target = await getTarget(cli);
    await runLoad(target, 16, warmupSeconds); // instances started, their JIT warm
    const pid = cli.child.pid ?? 0;
    const before = await treeCpuMs(pid);
    const load = await runLoad(target, 16, seconds);
    const after = await treeCpuMs(pid);
    if (load.failures > 0) throw new Error(`${load.failures} requests failed`);
    const perRequest = (ms: number) => Math.round((ms * 1000) / load.requests);
    return {
      startupMs: cli.readyMs,
      load,
      treeCpuUs: perRequest(after.tree - before.tree),
      gatewayCpuUs: perRequest(after.root - before.root),
    };
  } finally {
    await cli.stop();
  }
}

/**
 * `rounds` rounds of both variants, alternated (on, off, then off, on, …) so that whatever else
 * the machine does falls on both alike. Two figures. Throughput, median against median: what a
 * user sees, but on two shared cores a round's figure moves by a third. And the CPU: every trace
 * is made in the gateway's process (the instances and the engine do the same work either way), so
 * the extra CPU of that process per request, over all the CPU the whole `npm start` tree spends
 * per request, is the share of the system's work the tracing takes; on cores the system keeps
 * busy, throughput falls by that share. autocannon runs outside the tree.
 */
export async function measureTracingCost(
  args: readonly string[],
  options: { rounds: number; seconds: number; warmupSeconds: number },
): Promise<TracingCost> {
  const { rounds, seconds, warmupSeconds } = options;
  const row = (variant: TracingCostRow['variant']): TracingCostRow => ({
    variant,
    startupMs: [],
    requestsPerSecond: [],
    p99Ms: [],
    treeCpuUs: [],
    gatewayCpuUs: [],
  });
  const rows = [row('console and tracing on'), row('off (--no-console)')];
  for (let round = 0; round < rounds; round++) {
    for (const r of round % 2 === 0 ? rows : [...rows].reverse()) {
      const extra = r.variant === 'off (--no-console)' ? ['--no-console'] : [];
      const m = await measureOnce([...args, ...extra], seconds, warmupSeconds);
      r.startupMs.push(m.startupMs);
      r.requestsPerSecond.push(Math.round(m.load.requestsPerSecond));
      r.p99Ms.push(m.load.p99);
      r.treeCpuUs.push(m.treeCpuUs);
      r.gatewayCpuUs.push(m.gatewayCpuUs);
    }
  }
  const [on, off] = rows as [TracingCostRow, TracingCostRow];
  const round1 = (x: number) => Math.round(x * 10) / 10;
  const throughputPercent = round1(
    100 * (1 - median(on.requestsPerSecond) / Math.max(1, median(off.requestsPerSecond))),
  );
  const cpuPercent = round1(
    100 *
      median(
        on.gatewayCpuUs.map(
          (value, i) => (value - (off.gatewayCpuUs[i] ?? value)) / Math.max(1, off.treeCpuUs[i] ?? 1),
        ),
      ),
  );
  for (const r of rows)
    console.log(
      `  ${r.variant.padEnd(24)} requests/s ${r.requestsPerSecond.join(', ')} (median ${median(r.requestsPerSecond)}); CPU µs/request: whole tree ${r.treeCpuUs.join(', ')} (median ${median(r.treeCpuUs)}), gateway process ${r.gatewayCpuUs.join(', ')} (median ${median(r.gatewayCpuUs)}); p99 ${r.p99Ms.join(', ')} ms; start-up ${r.startupMs.join(', ')} ms`,
    );
  console.log(
    `  tracing cost at c=16 on GET /products/{id}, ${rounds} rounds: ${cpuPercent} % of the system's CPU per request (the gateway process's extra CPU over the whole tree's, median of the rounds); throughput ${throughputPercent} % lower (median against median)`,
  );
  return { rows, throughputPercent, cpuPercent };
}

export interface TracingWindows {
  /** CPU µs per request of the gateway's process, in each window with tracing on, and off. */
  readonly gatewayOn: number[];
  readonly gatewayOff: number[];
  /** CPU µs per request of the whole `npm start` tree, likewise. */
  readonly treeOn: number[];
  readonly treeOff: number[];
  readonly rpsOn: number[];
  readonly rpsOff: number[];
  /** The median, over the pairs of windows, of the gateway's extra CPU over the tree's CPU without, in %. */
  readonly cpuPercent: number;
  /** 1 − median(req/s on) / median(req/s off), in %. */
  readonly throughputPercent: number;
}

/**
 * The cost measured inside one running `npm start`: its console's `tracing` switch is turned on
 * and off between short windows of the same load, so both sides share the same instances, the
 * same JIT state and the same moment of the machine; only the recording differs. Each pair of
 * windows (on then off, or off then on) gives the extra CPU per request of the gateway's process
 * with tracing on, over the CPU per request of the whole tree without it.
 */
export async function measureTracingWindows(
  args: readonly string[],
  options: { pairs: number; seconds: number; warmupSeconds: number },
): Promise<TracingWindows> {
  const cli = await startCli(args);
  try {
    const secret = /[?&]secret=([\w-]+)/.exec(cli.banner)?.[1];
    if (!secret) throw new Error('the banner names no console URL (is the console off?)');
    const setTracing = async (tracing: boolean) => {
      const answer = await fetch(`${cli.url}/_local/console/api/switches`, {
        method: 'PUT',
        headers: { 'x-console-secret': secret, 'content-type': 'application/json' },
        body: JSON.stringify({ tracing }),
      });
      if (!answer.ok) throw new Error(`the tracing switch answered ${answer.status}`);
    };
    const target = await getTarget(cli);
    await runLoad(target, 16, options.warmupSeconds);
    const pid = cli.child.pid ?? 0;
    const window = async (tracing: boolean) => {
      await setTracing(tracing);
      const before = await treeCpuMs(pid);
      const load = await runLoad(target, 16, options.seconds);
      const after = await treeCpuMs(pid);
      if (load.failures > 0) throw new Error(`${load.failures} requests failed`);
      const perRequest = (ms: number) => Math.round((ms * 1000) / load.requests);
      return {
        gateway: perRequest(after.root - before.root),
        tree: perRequest(after.tree - before.tree),
        rps: load.requestsPerSecond,
      };
    };
    const result = { gatewayOn: [], gatewayOff: [], treeOn: [], treeOff: [], rpsOn: [], rpsOff: [] } as {
      [K in Exclude<keyof TracingWindows, 'cpuPercent' | 'throughputPercent'>]: number[];
    };
    const shares: number[] = [];
    for (let pair = 0; pair < options.pairs; pair++) {
      const order = pair % 2 === 0 ? [true, false] : [false, true];
      const [first, second] = [await window(order[0] ?? true), await window(order[1] ?? false)];
      const on = order[0] ? first : second;
      const off = order[0] ? second : first;
      result.gatewayOn.push(on.gateway);
      result.gatewayOff.push(off.gateway);
      result.treeOn.push(on.tree);
      result.treeOff.push(off.tree);
      result.rpsOn.push(on.rps);
      result.rpsOff.push(off.rps);
      shares.push((on.gateway - off.gateway) / Math.max(1, off.tree));
    }
    await setTracing(true);
    const round1 = (x: number) => Math.round(x * 10) / 10;
    const cpuPercent = round1(100 * median(shares));
    const throughputPercent = round1(100 * (1 - median(result.rpsOn) / Math.max(1, median(result.rpsOff))));
    const line = (label: string, values: number[]) =>
      `${label} ${values.join(', ')} (median ${median(values)})`;
    console.log(
      `  one npm start, the tracing switch turned between ${options.pairs * 2} windows of ${options.seconds} s:`,
    );
    console.log(
      `    on:  ${line('req/s', result.rpsOn)}; ${line('gateway CPU µs/request', result.gatewayOn)}; ${line('whole tree', result.treeOn)}`,
    );
    console.log(
      `    off: ${line('req/s', result.rpsOff)}; ${line('gateway CPU µs/request', result.gatewayOff)}; ${line('whole tree', result.treeOff)}`,
    );
    console.log(
      `  tracing cost, switch on against off in the same process: ${cpuPercent} % of the system's CPU per request (median of ${options.pairs} pairs), throughput ${throughputPercent} % lower (median against median)`,
    );
    return { ...result, cpuPercent, throughputPercent };
  } finally {
    await cli.stop();
  }
}

/**
 * The tracer's own work for one request, alone: what the gateway, the Lambda service and the guard
 * hand it for a GET with one DynamoDB call (begin, route, a step, the invocation's start, the
 * call, its report and end, the answer), `iterations` times; the best of `runs` runs, in µs per request. Beside
 * the CPU the `npm start` process spends per request, it bounds the tracing's cost where the
 * machine is too busy for throughput runs to tell 3 % apart.
 */
export async function measureTracerWork(iterations = 20_000, runs = 5): Promise<number> {
  const { Tracer } = await import('#local/tracing/tracer.ts');
  const tracer = new Tracer({ capacity: 10_000 });
  const body = JSON.stringify({ TableName: 'products', Key: { id: { S: '01M96RVKX6GB21CVDDHP49DTEX' } } });
  const one = (i: number) => {
    const requestId = `request-${i}`;
    const root = `Root=1-66704cad-${i.toString(16).padStart(24, '0')}`;
    const steps = tracer.observer.begin({ requestId, traceHeader: root, method: 'GET', path: '/products/x' });
    steps.matched('/products/{id}', 'products-get');
    steps.step('authorizer')({ 'local.authorizer': 'cached', 'local.authorized': true });
    steps.verified('bench');
    steps.invoking();
    steps.started('ecc40053-1caf-4a9d-9ff2-d55e8330275f', false);
    tracer.onDynamoDbCall({
      traceHeader: `${root};Parent=9f2c0d4e1a2b3c4d;Sampled=0`,
      functionName: 'products-get',
      operation: 'GetItem',
      tables: ['products'],
      body,
      attempt: 1,
      iam: { decision: 'allow', statements: ['UseOwnTable'] },
      startTime: 0,
      endTime: 1,
      statusCode: 200,
    });
    steps.reported(2, undefined);
    steps.invoked(true);
    steps.answered(200);
  };
  let best = Number.POSITIVE_INFINITY;
  for (let run = 0; run < runs; run++) {
    const started = process.cpuUsage();
    for (let i = 0; i < iterations; i++) one(run * iterations + i);
    const used = process.cpuUsage(started);
    best = Math.min(best, (used.user + used.system) / iterations);
  }
  const perRequest = Math.round(best * 10) / 10;
  console.log(
    `  the tracer's work per request, alone: ${perRequest} µs of CPU (best of ${runs} runs of ${iterations})`,
  );
  return perRequest;
}
