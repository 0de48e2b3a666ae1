// The functions' Node.js, measured back to back on one machine: `npm start` with instances on the
// machine's Node.js (the deployed major's rules emulated, SM_FUNCTIONS_NODE=machine) beside
// instances on the deployed major's binary (the platform package), the tools on the machine's
// Node.js in both. Each row: start-up to the banner, a function's first invocation
// (GET /products/{id} just after the banner: products-get cold), throughput at c=16 on that
// route, and the RSS of the process tree after it.
import { execFileSync } from 'node:child_process';
import { MACHINE_ONLY_VARIABLE, resolveDeployedNode } from '#local/lambda/deployed-runtime.ts';
import { startCli, treeRssMb } from './cli-process.ts';
import { runLoad } from './load.ts';

export interface RuntimeRow {
  readonly variant: string;
  readonly node: string;
  readonly startupMs: readonly number[];
  readonly firstInvocationMs: readonly number[];
  readonly requestsPerSecond: readonly number[];
  readonly p99Ms: readonly number[];
  readonly rssMb: readonly number[];
}

interface Variant {
  readonly variant: string;
  readonly execPath: string;
  readonly env: Record<string, string>;
  readonly root?: string;
}

const median = (values: readonly number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

/**
 * The variants this machine can run; the machine's Node.js is the one npm itself runs on. With
 * `baseline`, another checkout (e.g. one from before a change) runs first, on the machine's Node.js.
 */
function variants(baseline?: string): Variant[] {
  const machine = process.env.npm_node_execpath ?? process.execPath;
  const version = execFileSync(machine, ['-p', 'process.version'], { encoding: 'utf8' }).trim();
  const deployed = resolveDeployedNode({ execPath: machine, version });
  const deployedRow = { variant: 'deployed major', execPath: machine, env: {} };
  const before = baseline
    ? [{ variant: `the checkout in ${baseline}`, execPath: machine, env: {}, root: baseline }]
    : [];
  if (deployed.execPath === machine) return [...before, deployedRow];
  return [
    ...before,
    {
      variant: "machine's Node.js, deployed rules emulated",
      execPath: machine,
      env: { [MACHINE_ONLY_VARIABLE]: 'machine' },
    },
    deployedRow,
  ];
}

async function measureOnce(variant: Variant, args: readonly string[], seconds: number) {
  const cli = await startCli(args, { execPath: variant.execPath, env: variant.env, root: variant.root });
  try {
    // A checkout from before the banner named it ran its functions on the Node.js that started it.
    const node =
      /^ {2}Functions {2}Node\.js (\S+)/m.exec(cli.banner)?.[1] ?? `${variant.root ? 'its own, ' : ''}?`;
    const auth = { authorization: cli.token };
    const created = await fetch(`${cli.url}/products`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'runtime', price: 1 }),
    });
    if (created.status !== 201) throw new Error(`POST /products answered ${created.status}`);
    const { id } = (await created.json()) as { id: string };
    const url = `${cli.url}/products/${id}`;
    const started = performance.now();
    const first = await fetch(url, { headers: auth });
    await first.arrayBuffer();
    const firstInvocationMs = Math.round(performance.now() - started);
    if (first.status !== 200) throw new Error(`GET /products/{id} answered ${first.status}`);
    await runLoad({ url, headers: auth }, 16, 1);
    const load = await runLoad({ url, headers: auth }, 16, seconds);
    const rssMb = await treeRssMb(cli.child.pid ?? 0);
    return { node, startupMs: cli.readyMs, firstInvocationMs, load, rssMb };
  } finally {
    await cli.stop();
  }
}

/** `rounds` rounds, each running every variant once in turn, so that the machine's load falls on all alike. */
export async function measureRuntimes(
  args: readonly string[],
  rounds: number,
  seconds: number,
  baseline?: string,
): Promise<RuntimeRow[]> {
  const all = variants(baseline);
  const rows = all.map((v) => ({
    variant: v.variant,
    node: '',
    startupMs: [] as number[],
    firstInvocationMs: [] as number[],
    requestsPerSecond: [] as number[],
    p99Ms: [] as number[],
    rssMb: [] as number[],
  }));
  for (let round = 0; round < rounds; round++)
    for (const [i, variant] of all.entries()) {
      const m = await measureOnce(variant, args, seconds);
      const row = rows[i];
      if (!row) continue;
      row.node = m.node;
      row.startupMs.push(m.startupMs);
      row.firstInvocationMs.push(m.firstInvocationMs);
      row.requestsPerSecond.push(m.load.requestsPerSecond);
      row.p99Ms.push(m.load.p99);
      row.rssMb.push(m.rssMb);
    }
  return rows;
}

/** The rows as a table, medians with the ratio to the first row (the machine's Node.js when there is one). */
export function runtimeTable(rows: readonly RuntimeRow[]): string {
  const base = rows[0];
  const ratio = (value: number, of: number) => (of > 0 ? ` (${(value / of).toFixed(2)}×)` : '');
  const lines = [
    '| functions on | Node.js | start-up ms | first invocation ms | GET /products/{id} c=16 req/s | p99 ms | RSS MB |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const row of rows) {
    const cell = (values: readonly number[], baseValues: readonly number[] | undefined) =>
      `${median(values)}${row === base || !baseValues ? '' : ratio(median(values), median(baseValues))}`;
    lines.push(
      `| ${row.variant} | ${row.node} | ${cell(row.startupMs, base?.startupMs)} | ${cell(row.firstInvocationMs, base?.firstInvocationMs)} | ${cell(row.requestsPerSecond, base?.requestsPerSecond)} | ${cell(row.p99Ms, base?.p99Ms)} | ${cell(row.rssMb, base?.rssMb)} |`,
    );
  }
  return lines.join('\n');
}
