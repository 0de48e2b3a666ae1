// `npm run bench -- --tracing-cost`: what the console's tracing costs on the request path. The
// same `npm start` with and without `--no-console`, alternated round by round so that the
// machine's load falls on both alike, each serving GET /products/{id} at c=16 (autocannon in its
// own process); also the start-up to the banner, which the console must not slow down.
import { startCli } from './cli-process.ts';
import { runLoad } from './load.ts';

export interface TracingCostRow {
  readonly variant: 'console and tracing on' | 'off (--no-console)';
  readonly startupMs: number[];
  readonly requestsPerSecond: number[];
  readonly p99Ms: number[];
}

const median = (values: readonly number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

async function measureOnce(args: readonly string[], seconds: number) {
  const cli = await startCli(args);
  try {
    const auth = { authorization: cli.token };
    const created = await fetch(`${cli.url}/products`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'tracing', price: 1 }),
    });
    if (created.status !== 201) throw new Error(`POST /products answered ${created.status}`);
    const { id } = (await created.json()) as { id: string };
    const target = { url: `${cli.url}/products/${id}`, headers: auth };
    await runLoad(target, 16, 2); // warm-up: instances started, JIT warm
    const load = await runLoad(target, 16, seconds);
    if (load.failures > 0) throw new Error(`${load.failures} requests failed`);
    return { startupMs: cli.readyMs, load };
  } finally {
    await cli.stop();
  }
}

/** `rounds` rounds of both variants; prints each row and the cost (median against median). */
export async function measureTracingCost(
  args: readonly string[],
  rounds: number,
  seconds: number,
): Promise<{ rows: TracingCostRow[]; costPercent: number }> {
  const rows: TracingCostRow[] = [
    { variant: 'console and tracing on', startupMs: [], requestsPerSecond: [], p99Ms: [] },
    { variant: 'off (--no-console)', startupMs: [], requestsPerSecond: [], p99Ms: [] },
  ];
  for (let round = 0; round < rounds; round++) {
    for (const row of round % 2 === 0 ? rows : [...rows].reverse()) {
      const extra = row.variant === 'off (--no-console)' ? ['--no-console'] : [];
      const m = await measureOnce([...args, ...extra], seconds);
      row.startupMs.push(m.startupMs);
      row.requestsPerSecond.push(Math.round(m.load.requestsPerSecond));
      row.p99Ms.push(m.load.p99);
    }
  }
  const [on, off] = rows.map((row) => median(row.requestsPerSecond));
  const costPercent = off ? Math.round((1 - (on ?? 0) / off) * 1000) / 10 : 0;
  for (const row of rows)
    console.log(
      `  ${row.variant.padEnd(24)} requests/s ${row.requestsPerSecond.join(', ')} (median ${median(row.requestsPerSecond)}), p99 ${row.p99Ms.join(', ')} ms, start-up ${row.startupMs.join(', ')} ms`,
    );
  console.log(
    `  tracing cost at c=16 on GET /products/{id}: ${costPercent} % of throughput (median of ${rounds})`,
  );
  return { rows, costPercent };
}

/**
 * The same comparison, less at the mercy of a busy machine: the CPU time the `npm start` process
 * itself (gateway, tracer, IAM guard, dynalite) spends per request, with the system started in
 * this process and the load generated from another. The functions' own processes are left out,
 * so the share it gives is an upper bound of the tracing's share of all the work.
 */
export async function measureTracingCpu(rounds: number, seconds: number): Promise<number> {
  const { startLocalSystem } = await import('#local/start-local-system.ts');
  const { mkdtemp, rm } = await import('node:fs/promises');
  const os = await import('node:os');
  const path = await import('node:path');
  const perRequest: Record<'on' | 'off', number[]> = { on: [], off: [] };
  for (let round = 0; round < rounds; round++) {
    for (const variant of round % 2 === 0 ? (['on', 'off'] as const) : (['off', 'on'] as const)) {
      const dataDir = await mkdtemp(path.join(os.tmpdir(), 'sm-bench-tracing-'));
      const system = await startLocalSystem({
        port: 0,
        engine: 'dynalite',
        dataDir,
        inMemory: true,
        logLevel: 'WARN',
        logSink: { write() {} },
        throttle: false,
        notice: () => {},
        ...(variant === 'on' ? { console: {} } : {}),
      });
      try {
        const auth = {
          authorization: `Bearer ${await system.userPool.mint({ user: 'bench', groups: ['admin'] })}`,
        };
        const created = await fetch(`${system.url}/products`, {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/json' },
          body: JSON.stringify({ name: 'tracing', price: 1 }),
        });
        const { id } = (await created.json()) as { id: string };
        const target = { url: `${system.url}/products/${id}`, headers: auth };
        await runLoad(target, 16, 2);
        const before = process.cpuUsage();
        const load = await runLoad(target, 16, seconds);
        const used = process.cpuUsage(before);
        perRequest[variant].push(Math.round((used.user + used.system) / load.requests));
      } finally {
        await system.stop();
        await rm(dataDir, { recursive: true, force: true });
      }
    }
  }
  const on = median(perRequest.on);
  const off = median(perRequest.off);
  const share = off ? Math.round(((on - off) / off) * 1000) / 10 : 0;
  console.log(
    `  CPU of the npm start process per request (µs): on ${perRequest.on.join(', ')} (median ${on}), off ${perRequest.off.join(', ')} (median ${off})`,
  );
  console.log(
    `  tracing's share of that process's CPU per request: ${share} % (an upper bound of the throughput cost)`,
  );
  return share;
}

/**
 * The tracer's own work for one request, alone: what the gateway, the Lambda service and the guard
 * hand it for a GET with one DynamoDB call (begin, route, two steps, the invocation, its REPORT
 * line, the call, the end), `iterations` times; the best of `runs` runs, in µs per request. Beside
 * the CPU the `npm start` process spends per request, it bounds the tracing's cost where the
 * machine is too busy for throughput runs to tell 3 % apart.
 */
export async function measureTracerWork(iterations = 20_000, runs = 5): Promise<number> {
  const { Tracer } = await import('#local/tracing/tracer.ts');
  const tracer = new Tracer({ capacity: 10_000 });
  const inner = {
    invoke: async (
      _name: string,
      _event: unknown,
      options?: { onStart?: (i: { invocationId: string; cold: boolean }) => void },
    ) => {
      options?.onStart?.({ invocationId: 'ecc40053-1caf-4a9d-9ff2-d55e8330275f', cold: false });
      return { kind: 'result' as const, value: {} };
    },
  };
  const invoker = tracer.invoker(inner as never);
  const body = JSON.stringify({ TableName: 'products', Key: { id: { S: '01M96RVKX6GB21CVDDHP49DTEX' } } });
  const one = async (i: number) => {
    const requestId = `request-${i}`;
    const root = `Root=1-66704cad-${i.toString(16).padStart(24, '0')}`;
    const steps = tracer.observer.begin({ requestId, traceHeader: root, method: 'GET', path: '/products/x' });
    steps.route('/products/{id}', 'products-get');
    steps.step('authorizer')({ 'local.authorizer': 'cached', 'local.authorized': true });
    steps.user('bench');
    await invoker.invoke('products-get', { requestContext: { requestId } } as never);
    tracer.logSink.write(
      'products-get',
      'REPORT RequestId: ecc40053-1caf-4a9d-9ff2-d55e8330275f\tDuration: 2.00 ms\tBilled Duration: 2 ms',
    );
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
    steps.end(200);
  };
  let best = Number.POSITIVE_INFINITY;
  for (let run = 0; run < runs; run++) {
    const started = process.cpuUsage();
    for (let i = 0; i < iterations; i++) await one(run * iterations + i);
    const used = process.cpuUsage(started);
    best = Math.min(best, (used.user + used.system) / iterations);
  }
  const perRequest = Math.round(best * 10) / 10;
  console.log(
    `  the tracer's work per request, alone: ${perRequest} µs of CPU (best of ${runs} runs of ${iterations})`,
  );
  return perRequest;
}
