// One process, no gateway, no instance: either a bundle's handler called with the same event
// over and over, or the raw SDK making the same DynamoDB call, `concurrency` calls in flight for
// `seconds` after a warm-up. Started by bench/handler-alone.ts, which reads the count it sends
// back over IPC. The function's own log lines go wherever its stdout points (the parent sends
// them to /dev/null: written, as Lambda's runtime writes them, but not kept).
import { readFile, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { pathToFileURL } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';

export interface LoopRequest {
  readonly mode: 'handler' | 'raw';
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
  readonly seconds: number;
  /** When set, a CPU profile of the counted calls only (not the import, not the warm-up) is written here. */
  readonly profileFile?: string;
}

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

type Call = () => Promise<boolean>;

async function callOf(request: LoopRequest): Promise<Call> {
  if (request.mode === 'raw') {
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

process.once('message', async (request: LoopRequest) => {
  const call = await callOf(request);
  await drive(call, request.concurrency, request.warmupSeconds * 1000);
  const session = request.profileFile ? new Session() : undefined;
  if (session) {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
  }
  const { calls, failures, elapsedMs, cpuMicros } = await drive(
    call,
    request.concurrency,
    request.seconds * 1000,
  );
  if (session && request.profileFile) {
    const { profile } = await session.post('Profiler.stop');
    await writeFile(request.profileFile, JSON.stringify(profile));
  }
  const result: LoopResult = {
    requestsPerSecond: Math.round((calls / elapsedMs) * 1000),
    calls,
    failures,
    cpuMicrosPerCall: Math.round(cpuMicros / Math.max(1, calls)),
  };
  process.send?.(result, () => process.exit(0));
});
