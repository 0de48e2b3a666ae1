import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { LogLevel } from '#src/declaration/function-environment.ts';
import {
  DEFAULT_SERVICES_DIR,
  type LoadedService,
  loadServices,
  PROJECT_ROOT,
} from '#src/declaration/load-services.ts';
import { IncrementalBundles } from './build/incremental-bundles.ts';
import { scratchDir } from './build/scratch-dir.ts';
import type { LogSink, RouteBinding } from './contracts.ts';
import { ensureTables } from './dynamodb/create-tables.ts';
import { type EngineChoice, type RunningDynamoDb, startDynamoDb } from './dynamodb/start-dynamodb.ts';
import { awsCredentialsFrom, functionSpecs, routeBindings } from './function-specs.ts';
import { startGateway } from './gateway/start-gateway.ts';
import { type ReloadEvent, startHotReload } from './hot-reload.ts';
import { type FunctionStats, startLambdaService } from './lambda/start-lambda-service.ts';

export interface LocalSystemOptions {
  /** 0 picks a free port. */
  readonly port: number;
  readonly engine: EngineChoice;
  readonly dataDir: string;
  readonly inMemory: boolean;
  readonly endpoint?: string;
  readonly logLevel: LogLevel;
  readonly logSink: LogSink;
  /** Folders of declarations; the project's `services/` by default. */
  readonly servicesDirs?: readonly string[];
  /** API Gateway's integration timeout (29 s); lowered only by tests. */
  readonly integrationTimeoutMs?: number;
  readonly region?: string;
  /**
   * Watch the declarations and `src/` and serve changes without a restart (`npm start` does);
   * each reload is reported here. Off when absent.
   */
  readonly onReload?: (event: ReloadEvent) => void;
  /** Instances per function at most; the Lambda service's default when absent. */
  readonly maxInstancesPerFunction?: number;
  /** An instance idle this long is stopped; the Lambda service's default when absent. */
  readonly idleTimeoutMs?: number;
  /** On stop, how long requests in flight may take to be answered (default 0). */
  readonly shutdownGraceMs?: number;
}

export interface LocalSystem {
  readonly url: string;
  readonly port: number;
  readonly dynamodb: Pick<RunningDynamoDb, 'engine' | 'endpoint' | 'dataDir' | 'detail' | 'reason'>;
  readonly services: readonly LoadedService[];
  readonly routes: readonly RouteBinding[];
  /** How long each start-up step took, in ms, for the banner and the benchmark. */
  readonly timings: Readonly<Record<'build' | 'dynamodb' | 'tables' | 'total', number>>;
  /** Per function: instances alive and busy, invocations waiting, cold starts so far. */
  stats(): Record<string, FunctionStats>;
  stop(): Promise<void>;
}

const LOCAL_REGION = 'us-east-1';

/**
 * Starts the whole local system: builds every function's deployment bundle, starts DynamoDB and
 * creates the declared tables, then the Lambda service and the API Gateway in front of it.
 *
 * @example
 * const system = await startLocalSystem({ port: 3000, engine: 'auto', dataDir: '.data',
 *   inMemory: false, logLevel: 'INFO', logSink: { write: (fn, line) => console.log(fn, line) } });
 * await fetch(`${system.url}/products`);
 * await system.stop();
 */
export async function startLocalSystem(options: LocalSystemOptions): Promise<LocalSystem> {
  const started = performance.now();
  const region =
    options.region ?? (options.engine === 'external' ? process.env.AWS_REGION : undefined) ?? LOCAL_REGION;
  const since = (from: number) => Math.round(performance.now() - from);
  const servicesDirs = options.servicesDirs ?? [DEFAULT_SERVICES_DIR];
  const services = await loadServices(servicesDirs);
  const buildDir = await scratchDir('sm-bundles-');
  const bundles = new IncrementalBundles(buildDir.dir);
  const cleanups: (() => Promise<void>)[] = [() => buildDir.remove(), () => bundles.dispose()];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  };
  try {
    const buildStarted = performance.now();
    const building = bundles.build(services).then((built) => ({ built, ms: since(buildStarted) }));
    // A failed build must not be left unobserved while DynamoDB starts.
    building.catch(() => {});
    const dynamoStarted = performance.now();
    const dynamodb = await startDynamoDb({
      engine: options.engine,
      dataDir: options.dataDir,
      inMemory: options.inMemory,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    });
    cleanups.push(() => dynamodb.stop());
    const dynamoMs = since(dynamoStarted);
    const tablesStarted = performance.now();
    const hostCredentials = dynamodb.engine === 'external' ? awsCredentialsFrom(process.env) : undefined;
    const admin = new DynamoDBClient({
      region,
      endpoint: dynamodb.endpoint,
      ...(hostCredentials ? {} : { credentials: { accessKeyId: 'LOCALADMIN', secretAccessKey: 'local' } }),
    });
    cleanups.push(async () => admin.destroy());
    const createTables = async (loaded: readonly LoadedService[]) => {
      await ensureTables(
        admin,
        loaded.map((s) => s.service),
      );
    };
    await createTables(services);
    const tablesMs = since(tablesStarted);
    const { built, ms: buildMs } = await building;
    const specContext = { endpoint: dynamodb.endpoint, logLevel: options.logLevel, hostCredentials };
    const functions = functionSpecs(services, built.bundles, specContext);
    const lambda = startLambdaService({
      functions,
      region,
      logSink: options.logSink,
      ...(options.maxInstancesPerFunction
        ? { maxInstancesPerFunction: options.maxInstancesPerFunction }
        : {}),
      ...(options.idleTimeoutMs ? { idleTimeoutMs: options.idleTimeoutMs } : {}),
    });
    cleanups.push(() => lambda.close());
    const routes: RouteBinding[] = routeBindings(services);
    const gateway = await startGateway({
      routes,
      invoker: lambda,
      port: options.port,
      ...(options.integrationTimeoutMs ? { integrationTimeoutMs: options.integrationTimeoutMs } : {}),
    });
    cleanups.push(() => gateway.close(options.shutdownGraceMs ?? 0));
    if (options.onReload) {
      const reload = startHotReload({
        servicesDirs,
        sourceDirs: [path.join(PROJECT_ROOT, 'src')],
        bundles,
        lambda,
        gateway,
        specContext,
        ensureTables: createTables,
        onReload: options.onReload,
        initial: { specs: functions, inputs: built.inputs },
      });
      cleanups.push(async () => reload.close());
    }
    return {
      url: gateway.url,
      port: gateway.port,
      dynamodb: {
        engine: dynamodb.engine,
        endpoint: dynamodb.endpoint,
        dataDir: dynamodb.dataDir,
        detail: dynamodb.detail,
        ...(dynamodb.reason ? { reason: dynamodb.reason } : {}),
      },
      services,
      routes,
      timings: { build: buildMs, dynamodb: dynamoMs, tables: tablesMs, total: since(started) },
      stats: () => lambda.stats(),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
