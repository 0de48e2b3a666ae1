import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { MintOptions } from '#local/auth/local-user-pool.ts';
import type { EngineChoice } from '#local/dynamodb/engines/engine.ts';
import { localAccessKey } from '#local/dynamodb/guard/guarded-dynamodb.ts';
import { type LocalSystem, type LocalSystemOptions, startLocalSystem } from '#local/start-local-system.ts';

export interface LogLine {
  readonly functionName: string;
  readonly line: string;
}

export interface TestSystem {
  readonly system: LocalSystem;
  readonly url: string;
  /** Every line every function logged, in order. */
  readonly logs: LogLine[];
  /** Every message of the local system itself (denied calls, engine restarts), in order. */
  readonly notices: string[];
  /** An ID token of the local user pool for `test-admin`, member of `admin`. */
  readonly adminToken: string;
  /** Mints a token of the local user pool, as `npm run token` does. */
  mint(options: MintOptions): Promise<string>;
  /** Every item of a table, read straight from DynamoDB (not through the API), sorted by key. */
  scan(tableName: string): Promise<Record<string, unknown>[]>;
  /** Writes an item straight into a table, not through the API (e.g. as an older release wrote it). */
  putItem(tableName: string, item: Record<string, unknown>): Promise<void>;
  /** Deletes a table behind the system's back, as an operator's mistake would (a restart re-creates it). */
  deleteTable(tableName: string): Promise<void>;
  stop(): Promise<void>;
}

export interface TestSystemOptions {
  readonly engine: EngineChoice;
  /** A folder to keep data in; in memory when absent. */
  readonly dataDir?: string;
  readonly servicesDirs?: readonly string[];
  readonly integrationTimeoutMs?: number;
  /**
   * Off unless asked for: the suites send requests as fast as they can, and the stage's 100
   * requests/s would turn some into 429s. The throttling suite sets its own limits.
   */
  readonly throttle?: boolean;
  /** The throttle's clock, for a test that must not depend on how fast requests arrive. */
  readonly throttleClock?: LocalSystemOptions['throttleClock'];
  readonly api?: LocalSystemOptions['api'];
  readonly exposure?: LocalSystemOptions['exposure'];
  readonly faults?: LocalSystemOptions['faults'];
}

/** Starts the real local system on a free port of 127.0.0.1, with its logs captured. */
export async function startTestSystem(options: TestSystemOptions): Promise<TestSystem> {
  const logs: LogLine[] = [];
  const notices: string[] = [];
  const scratch = options.dataDir ?? (await mkdtemp(path.join(os.tmpdir(), 'sm-data-')));
  const system = await startLocalSystem({
    port: 0,
    engine: options.engine,
    dataDir: scratch,
    inMemory: options.dataDir === undefined,
    logLevel: 'INFO',
    logSink: { write: (functionName, line) => logs.push({ functionName, line }) },
    ...(options.servicesDirs ? { servicesDirs: options.servicesDirs } : {}),
    ...(options.integrationTimeoutMs ? { integrationTimeoutMs: options.integrationTimeoutMs } : {}),
    throttle: options.throttle ?? false,
    ...(options.throttleClock ? { throttleClock: options.throttleClock } : {}),
    ...(options.api ? { api: options.api } : {}),
    ...(options.exposure ? { exposure: options.exposure } : {}),
    ...(options.faults ? { faults: options.faults } : {}),
    notice: (line) => notices.push(line),
  });
  const admin = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      region: 'us-east-1',
      endpoint: system.dynamodb.endpoint,
      credentials: { accessKeyId: 'LOCALTEST', secretAccessKey: 'local' },
    }),
  );
  return {
    system,
    url: system.url,
    logs,
    notices,
    adminToken: await system.userPool.mint({ user: 'test-admin', groups: ['admin'] }),
    mint: (mintOptions) => system.userPool.mint(mintOptions),
    async scan(tableName) {
      const items: Record<string, unknown>[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const page = await admin.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: start }));
        items.push(...(page.Items ?? []));
        start = page.LastEvaluatedKey;
      } while (start);
      return items.sort((a, b) => String(a.id).localeCompare(String(b.id)));
    },
    async putItem(tableName, item) {
      await admin.send(new PutCommand({ TableName: tableName, Item: item }));
    },
    async deleteTable(tableName) {
      await admin.send(new DeleteTableCommand({ TableName: tableName }));
    },
    async stop() {
      admin.destroy();
      await system.stop();
      if (options.dataDir === undefined) await rm(scratch, { recursive: true, force: true });
    },
  };
}

/**
 * A DynamoDB client signed as one local function, through the guard (its IAM check applies):
 * what that function's own SDK calls look like. No retries, so a denial is seen at once.
 */
export function functionDynamoClient(system: TestSystem, functionName: string): DynamoDBClient {
  return new DynamoDBClient({
    region: 'us-east-1',
    endpoint: system.system.guard.functionEndpoint,
    credentials: { accessKeyId: localAccessKey(functionName), secretAccessKey: 'local' },
    maxAttempts: 1,
  });
}
