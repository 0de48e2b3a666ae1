// One process, no gateway, no instance: a bundle's handler called with the same event over and
// over, and the raw SDK making the same DynamoDB call, `concurrency` calls in flight. By default
// the two take turns in short windows after a warm-up of each, so that every pair of windows
// shares the machine's load of the moment (separate runs of a few seconds moved the ratio by a
// third on this 2-core machine); with a profile, one of them runs alone for `seconds`. Started by
// bench/handler-alone.ts, which reads what it sends back over IPC. The function's own log lines go
// wherever its stdout points (the parent sends them to /dev/null: written, as Lambda's runtime
// writes them, but not kept).
import { readFile, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { pathToFileURL } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';

export interface LoopRequest {
  /** Both in turn (`alternate`), or one alone (to profile it). */
  readonly mode: 'alternate' | 'handler' | 'raw';
  /** The bundle (handler mode). */
  readonly bundleFile: string;
  /** A file holding the event (handler mode). */
  readonly eventFile: string;
  /** The raw call: GetItem of `id` in `table` at `endpoint`. */
  readonly endpoint: string;
  readonly table: string;
  readonly id: string;
  readonly concurrency: number;
  readonly warmupSeconds: number;
  /** One alone: how long it is counted. Alternating: the length of each window. */
  readonly seconds: number;
  /** Alternating: how many windows of each (the handler first in even pairs, the raw SDK in odd ones). */
  readonly windows?: number;
  /** When set, a CPU profile of the counted calls only (not the import, not the warm-up) is written here. */
  readonly profileFile?: string;
}

/** What one counted run (alone) or window (alternating) measured. */
export interface LoopResult {
  readonly requestsPerSecond: number;
  readonly calls: number;
  /** Calls whose answer was not the expected success (a 2xx, or an item found). */
  readonly failures: number;
  /**
   * CPU time of this process per call, in µs (user + system): what the handler (or the raw SDK)
   * costs per request, which load elsewhere on the machine moves much less than req/s.
   */
  readonly cpuMicrosPerCall: number;
}

/** Alternating: each pair of windows, the handler's and the raw SDK's. */
export interface LoopPairs {
  readonly pairs: readonly { readonly handler: LoopResult; readonly raw: LoopResult }[];
}

type Call = () => Promise<boolean>;

async function callOf(request: LoopRequest, mode: 'handler' | 'raw'): Promise<Call> {
  if (mode === 'raw') {
    const client = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        endpoint: request.endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'LOCALBENCH', secretAccessKey: 'local' },
      }),
    );
    // The call the raw SDK server makes for GET /products/{id} (bench/raw-sdk-server.ts).
    return async () =>
      (
        await client.send(
          new GetCommand({ TableName: request.table, Key: { id: request.id }, ConsistentRead: true }),
        )
      ).Item !== undefined;
  }
  const event = JSON.parse(await readFile(request.eventFile, 'utf8')) as unknown;
  const { handler } = (await import(pathToFileURL(request.bundleFile).href)) as {
    handler: (event: unknown, context: unknown) => Promise<{ statusCode: number }>;
  };
  let n = 0;
  return async () => {
    const context = { awsRequestId: `alone-${n++}`, getRemainingTimeInMillis: () => 10_000 };
    // The same event each time: no handler writes to its event.
    const { statusCode } = await handler(event, context);
    return statusCode >= 200 && statusCode < 300;
  };
}

/** `concurrency` callers in a loop until `ms` have passed; how many calls ended, and how many failed. */
async function drive(call: Call, concurrency: number, ms: number) {
  const end = performance.now() + ms;
  let calls = 0;
  let failures = 0;
  const worker = async () => {
    while (performance.now() < end) {
      if (!(await call())) failures++;
      calls++;
    }
  };
  const started = performance.now();
  const cpu = process.cpuUsage();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const { user, system } = process.cpuUsage(cpu);
  return { calls, failures, elapsedMs: performance.now() - started, cpuMicros: user + system };
}

const resultOf = ({
  calls,
  failures,
  elapsedMs,
  cpuMicros,
}: Awaited<ReturnType<typeof drive>>): LoopResult => ({
  requestsPerSecond: Math.round((calls / elapsedMs) * 1000),
  calls,
  failures,
  cpuMicrosPerCall: Math.round(cpuMicros / Math.max(1, calls)),
});

async function alone(request: LoopRequest & { mode: 'handler' | 'raw' }): Promise<LoopResult> {
  const call = await callOf(request, request.mode);
  await drive(call, request.concurrency, request.warmupSeconds * 1000);
  const session = request.profileFile ? new Session() : undefined;
  if (session) {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
  }
  const counted = await drive(call, request.concurrency, request.seconds * 1000);
  if (session && request.profileFile) {
    const { profile } = await session.post('Profiler.stop');
    await writeFile(request.profileFile, JSON.stringify(profile));
  }
  return resultOf(counted);
}

async function alternate(request: LoopRequest): Promise<LoopPairs> {
  const handler = await callOf(request, 'handler');
  const raw = await callOf(request, 'raw');
  for (const call of [handler, raw]) await drive(call, request.concurrency, request.warmupSeconds * 1000);
  const pairs: { handler: LoopResult; raw: LoopResult }[] = [];
  const window = async (call: Call) =>
    resultOf(await drive(call, request.concurrency, request.seconds * 1000));
  for (let w = 0; w < (request.windows ?? 1); w++) {
    if (w % 2 === 0) {
      const h = await window(handler);
      pairs.push({ handler: h, raw: await window(raw) });
    } else {
      const r = await window(raw);
      pairs.push({ handler: await window(handler), raw: r });
    }
  }
  return { pairs };
}

process.once('message', async (request: LoopRequest) => {
  const result =
    request.mode === 'alternate' ? await alternate(request) : await alone({ ...request, mode: request.mode });
  process.send?.(result, () => process.exit(0));
});
