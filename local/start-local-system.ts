import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { bundleAll } from '#src/build/bundle-function.ts';
import { functionEnvironment, type LogLevel } from '#src/declaration/function-environment.ts';
import { DEFAULT_SERVICES_DIR, type LoadedService, loadServices } from '#src/declaration/load-services.ts';
import type { LogSink, RouteBinding } from './contracts.ts';
import { apiReference, REFERENCE_PREFIX } from './docs/api-reference.ts';
import { ensureTables } from './dynamodb/create-tables.ts';
import { type EngineChoice, type RunningDynamoDb, startDynamoDb } from './dynamodb/start-dynamodb.ts';
import { startGateway } from './gateway/start-gateway.ts';
import { type FunctionSpec, startLambdaService } from './lambda/start-lambda-service.ts';

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
}

export interface LocalSystem {
  readonly url: string;
  readonly port: number;
  readonly dynamodb: Pick<RunningDynamoDb, 'engine' | 'endpoint' | 'dataDir' | 'detail'>;
  readonly services: readonly LoadedService[];
  readonly routes: readonly RouteBinding[];
  /** The API reference (OpenAPI document and Swagger UI), on a path no deployed route has. */
  readonly referenceUrl: string;
  /** How long each start-up step took, in ms, for the banner and the benchmark. */
  readonly timings: Readonly<Record<'build' | 'dynamodb' | 'tables' | 'total', number>>;
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
  const services = await loadServices(options.servicesDirs ?? [DEFAULT_SERVICES_DIR]);
  const buildDir = await mkdtemp(path.join(os.tmpdir(), 'sm-bundles-'));
  const cleanups: (() => Promise<void>)[] = [() => rm(buildDir, { recursive: true, force: true })];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  };
  try {
    const buildStarted = performance.now();
    const building = bundleAll(services, buildDir).then((bundles) => ({ bundles, ms: since(buildStarted) }));
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
    await ensureTables(
      admin,
      services.map((s) => s.service),
    ).finally(() => admin.destroy());
    const tablesMs = since(tablesStarted);
    const { bundles, ms: buildMs } = await building;
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
            corsOrigins: ['*'],
          }),
          AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint,
          // The SDK warns once per instance that Node 20 support ends; deployed functions run a
          // newer Node, so the warning says nothing about them and would repeat in every worker.
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
          ...(hostCredentials ?? localCredentials(fn.name)),
        },
      })),
    );
    const lambda = startLambdaService({ functions, region, logSink: options.logSink });
    cleanups.push(() => lambda.close());
    const routes: RouteBinding[] = services.flatMap(({ service }) =>
      service.functions.map((fn) => ({ method: fn.method, resource: fn.path, functionName: fn.name })),
    );
    const gateway = await startGateway({
      routes,
      invoker: lambda,
      port: options.port,
      localPages: apiReference(services.map((s) => s.service)),
      ...(options.integrationTimeoutMs ? { integrationTimeoutMs: options.integrationTimeoutMs } : {}),
    });
    cleanups.push(() => gateway.close());
    return {
      url: gateway.url,
      port: gateway.port,
      dynamodb: {
        engine: dynamodb.engine,
        endpoint: dynamodb.endpoint,
        dataDir: dynamodb.dataDir,
        detail: dynamodb.detail,
      },
      services,
      routes,
      referenceUrl: `${gateway.url}${REFERENCE_PREFIX}/`,
      timings: { build: buildMs, dynamodb: dynamoMs, tables: tablesMs, total: since(started) },
      stop,
    };
  } catch (error) {
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
    AWS_ACCESS_KEY_ID: `LOCAL${principal.replace(/[^A-Za-z0-9]/g, '').toUpperCase()}`.slice(0, 128),
    AWS_SECRET_ACCESS_KEY: 'local',
  };
}
