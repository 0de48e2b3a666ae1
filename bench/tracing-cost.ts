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
