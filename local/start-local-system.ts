import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { bundleAll } from '#src/build/bundle-function.ts';
import { type ApiSettings, bodyMediaTypes, DEFAULT_API_SETTINGS } from '#src/declaration/api-settings.ts';
import { bodyDraft4Schema } from '#src/declaration/body-schema.ts';
import { functionEnvironment, type LogLevel } from '#src/declaration/function-environment.ts';
import { DEFAULT_SERVICES_DIR, type LoadedService, loadServices } from '#src/declaration/load-services.ts';
import type { LogSink, RouteBinding } from './contracts.ts';
import { apiReference, REFERENCE_PREFIX } from './docs/api-reference.ts';
import { ensureTables } from './dynamodb/create-tables.ts';
import type { FaultRule } from './dynamodb/faults.ts';
import { type GuardedDynamoDb, localAccessKey, startGuardedDynamoDb } from './dynamodb/guarded-dynamodb.ts';
import type { EngineChoice, RunningDynamoDb } from './dynamodb/start-dynamodb.ts';
import type { ExposureOptions } from './exposure.ts';
import { startGateway } from './gateway/start-gateway.ts';
import { type FunctionSpec, startLambdaService } from './lambda/start-lambda-service.ts';
import { ACCESS_LOG_FOLDER, openLogStore } from './logs/log-store.ts';

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
  /** The stage's settings, as the CDK app reads them; the deployed defaults when absent. */
  readonly api?: ApiSettings;
  /** Whether the stage's throttle applies (default true); off for load tests. */
  readonly throttle?: boolean;
  /** Host names and browser origins served besides loopback ones. */
  readonly exposure?: ExposureOptions;
  /** Faults injected between the functions and DynamoDB (`--faults`); none by default. */
  readonly faults?: readonly FaultRule[];
  /** The local system's own messages (engine restarts, denied calls); stderr by default. */
  readonly notice?: (line: string) => void;
}

export interface LocalSystem {
  readonly url: string;
  readonly port: number;
  readonly dynamodb: Pick<RunningDynamoDb, 'engine' | 'endpoint' | 'dataDir' | 'detail'> & {
    /** The engine's process id when it runs in a process of its own (DynamoDB Local), else null. */
    readonly pid: number | null;
  };
  readonly services: readonly LoadedService[];
  readonly routes: readonly RouteBinding[];
  /** Where each function's logs are kept (`npm run logs` reads them); null when in memory. */
  readonly logsDir: string | null;
  /** The stage the gateway behaves as; `throttle` is false when throttling is off. */
  readonly stage: {
    readonly name: string;
    readonly throttle: { readonly rateLimit: number; readonly burstLimit: number } | false;
    readonly corsOrigins: readonly string[];
    readonly exposure: ExposureOptions;
  };
  /** Local IAM and faults: each function's policy, what it left unused, the fault rules. */
  readonly guard: Pick<GuardedDynamoDb, 'policies' | 'unusedPermissions' | 'setFaults' | 'functionEndpoint'>;
  /** The API reference (OpenAPI document and Swagger UI), on a path no deployed route has. */
  readonly referenceUrl: string;
  /** How long each start-up step took, in ms, for the banner and the benchmark. */
  readonly timings: Readonly<Record<'build' | 'dynamodb' | 'tables' | 'total', number>>;
  stop(): Promise<void>;
}

const LOCAL_REGION = 'us-east-1';
/** The folder under the data folder that keeps the functions' logs. */
export const LOGS_FOLDER = 'logs';

function teeLogSink(...sinks: readonly LogSink[]): LogSink {
  return {
    write(functionName, line, logStream) {
      for (const sink of sinks) sink.write(functionName, line, logStream);
    },
  };
}

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
  const api = options.api ?? DEFAULT_API_SETTINGS;
  const throttle =
    options.throttle === false
      ? (false as const)
      : { rateLimit: api.throttlingRateLimit, burstLimit: api.throttlingBurstLimit };
  const exposure = options.exposure ?? {};
  const region =
    options.region ?? (options.engine === 'external' ? process.env.AWS_REGION : undefined) ?? LOCAL_REGION;
  const since = (from: number) => Math.round(performance.now() - from);
  const services = await loadServices(options.servicesDirs ?? [DEFAULT_SERVICES_DIR]);
  const buildDir = await mkdtemp(path.join(os.tmpdir(), 'sm-bundles-'));
  const cleanups: (() => Promise<void>)[] = [() => rm(buildDir, { recursive: true, force: true })];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  };
  let building: Promise<unknown> | undefined;
  try {
    const buildStarted = performance.now();
    const bundling = bundleAll(services, buildDir).then((bundles) => ({ bundles, ms: since(buildStarted) }));
    building = bundling;
    const dynamoStarted = performance.now();
    const guarded = await startGuardedDynamoDb({
      engine: options.engine,
      dataDir: options.dataDir,
      inMemory: options.inMemory,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      services,
      region,
      ...(options.faults ? { faults: options.faults } : {}),
      notice: options.notice ?? ((line) => process.stderr.write(`${line}\n`)),
    });
    cleanups.push(() => guarded.stop());
    const dynamodb = guarded.engine;
    const dynamoMs = since(dynamoStarted);
    const tablesStarted = performance.now();
    const hostCredentials = dynamodb.engine === 'external' ? awsCredentialsFrom(process.env) : undefined;
    const admin = new DynamoDBClient({
      region,
      endpoint: dynamodb.endpoint,
      ...(hostCredentials ? {} : { credentials: { accessKeyId: 'LOCALADMIN', secretAccessKey: 'local' } }),
    });
    await ensureTables(
      admin,
      services.map((s) => s.service),
    ).finally(() => admin.destroy());
    const tablesMs = since(tablesStarted);
    const { bundles, ms: buildMs } = await bundling;
    const bundleOf = new Map(bundles.map((b) => [b.functionName, b]));

    const functions: FunctionSpec[] = services.flatMap(({ service }) =>
      service.functions.map((fn) => ({
        name: fn.name,
        bundleFile: bundleOf.get(fn.name)?.file ?? '',
        memoryMb: fn.memoryMb,
        timeoutSeconds: fn.timeoutSeconds,
        environment: {
          ...functionEnvironment(service, fn, {
            tableName: service.table.name,
            logLevel: options.logLevel,
            corsOrigins: api.corsOrigins,
          }),
          AWS_ENDPOINT_URL_DYNAMODB: guarded.functionEndpoint,
          // The SDK warns once per instance that Node 20 support ends; deployed functions run a
          // newer Node, so the warning says nothing about them and would repeat in every worker.
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
          ...(hostCredentials ?? localCredentials(fn.name)),
        },
      })),
    );
    // Kept like CloudWatch's log groups, beside the data; --in-memory keeps nothing on disk.
    const logsDir = options.inMemory ? null : path.resolve(options.dataDir, LOGS_FOLDER);
    const logStore = logsDir ? openLogStore({ dir: logsDir }) : null;
    if (logStore) cleanups.push(() => logStore.close());
    const logSink: LogSink = logStore ? teeLogSink(options.logSink, logStore) : options.logSink;
    const lambda = startLambdaService({ functions, region, logSink });
    cleanups.push(() => lambda.close());
    const routes: RouteBinding[] = services.flatMap(({ service }) =>
      service.functions.map((fn) => {
        const route = { method: fn.method, resource: fn.path, functionName: fn.name };
        if (!fn.body) return route;
        // The same models the stack deploys, for the same media types.
        const model = bodyDraft4Schema(fn.body);
        return {
          ...route,
          requestModels: Object.fromEntries(bodyMediaTypes(fn.method).map((t) => [t, model])),
        };
      }),
    );
    const gateway = await startGateway({
      routes,
      invoker: lambda,
      port: options.port,
      stage: api.stageName,
      corsOrigins: api.corsOrigins,
      throttle,
      exposure,
      localPages: apiReference(services.map((s) => s.service)),
      ...(options.integrationTimeoutMs ? { integrationTimeoutMs: options.integrationTimeoutMs } : {}),
      // The stage's access log, kept beside the functions' logs as its own group.
      ...(logStore
        ? { accessLog: (line: string) => logStore.write(ACCESS_LOG_FOLDER, line, api.stageName) }
        : {}),
    });
    cleanups.push(() => gateway.close());
    return {
      url: gateway.url,
      port: gateway.port,
      dynamodb: {
        engine: dynamodb.engine,
        // A restarted engine may serve elsewhere: always the current one.
        get endpoint() {
          return guarded.engine.endpoint;
        },
        dataDir: dynamodb.dataDir,
        detail: dynamodb.detail,
        get pid() {
          const { engine } = guarded;
          return 'pid' in engine && typeof engine.pid === 'number' ? engine.pid : null;
        },
      },
      services,
      routes,
      logsDir,
      stage: { name: api.stageName, throttle, corsOrigins: api.corsOrigins, exposure },
      guard: guarded,
      referenceUrl: `${gateway.url}${REFERENCE_PREFIX}/`,
      timings: { build: buildMs, dynamodb: dynamoMs, tables: tablesMs, total: since(started) },
      stop,
    };
  } catch (error) {
    // A failed start (e.g. the data folder is in use) still lets the build end before its folder goes.
    await building?.catch(() => {});
    await stop();
    throw error;
  }
}

/** With an external endpoint (e.g. real AWS), functions use the developer's own credentials. */
function awsCredentialsFrom(env: NodeJS.ProcessEnv): Record<string, string> | undefined {
  const names = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'HOME'];
  const found = Object.fromEntries(names.flatMap((name) => (env[name] ? [[name, env[name]]] : [])));
  return found.AWS_ACCESS_KEY_ID || found.AWS_PROFILE ? found : undefined;
}

/**
 * Each function reaches DynamoDB with credentials of its own, never the developer's: the
 * access key names the function, which is where a local IAM check can tell callers apart.
 */
function localCredentials(principal: string) {
  return {
    AWS_ACCESS_KEY_ID: localAccessKey(principal),
    AWS_SECRET_ACCESS_KEY: 'local',
  };
}
