// The first requests a developer sends: to each function right after a start that finds its
// bundles kept (each one a cold start), the first 100 to one route, and the first request to a
// function swapped by a reload. A load test warmed for seconds never sees these; a developer
// trying a change sees nothing else.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ReloadEvent } from '#local/hot-reload.ts';
import { startLocalSystem } from '#local/start-local-system.ts';
import { DEFAULT_SERVICES_DIR, loadServices, PROJECT_ROOT } from '#src/declaration/load-services.ts';
import { type CliProcess, startCli } from './cli-process.ts';
import { type ColdStart, eventFor, FIXTURE } from './cold-start.ts';
import { percentiles } from './percentiles.ts';

export interface FirstRequests {
  /** Right after a start that found its bundles kept: each function's first request, in declaration order. */
  readonly afterStart: readonly { name: string; route: string; status: number; ms: number }[];
  /** Then the first `count` requests to `route`, one at a time (its instance is the one started above). */
  readonly firstHundred: { route: string; count: number; p50: number; p99: number };
  /** The first request to a function its edit swapped, once the reload is done, per edit (ms). */
  readonly afterReload: readonly number[];
}

const FIRST_COUNT = 100;

/** Milliseconds of one request, and its status. */
async function timed(url: string, init: RequestInit): Promise<{ ms: number; status: number }> {
  const started = performance.now();
  const res = await fetch(url, init);
  await res.arrayBuffer();
  return { ms: Math.round((performance.now() - started) * 10) / 10, status: res.status };
}

/**
 * A request to each declared function (the route's method and path, a body its handler accepts,
 * an admin's token), in declaration order, on a system that has not served any yet.
 */
async function firstOfEach(cli: CliProcess): Promise<FirstRequests['afterStart']> {
  const base = JSON.parse(await readFile(FIXTURE, 'utf8')) as Record<string, unknown>;
  const rows: { name: string; route: string; status: number; ms: number }[] = [];
  for (const { service } of await loadServices()) {
    for (const fn of service.functions) {
      const event = eventFor(base, fn.method, fn.path);
      const { ms, status } = await timed(`${cli.url}${event.path}`, {
        method: fn.method,
        headers: { 'content-type': event.headers['Content-Type'], authorization: cli.token },
        ...(event.body === null ? {} : { body: event.body }),
      });
      rows.push({ name: fn.name, route: `${fn.method} ${fn.path}`, status, ms });
    }
  }
  return rows;
}

/** The first 100 requests to GET /products/{id} of an item created for it, one at a time. */
async function firstHundred(cli: CliProcess): Promise<FirstRequests['firstHundred']> {
  const auth = { authorization: cli.token };
  const created = await fetch(`${cli.url}/products`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...auth },
    body: JSON.stringify({ name: 'first', price: 1 }),
  });
  if (created.status !== 201) throw new Error(`POST /products answered ${created.status}`);
  const { id } = (await created.json()) as { id: string };
  const ms: number[] = [];
  for (let i = 0; i < FIRST_COUNT; i++) {
    const answer = await timed(`${cli.url}/products/${id}`, { headers: auth });
    if (answer.status !== 200) throw new Error(`GET /products/{id} answered ${answer.status}`);
    ms.push(answer.ms);
  }
  const { p50, p99 } = percentiles(ms);
  return { route: 'GET /products/{id}', count: FIRST_COUNT, p50, p99 };
}

/** A handler file that is `get.ts` plus a statement an edit changes, so that its bundle changes. */
const getHandler = (revision: number) =>
  `export { makeHandler } from '#src/handlers/get.ts';\n(globalThis as Record<string, unknown>).benchRevision = ${revision};\n`;

/**
 * `runs` edits of a handler that is the project's GET-by-id handler (a service of its own in a
 * scratch folder, beside the project's services): after each reload that swapped it, the time of
 * its first request (a cold start of the new bundle, reading an item that exists).
 */
async function firstAfterReload(args: readonly string[], runs: number): Promise<number[]> {
  await mkdir(path.join(PROJECT_ROOT, 'test', 'tmp'), { recursive: true });
  const dir = await mkdtemp(path.join(PROJECT_ROOT, 'test', 'tmp', 'bench-first-'));
  const servicesDir = path.join(dir, 'services');
  await mkdir(servicesDir);
  const handlerFile = path.join(dir, 'get.ts');
  await writeFile(handlerFile, getHandler(0));
  await writeFile(
    path.join(servicesDir, 'benchitems.ts'),
    `import { z } from 'zod';
import { allow } from '#src/declaration/access.ts';
import { defineCrudResource } from '#src/declaration/crud-resource.ts';
const resource = defineCrudResource({
  name: 'benchitems',
  item: z.strictObject({ name: z.string(), price: z.number() }),
  access: { read: allow.public(), write: allow.public() },
});
// Its create as declared, and its GET by id from a handler file of its own (get.ts re-exported).
export default {
  ...resource,
  functions: resource.functions
    .filter((fn) => fn.method === 'POST' || (fn.method === 'GET' && fn.path.endsWith('{id}')))
    .map((fn) => (fn.method === 'GET' ? { ...fn, handler: ${JSON.stringify(path.relative(PROJECT_ROOT, handlerFile))} } : fn)),
};
`,
  );
  const engine = args[args.indexOf('--engine') + 1] === 'dynamodb-local' ? 'dynamodb-local' : 'dynalite';
  let reloaded: ((event: ReloadEvent) => void) | undefined;
  const system = await startLocalSystem({
    port: 0,
    engine,
    dataDir: dir,
    inMemory: true,
    logLevel: 'WARN',
    logSink: { write: () => {} },
    servicesDirs: [DEFAULT_SERVICES_DIR, servicesDir],
    onReload: (event) => reloaded?.(event),
  });
  try {
    const created = await fetch(`${system.url}/benchitems`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'first', price: 1 }),
    });
    if (created.status !== 201) throw new Error(`POST /benchitems answered ${created.status}`);
    const { id } = (await created.json()) as { id: string };
    const url = `${system.url}/benchitems/${id}`;
    // Its instance runs the first bundle, then each edit swaps it for a new one.
    if ((await timed(url, {})).status !== 200) throw new Error('GET /benchitems/{id} did not answer 200');
    const times: number[] = [];
    for (let run = 1; run <= runs; run++) {
      const swapped = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no reload within 30 s')), 30_000);
        reloaded = (event) => {
          if (event.kind === 'failed') reject(new Error(event.message));
          if (event.kind === 'reloaded' && event.functions.some((name) => name.startsWith('benchitems'))) {
            clearTimeout(timer);
            resolve();
          }
        };
      });
      await writeFile(handlerFile, getHandler(run));
      await swapped;
      const answer = await timed(url, {});
      if (answer.status !== 200) throw new Error(`GET /benchitems/{id} answered ${answer.status}`);
      times.push(answer.ms);
    }
    return times;
  } finally {
    await system.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/** The first requests after a start (`args`: the CLI's, bundles kept), then after `reloads` reloads. */
export async function measureFirstRequests(args: readonly string[], reloads: number): Promise<FirstRequests> {
  // A first start keeps this checkout's bundles (built before its banner, so kept before it stops);
  // the start measured finds them, as a developer's does.
  await (await startCli([...args, '--build-all'])).stop();
  const cli = await startCli(args);
  let afterStart: FirstRequests['afterStart'];
  let hundred: FirstRequests['firstHundred'];
  try {
    afterStart = await firstOfEach(cli);
    hundred = await firstHundred(cli);
  } finally {
    await cli.stop();
  }
  const afterReload = await firstAfterReload(args, reloads);
  console.log('\n## first requests');
  for (const row of afterStart) console.log(`  ${row.name} (${row.route}): ${row.ms} ms, ${row.status}`);
  console.log(`  first ${hundred.count} of ${hundred.route}: p50 ${hundred.p50} ms, p99 ${hundred.p99} ms`);
  console.log(`  first request after a reload: ${afterReload.join(', ')} ms`);
  return { afterStart, firstHundred: hundred, afterReload };
}

/** The deployed cold start the first request after a reload is held to: products-get's, as built for the stack. */
const DEPLOYED_REFERENCE = 'products-get';

/** Median of the first requests after a reload ÷ the deployed bundle's cold start, when both were measured. */
export function reloadRatio(first: FirstRequests, coldStarts: readonly ColdStart[]): number | undefined {
  const deployed = coldStarts.find((c) => c.name === DEPLOYED_REFERENCE)?.medianMs;
  const sorted = [...first.afterReload].sort((a, b) => a - b);
  const median = sorted[sorted.length >> 1];
  if (!deployed || median === undefined) return undefined;
  return Math.round((median / deployed) * 100) / 100;
}

/** The report's section: what each row measures, and the target. */
export function firstRequestsTable(first: FirstRequests, coldStarts: readonly ColdStart[]): string {
  const deployed = coldStarts.find((c) => c.name === DEPLOYED_REFERENCE)?.medianMs;
  const ratio = reloadRatio(first, coldStarts);
  const times = first.afterStart.map((r) => r.ms).sort((a, b) => a - b);
  return `Right after a start that found its bundles kept (the usual \`npm start\`), one request to
each function in turn, each its function's cold start through the gateway (an admin's token, a
body its handler accepts), from sending it to the whole answer; then the first ${first.firstHundred.count} requests to
\`${first.firstHundred.route}\`, one at a time; then, on a system with a service whose GET-by-id handler is
the project's (\`get.ts\` re-exported from a file of its own), each edit of that file, and the first
request once its reload swapped the function (the new bundle's cold start, an item that exists).
Target: that request within 1.2× of the deployed bundle's cold start in the same run
(\`${DEPLOYED_REFERENCE}\`, import + first invocation in a fresh process, below).

| what | ms |
| --- | --- |
| first request to each of the ${times.length} functions after a start | ${times[0]}–${times.at(-1)} (median ${times[times.length >> 1]}) |
${first.afterStart.map((r) => `| ${r.name} (\`${r.route}\`, ${r.status}) | ${r.ms} |`).join('\n')}
| first ${first.firstHundred.count} requests to \`${first.firstHundred.route}\`: p50 / p99 | ${first.firstHundred.p50} / ${first.firstHundred.p99} |
| first request after a reload, per edit | ${first.afterReload.join(', ')} |
| deployed \`${DEPLOYED_REFERENCE}\` cold start (median) | ${deployed ?? 'not measured in this run'} |
| first request after a reload ÷ deployed cold start | ${ratio === undefined ? '—' : `**${ratio}×**`} |`;
}
