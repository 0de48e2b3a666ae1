// Writes a benchmark run: the raw figures as JSON (bench/results/) and, for a full run, the
// tables and an SVG chart of system ÷ raw ratios in docs/benchmarks.md.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PROJECT_ROOT } from '#src/declaration/load-services.ts';
import type { ColdStart } from './cold-start.ts';
import { type FirstRequests, firstRequestsTable } from './first-requests.ts';
import type { FreshStart } from './fresh-start.ts';
import type { HandlerAloneRow } from './handler-alone.ts';
import type { PeerResult } from './peer-comparison.ts';
import { type RuntimeRow, runtimeTable } from './runtime-rows.ts';
import type { Scenario } from './throughput.ts';

export interface EngineResult {
  readonly engine: string;
  /** `npm start` until its banner, serving the bundles the previous start kept. */
  readonly startupMs: readonly number[];
  /** The same with `--no-build-cache --build-all`: every bundle built before the banner. */
  readonly startupBuildingMs?: readonly number[];
  readonly reloadMs: readonly number[];
  readonly scenarios: readonly Scenario[];
  /** RSS of the `npm start` process tree after each route's run at the highest concurrency. */
  readonly rssMb: Readonly<Record<string, number>>;
  /** RSS once idle instances have been retired (full runs only). */
  readonly idleRssMb?: number;
  /** The same moments' proportional set size (shared pages counted once in all); absent in older results. */
  readonly pssMb?: Readonly<Record<string, number>>;
  readonly idlePssMb?: number;
}

export interface BenchResult {
  readonly date: string;
  readonly quick: boolean;
  readonly machine: { cpus: number; model: string; memoryGb: number; loadAverage: readonly number[] };
  readonly versions: Readonly<Record<string, string>>;
  readonly engines: readonly EngineResult[];
  /** `npm start` beside serverless-offline in-process, same run, same load (dynalite). */
  readonly peer?: PeerResult;
  readonly coldStarts: readonly ColdStart[];
  /** The first `npm start` of a fresh clone (nothing kept), beside one finding everything kept. */
  readonly freshStarts?: readonly FreshStart[];
  /** Each GET-by-id bundle's handler called in one process, beside the raw SDK loop (dynalite). */
  readonly handlersAlone?: readonly HandlerAloneRow[];
  /** The first requests after a start that found its bundles kept, and after a reload (dynalite). */
  readonly firstRequests?: FirstRequests;
  /** The functions' Node.js: the machine's (emulating) beside the deployed major's, on dynalite. */
  readonly runtimes?: readonly RuntimeRow[];
}

const pct = (ratio: number) => `${Math.round(ratio * 100)} %`;

/** The throughput table, as quoted in the README. */
export function throughputTable(result: BenchResult): string {
  const rows = ['| engine | route | c | local system req/s | raw SDK req/s | ratio | p50 / p99 ms |'];
  rows.push('| --- | --- | --- | --- | --- | --- | --- |');
  for (const { engine, scenarios } of result.engines)
    for (const s of scenarios)
      rows.push(
        `| ${engine} | \`${s.route}\` | ${s.concurrency} | ${s.system.requestsPerSecond} | ${s.raw.requestsPerSecond} | **${pct(s.ratio)}** | ${s.system.p50} / ${s.system.p99} |`,
      );
  return result.peer ? `${rows.join('\n')}\n\n${peerTable(result.peer)}` : rows.join('\n');
}

/** `npm start` beside the peer: req/s of each and their ratio, then both trees' RSS. */
export function peerTable(peer: PeerResult): string {
  const rows = [
    `| engine | route | c | \`npm start\` req/s | ${peer.peer} req/s | npm start ÷ peer | p50 ms (ours / peer) |`,
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...peer.scenarios.map(
      (s) =>
        `| dynalite | \`${s.route}\` | ${s.concurrency} | ${s.ours.requestsPerSecond} | ${s.peer.requestsPerSecond} | **${s.ratio}×** | ${s.ours.p50} / ${s.peer.p50} |`,
    ),
  ];
  const versions = Object.entries(peer.versions)
    .map(([name, version]) => `${name} ${version}`)
    .join(', ');
  const rss = peer.rssMb
    ? `; process-tree RSS after GET at the highest concurrency: \`npm start\` ${peer.rssMb.ours} MB, peer ${peer.rssMb.peer} MB`
    : '';
  return `${rows.join('\n')}\n\nPeer: ${versions}${rss}.`;
}

function chart(result: BenchResult): string {
  const bars = result.engines.flatMap(({ engine, scenarios }) =>
    scenarios.map((s) => ({ label: `${engine} ${s.route} c=${s.concurrency}`, ratio: s.ratio })),
  );
  const width = 760;
  const left = 330;
  const scale = (width - left - 60) / Math.max(1.2, ...bars.map((b) => b.ratio));
  const rowHeight = 18;
  const height = bars.length * rowHeight + 40;
  const x = (ratio: number) => left + ratio * scale;
  const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const lines = bars.map((bar, i) => {
    const y = 20 + i * rowHeight;
    return [
      `<text x="${left - 6}" y="${y + 12}" text-anchor="end">${escapeXml(bar.label)}</text>`,
      `<rect x="${left}" y="${y + 2}" width="${Math.max(1, bar.ratio * scale).toFixed(1)}" height="${rowHeight - 5}" fill="${bar.ratio >= 0.7 ? '#2a9d8f' : bar.ratio >= 0.6 ? '#e9c46a' : '#e76f51'}"/>`,
      `<text x="${(x(bar.ratio) + 4).toFixed(1)}" y="${y + 12}">${pct(bar.ratio)}</text>`,
    ].join('');
  });
  const mark = (ratio: number) =>
    `<line x1="${x(ratio)}" y1="14" x2="${x(ratio)}" y2="${height - 14}" stroke="#555" stroke-dasharray="4 3"/><text x="${x(ratio)}" y="${height - 2}" text-anchor="middle">${pct(ratio)}</text>`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">`,
    '<title>Local system requests per second as a share of the raw SDK, per engine, route and concurrency</title>',
    `<text x="${left}" y="11">local system req/s ÷ raw SDK req/s, same run</text>`,
    ...lines,
    mark(0.6),
    mark(0.7),
    mark(1),
    '</svg>',
    '',
  ].join('\n');
}

function markdown(result: BenchResult, jsonName: string): string {
  const engineRows = result.engines.map(
    (e) =>
      `| ${e.engine} | ${e.startupMs.join(', ')} | ${e.startupBuildingMs?.join(', ') ?? '—'} | ${e.reloadMs.join(', ')} | ${Object.entries(
        e.rssMb,
      )
        .map(
          ([route, mb]) => `${route}: ${mb}${e.pssMb?.[route] === undefined ? '' : ` (${e.pssMb[route]})`}`,
        )
        .join('; ')} | ${e.idleRssMb ?? '—'}${e.idlePssMb === undefined ? '' : ` (${e.idlePssMb})`} |`,
  );
  const coldRows = result.coldStarts.map(
    (c) =>
      `| ${c.name} | ${c.medianMs} | ${c.msRatio}×${c.against ? ` (against \`${c.against}\`)` : ''} | ${c.bytes} | ${c.bytesRatio}× | ${c.statusCode ?? '—'} |`,
  );
  const { machine, versions } = result;
  return `# Benchmarks

Produced by \`npm run bench\` (see \`bench/\`) on ${result.date}: ${machine.cpus} × ${machine.model},
${machine.memoryGb} GB, load average at the start ${machine.loadAverage.join(' / ')} (the machine is
shared: absolute figures move with its load; ratios measured in the same run move less, though
on the 2-core development machine still by 10–20 points from one full run to the next).
Versions: ${Object.entries(versions)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')}. Raw figures: [\`bench/results/${jsonName}\`](../bench/results/${jsonName}).

## How it is measured

- Load comes from [autocannon](https://github.com/mcollina/autocannon) in a process of its own.
- **Local system**: \`npm start\` (\`node --import tsx local/cli.ts --in-memory\`) in a child process:
  HTTP → gateway → an isolated instance (worker thread) → the engine.
- **Raw SDK**: the same DynamoDB call through the AWS SDK's document client behind Node's barest
  HTTP server (\`bench/raw-sdk-server.ts\`), in its own process, against the same engine instance.
- **Peer**: serverless-offline in-process (pinned; our deployed bundles of products-get, -create
  and -list against the same engine and IAM guard, the admin's claims from its \`AUTHORIZER\`
  variable; see [performance.md](performance.md#beside-serverless-offline-in-process)) beside a
  fresh \`npm start\` on dynalite: 2 s of warm-up each, then their runs alternate; medians are kept.
- Each scenario: a warm-up (10 s for the local system: every instance has its own JIT to warm;
  2 s for the raw server), then system and raw runs alternate; medians are kept. The local
  system's functions log at WARN, so no per-request INFO line is written.
- Start-up: from spawning \`npm start\` to its banner. A start with nothing changed serves the
  bundles the previous start kept (the first start of the run keeps them and is not counted);
  the second column builds every bundle before its banner (\`--no-build-cache --build-all\`). A
  start that finds nothing kept builds each bundle at its function's first request instead: the
  fresh-clone rows below measure that path, to the first answer.
- RSS: the whole \`npm start\` process tree (Linux \`/proc\`), on a fresh \`npm start\` with no raw
  runs (with dynalite the engine is in that process: the raw runs' items and work would be
  counted): at its banner; idle, once its background build (the hot reload's context, filled after
  a quiet second) is over and the tree has used no CPU for 3 s; then after 10 s at c=64 of GET,
  POST and list in turn, then once the idle instances have retired (the target: within 20 % of
  idle). In brackets, the same moments' PSS (\`smaps_rollup\`): a page several
  processes share, such as the Node.js binary each instance maps, counts once in all rather than
  once per process. The targets are set on RSS.

## Throughput: local system against raw SDK

![ratios](benchmarks.svg)

${throughputTable(result)}

## Start-up, reload, memory

| engine | \`npm start\` until its banner, ms | the same, building every bundle, ms | edit → served, ms | RSS (PSS) after each route at c=64, MB | RSS (PSS) after idle instances retire, MB |
| --- | --- | --- | --- | --- | --- |
${engineRows.join('\n')}

${
  result.runtimes
    ? `## Which Node.js runs the functions (dynalite, medians; ratios against the first row)

Each round starts \`node --import tsx local/cli.ts\` on the machine's Node.js once per row, in
turn: instances on the machine's Node.js with the deployed major's rules emulated
(\`SM_FUNCTIONS_NODE=machine\`), then on the deployed major's binary. First invocation: GET /products/{id} right after the banner (products-get
cold). Throughput: 1 s of warm-up, then the route at c=16. RSS: the process tree after it.

${runtimeTable(result.runtimes)}

`
    : ''
}${
  result.freshStarts
    ? `## The first start of a fresh clone

\`npm start\` with nothing kept from an earlier start (no bundles, no policies synthesized from the
CDK app, no tsx cache), from spawning it to its banner / to its first answer (\`GET /products?limit=1\`),
each followed by a start that finds everything kept. Target: first answer within 4 s.

| engine | fresh clone: banner / first answer, ms | everything kept, ms |
| --- | --- | --- |
${result.freshStarts.map((f) => `| ${f.engine} | ${f.fresh.map((x) => `${x.bannerMs} / ${x.firstAnswerMs}`).join(', ')} | ${f.kept.map((x) => `${x.bannerMs} / ${x.firstAnswerMs}`).join(', ')} |`).join('\n')}

`
    : ''
}${
  result.firstRequests
    ? `## The first requests after a start and after a reload (dynalite)

${firstRequestsTable(result.firstRequests, result.coldStarts)}

`
    : ''
}${
  result.handlersAlone
    ? `## Each bundle's handler alone, beside the raw SDK loop (dynalite, medians)

The bundle's \`handler\` called in a loop in one Node process, 16 calls in flight (no gateway, no
instance), against the local system's dynalite; in the same process the raw SDK makes the same
GetItem, the two taking turns in windows of 1 s after a 2 s warm-up each (one process per log level
and round); the ratio is the median of each pair's. At INFO each request writes its log line (to
\`/dev/null\`). Target: at least 0.85× at INFO.

| bundle | log level | c | handler req/s | raw SDK req/s | ratio | CPU per call, handler / raw |
| --- | --- | --- | --- | --- | --- | --- |
${result.handlersAlone.map((r) => `| ${r.name} | ${r.logLevel} | ${r.concurrency} | ${r.handler} | ${r.raw} | **${r.ratio}×** | ${r.handlerCpuMicros} / ${r.rawCpuMicros} µs |`).join('\n')}

`
    : ''
}## Cold start: import + first invocation in a fresh Node process (median)

Ratios are against \`baseline-sdk-get-item\` (the DynamoDB document client and one GetItem), except
where a row names its baseline: a create sent an \`Idempotency-Key\` (a fresh one each run) is held to
\`baseline-sdk-idempotent-create\`, the client making the same three calls (the record's conditional
put, the item's put, the update storing the response), and an update (PATCH) is held to
\`baseline-sdk-read-update\`, the client making the same two calls (a consistent GetItem, then an
UpdateItem on condition that the revision is the one read) on the first update's item.
Each function's first invocation takes its successful path: a function of an \`{id}\` route has
an item of its own, which its service's PUT function puts back (untimed) at the start of every
round, so a PATCH reads and writes and a GET finds what it reads. Rounds run in a new random
order each time, after one round not counted.

| bundle | ms | ratio | bytes | ratio | status |
| --- | --- | --- | --- | --- | --- |
${coldRows.join('\n')}
`;
}

/**
 * `docs/benchmarks-notes.md` as the last section of benchmarks.md: measurements of one change,
 * made by hand between full runs, are not lost when a full run rewrites the page. Empty when the
 * notes are gone (delete them once a full run has measured the same).
 */
async function targetedMeasurements(): Promise<string> {
  let notes: string;
  try {
    notes = await readFile(path.join(PROJECT_ROOT, 'docs', 'benchmarks-notes.md'), 'utf8');
  } catch {
    return '';
  }
  const body = notes
    .replace(/^# .*\n/, '## Targeted measurements since this run\n')
    .replace(/\n## /g, '\n### ');
  return `\n---\n\n${body}`;
}

/** Writes the JSON (always) and, for a full run, docs/benchmarks.md and its chart. */
export async function writeReport(result: BenchResult): Promise<string> {
  const dir = path.join(PROJECT_ROOT, 'bench', 'results');
  await mkdir(dir, { recursive: true });
  const day = result.date.slice(0, 10);
  // Quick runs (CI) are scratch: git ignores them.
  const jsonName = result.quick ? `${day}.scratch.json` : `${day}.json`;
  await writeFile(path.join(dir, jsonName), `${JSON.stringify(result, null, 2)}\n`);
  if (!result.quick) {
    await writeFile(path.join(PROJECT_ROOT, 'docs', 'benchmarks.svg'), chart(result));
    await writeFile(
      path.join(PROJECT_ROOT, 'docs', 'benchmarks.md'),
      markdown(result, jsonName) + (await targetedMeasurements()),
    );
  }
  return path.join(dir, jsonName);
}
