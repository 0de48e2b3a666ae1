// Cold start per deployed bundle: a fresh Node process imports the bundle and runs its first
// invocation against the engine, beside two baselines bundled the same way (an empty handler;
// the SDK's document client with one GetItem). Runs are interleaved, each round in a new order,
// so that load from elsewhere hits all alike.
import { execFile } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { type FunctionSpec, SPEC_DEFAULTS } from '#local/lambda/function-spec.ts';
import { instanceEnvironment, newLogStreamName } from '#local/lambda/lambda-environment.ts';
import { heapFlags } from '#local/lambda/spawn-instance.ts';
import { LOCAL_REGION } from '#local/local-account.ts';
import { bundleBuildOptions } from '#src/build/bundle-function.ts';
import { IDEMPOTENCY_HEADER, IDEMPOTENCY_MODE_ENV } from '#src/declaration/idempotency.ts';
import { PROJECT_ROOT } from '#src/declaration/load-services.ts';
import { OWNER_FIELD } from '#src/domain/item.ts';

export interface ColdStart {
  readonly name: string;
  readonly bytes: number;
  /** Median ms of import + first invocation. */
  readonly medianMs: number;
  /** Against the SDK + GetItem baseline, or the baseline named in `against`. */
  readonly msRatio: number;
  readonly bytesRatio: number;
  /** The baseline an idempotent create is held to (the SDK making the same calls), when not the GetItem one. */
  readonly against?: string;
  readonly statusCode: number | undefined;
}

interface Candidate {
  readonly name: string;
  readonly file: string;
  readonly env: Record<string, string>;
  readonly event: unknown;
  /** The function's memory: its process gets the V8 heap bounds Lambda's bootstrap sets for it. */
  readonly memoryMb: number;
  /** Whether every run must answer 2xx (its successful path is arranged), or is measured as it answers. */
  readonly mustSucceed: boolean;
  readonly against?: string;
}

/** The baseline of an idempotent create, and the suffix of the row measuring a create sent with a key. */
const IDEMPOTENT_BASELINE = 'baseline-sdk-idempotent-create';
/** The baseline of an update (PATCH): the SDK reading the item, then writing it on condition. */
const READ_UPDATE_BASELINE = 'baseline-sdk-read-update';
const WITH_KEY = ' (Idempotency-Key)';
/** A key the child replaces by a fresh one before it times anything: every run creates (a replay would do less). */
const FRESH_KEY = '<fresh>';

/** The caller every cold invocation names, and the prefix of the item ids. */
const COLD_ID = 'bench-cold';

export const FIXTURE = path.join(PROJECT_ROOT, 'test/fixtures/apigw-rest/powertools-no-auth.json');

/** A REST proxy event for the function's route, with a body its handler accepts. */
export function eventFor(
  base: Record<string, unknown>,
  method: string,
  resource: string,
  id = COLD_ID,
  extraHeaders: Record<string, string> = {},
) {
  const p = resource.replace('{id}', id);
  const manager = resource === '/DynamoDBManager';
  const body =
    method === 'GET' || method === 'DELETE'
      ? null
      : manager
        ? JSON.stringify({ operation: 'read', payload: { Key: { id: 'x' } } })
        : resource.startsWith('/orders')
          ? JSON.stringify(
              method === 'PATCH'
                ? { status: 'paid' }
                : { items: [{ productId: 'p1', quantity: 1 }], status: 'pending' },
            )
          : JSON.stringify(method === 'PATCH' ? { price: 2 } : { name: 'cold', price: 1 });
  const contentType = method === 'PATCH' ? 'application/merge-patch+json' : 'application/json';
  // A signed-in admin, as the Cognito authorizer passes its claims: every access rule lets it in,
  // so the first invocation reaches DynamoDB (a 401 would measure no SDK call at all).
  const requestContext = {
    ...(base.requestContext as Record<string, unknown>),
    authorizer: { claims: { sub: COLD_ID, 'cognito:username': 'bench', 'cognito:groups': 'admin' } },
  };
  return {
    ...base,
    requestContext,
    resource,
    path: p,
    httpMethod: method,
    headers: { 'Content-Type': contentType, Host: '127.0.0.1', ...extraHeaders },
    multiValueHeaders: {
      'Content-Type': [contentType],
      Host: ['127.0.0.1'],
      ...Object.fromEntries(Object.entries(extraHeaders).map(([name, value]) => [name, [value]])),
    },
    pathParameters: resource.includes('{id}') ? { id } : null,
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    body,
  };
}

// The child is bare Node, as on Lambda: import, one invocation, print the time.
const CHILD = `
const event = JSON.parse(process.argv[2]);
for (const headers of [event.headers, event.multiValueHeaders]) {
  const key = Object.keys(headers ?? {}).find((name) => name.toLowerCase() === 'idempotency-key');
  if (key) headers[key] = Array.isArray(headers[key]) ? [crypto.randomUUID()] : crypto.randomUUID();
}
const started = performance.now();
const { handler } = await import(process.argv[1]);
const result = await handler(event, { awsRequestId: 'cold', getRemainingTimeInMillis: () => 10000 });
console.log(JSON.stringify({ ms: performance.now() - started, statusCode: result?.statusCode }));
process.exit(0);`;

/** A copy of `items` in random order (Fisher–Yates). */
function shuffled<T>(items: readonly T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

/** A cold start is measured on the successful path only: an error answer does less work. */
function expectSuccess(candidate: Candidate, { statusCode }: { statusCode?: number }) {
  if (statusCode === undefined || statusCode < 200 || statusCode >= 300) {
    throw new Error(`cold start: ${candidate.name} answered ${statusCode}, not its successful path`);
  }
}

function runOnce(candidate: Candidate): Promise<{ ms: number; statusCode?: number }> {
  const args = [
    ...heapFlags(candidate.memoryMb),
    '--input-type=module',
    '-e',
    CHILD,
    pathToFileURL(candidate.file).href,
    JSON.stringify(candidate.event),
  ];
  return new Promise((resolve, reject) =>
    execFile(process.execPath, args, { env: candidate.env }, (error, stdout) =>
      error ? reject(error) : resolve(JSON.parse(stdout.trim().split('\n').pop() ?? '{}')),
    ),
  );
}

/** Cold start of each `functions` bundle and of both baselines, `runs` times each. */
export async function measureColdStarts(
  functions: readonly (FunctionSpec & { method: string; resource: string; ownerScoped?: boolean })[],
  outDir: string,
  runs: number,
  /** Whose environment the baselines run with (a read of an item by id); products-get by default. */
  baselineFunction?: FunctionSpec,
): Promise<ColdStart[]> {
  const base = JSON.parse(await readFile(FIXTURE, 'utf8')) as Record<string, unknown>;
  const options = bundleBuildOptions([], outDir);
  await build({
    ...options,
    entryPoints: {
      'baseline-empty/index': path.join(PROJECT_ROOT, 'bench/baselines/empty-handler.ts'),
      'baseline-sdk-get-item/index': path.join(PROJECT_ROOT, 'bench/baselines/sdk-get-item.ts'),
      [`${IDEMPOTENT_BASELINE}/index`]: path.join(PROJECT_ROOT, 'bench/baselines/sdk-idempotent-create.ts'),
      [`${READ_UPDATE_BASELINE}/index`]: path.join(PROJECT_ROOT, 'bench/baselines/sdk-read-update.ts'),
    },
  });
  const envOf = (spec: FunctionSpec) =>
    instanceEnvironment(spec.environment, {
      functionName: spec.name,
      bundleFile: spec.bundleFile,
      memoryMb: spec.memoryMb,
      region: LOCAL_REGION,
      logStreamName: newLogStreamName(),
      logFormat: spec.logFormat ?? SPEC_DEFAULTS.logFormat,
      logLevel: spec.logLevel ?? SPEC_DEFAULTS.logLevel,
      // A fresh process per run: the system's temp folder is its own enough.
      tmpDir: tmpdir(),
    });
  const candidateOf = (
    fn: FunctionSpec & { method: string; resource: string; ownerScoped?: boolean },
    id: string,
    mustSucceed: boolean,
  ): Candidate => ({
    name: fn.name,
    file: fn.bundleFile,
    env: envOf(fn),
    event: eventFor(base, fn.method, fn.resource, id),
    memoryMb: fn.memoryMb,
    mustSucceed,
    // An update makes two calls (a read, then a conditional write): held to the SDK making both.
    ...(fn.method === 'PATCH' ? { against: READ_UPDATE_BASELINE } : {}),
  });
  const reference = baselineFunction ?? functions.find((fn) => fn.name === 'products-get') ?? functions[0];
  if (!reference) return [];
  const candidates: Candidate[] = [
    ...['baseline-empty', 'baseline-sdk-get-item'].map((name) => ({
      name,
      file: path.join(outDir, name, 'index.mjs'),
      env: envOf(reference),
      event: eventFor(base, 'GET', '/products/{id}'),
      memoryMb: reference.memoryMb,
      mustSucceed: false,
    })),
  ];
  // A create that honours Idempotency-Key is measured a second time, sent a fresh key each run,
  // beside the SDK-only baseline making the same calls (with that function's environment).
  for (const fn of functions.filter((f) => f.environment[IDEMPOTENCY_MODE_ENV] !== undefined)) {
    candidates.push({
      name: `${fn.name}${WITH_KEY}`,
      file: fn.bundleFile,
      env: envOf(fn),
      event: eventFor(base, fn.method, fn.resource, COLD_ID, { [IDEMPOTENCY_HEADER]: FRESH_KEY }),
      memoryMb: fn.memoryMb,
      mustSucceed: true,
      against: IDEMPOTENT_BASELINE,
    });
    if (!candidates.some((c) => c.name === IDEMPOTENT_BASELINE)) {
      candidates.push({
        name: IDEMPOTENT_BASELINE,
        file: path.join(outDir, IDEMPOTENT_BASELINE, 'index.mjs'),
        env: envOf(fn),
        event: eventFor(base, 'GET', '/products/{id}'),
        memoryMb: fn.memoryMb,
        mustSucceed: true,
      });
    }
  }
  // Each function of an `{id}` route has an item of its own, which its service's PUT function puts
  // (back) at the start of every round, untimed: every run then takes the successful path (a
  // PATCH reads and writes, a GET finds the item, a DELETE removes it) whatever ran before it.
  // A function whose service has no PUT to put its item back is measured as it answers (the
  // table shows its status).
  const seeds: Candidate[] = [];
  functions.forEach((fn, i) => {
    const id = `${COLD_ID}-${i}`;
    const byId = fn.resource.includes('{id}');
    const put = byId
      ? functions.find((other) => other.method === 'PUT' && other.resource === fn.resource)
      : undefined;
    if (put) seeds.push(candidateOf(put, id, true));
    candidates.push(candidateOf(fn, id, !byId || put !== undefined));
    // The read-then-write baseline works on the first update's item, with its environment; the
    // item's key is the caller's and the id for an owner-scoped table (as the function's own).
    if (fn.method === 'PATCH' && put && !candidates.some((c) => c.name === READ_UPDATE_BASELINE)) {
      const key = fn.ownerScoped ? { [OWNER_FIELD]: COLD_ID, id } : { id };
      candidates.push({
        name: READ_UPDATE_BASELINE,
        file: path.join(outDir, READ_UPDATE_BASELINE, 'index.mjs'),
        env: { ...envOf(fn), BASELINE_KEY: JSON.stringify(key) },
        event: eventFor(base, 'GET', '/products/{id}'),
        memoryMb: fn.memoryMb,
        mustSucceed: true,
      });
    }
  });
  const times = new Map<string, number[]>(candidates.map((c) => [c.name, []]));
  const status = new Map<string, number | undefined>();
  // One round first, not counted: the engine (in the freshly started local system) warms up on
  // it, so that its first, slow answers do not fall on the first candidates only.
  for (let run = -1; run < runs; run++) {
    // Each round in its own order, so a burst of load elsewhere does not fall on the same
    // neighbours round after round.
    for (const seed of seeds) expectSuccess(seed, await runOnce(seed));
    for (const candidate of shuffled(candidates)) {
      const { ms, statusCode } = await runOnce(candidate);
      if (candidate.mustSucceed) expectSuccess(candidate, { statusCode });
      if (run >= 0) times.get(candidate.name)?.push(ms);
      status.set(candidate.name, statusCode);
    }
  }
  const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[values.length >> 1] ?? 0;
  const sizes = new Map(
    await Promise.all(candidates.map(async (c) => [c.name, (await stat(c.file)).size] as const)),
  );
  const floorOf = (name: string) => ({
    ms: median(times.get(name) ?? []),
    bytes: sizes.get(name) ?? 1,
  });
  return candidates.map((c) => {
    const medianMs = Math.round(median(times.get(c.name) ?? []) * 10) / 10;
    const bytes = sizes.get(c.name) ?? 0;
    const floor = floorOf(c.against ?? 'baseline-sdk-get-item');
    return {
      name: c.name,
      bytes,
      medianMs,
      msRatio: Math.round((medianMs / floor.ms) * 100) / 100,
      bytesRatio: Math.round((bytes / floor.bytes) * 100) / 100,
      statusCode: status.get(c.name),
      ...(c.against ? { against: c.against } : {}),
    };
  });
}
