import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { type ApiSettings, DEFAULT_API_SETTINGS } from '#src/declaration/api-settings.ts';
import type { LogLevel } from '#src/declaration/function-environment.ts';
import {
  DEFAULT_SERVICES_DIR,
  type LoadedService,
  loadServices,
  PROJECT_ROOT,
  withAccessSettings,
} from '#src/declaration/load-services.ts';
import type { LogFormat } from '#src/declaration/types.ts';
import type { LocalUserPool } from './auth/local-user-pool.ts';
import { scratchDir } from './build/scratch-dir.ts';
import type { LogSink, RouteBinding } from './contracts.ts';
import type { EngineChoice, RunningDynamoDb } from './dynamodb/engine.ts';
import type { FaultRule } from './dynamodb/faults.ts';
import { type GuardedDynamoDb, startGuardedDynamoDb } from './dynamodb/guarded-dynamodb.ts';
import type { ExposureOptions } from './exposure.ts';
import type { ReloadEvent } from './hot-reload.ts';
import type { FunctionSpec } from './lambda/function-spec.ts';
import type { FunctionStats } from './lambda/start-lambda-service.ts';
import { ACCESS_LOG_FOLDER, openLogStore } from './logs/log-store.ts';
import type { Tracer } from './tracing/tracer.ts';

/** The browser console and its request traces (`npm start` turns them on; `--no-console` off). */
export interface ConsoleSettings {
  /** Finished traces kept (`--console-traces`, default 10 000). */
  readonly traces?: number;
  /** Also export every trace to this OTLP/HTTP traces endpoint (`--otlp`). */
  readonly otlpUrl?: string;
  /** The secret the console asks for; a new random one per start when absent. */
  readonly secret?: string;
}

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
  /** The throttle's clock in ms (`performance.now` by default); tests move it instead of waiting. */
  readonly throttleClock?: () => number;
  /** Host names and browser origins served besides loopback ones. */
  readonly exposure?: ExposureOptions;
  /** Faults injected between the functions and DynamoDB (`--faults`); none by default. */
  readonly faults?: readonly FaultRule[];
  /** The local system's own messages (engine restarts, denied calls); stderr by default. */
  readonly notice?: (line: string) => void;
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
  /**
   * Where the bundles served are kept between starts, so that a start with nothing changed
   * builds none (`npm start`: `BUNDLE_CACHE_DIR`); every start builds them all when absent.
   */
  readonly bundleCacheDir?: string;
  /** The console at `/_local/console/` and its tracing; off when absent. */
  readonly console?: ConsoleSettings;
}

export interface LocalSystem {
  readonly url: string;
  readonly port: number;
  readonly dynamodb: Pick<RunningDynamoDb, 'engine' | 'endpoint' | 'dataDir' | 'detail' | 'reason'> & {
    /** The engine's process id when it runs in a process of its own (DynamoDB Local), else null. */
    readonly pid: number | null;
  };
  readonly services: readonly LoadedService[];
  readonly routes: readonly RouteBinding[];
  /** The local user pool whose tokens the gateway accepts (`npm run token` mints them). */
  readonly userPool: LocalUserPool;
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
  /** Whether the bundles served at start were kept from an earlier start (none was built). */
  readonly bundlesFromCache: boolean;
  /** The console, when on: the URL to open (it carries the secret) and the tracer behind it. */
  readonly console: { readonly url: string; readonly secret: string; readonly tracer: Tracer } | null;
  /** Per function: instances alive and busy, invocations waiting, cold starts so far. */
  stats(): Record<string, FunctionStats>;
  stop(): Promise<void>;
}

const LOCAL_REGION = 'us-east-1';
/** The folder under the data folder that keeps the functions' logs. */
export const LOGS_FOLDER = 'logs';

/** Local-only pages, each answering its own paths; the first that answers wins. */
function localPages(
  ...pages: readonly ((req: IncomingMessage, res: ServerResponse) => boolean)[]
): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => pages.some((page) => page(req, res));
}

/** Every line to each of `sinks`, read at each write: the console adds its taps once it is up. */
function teeLogSink(sinks: readonly LogSink[]): LogSink {
  return {
    write(functionName, line, logStream) {
      for (const sink of sinks) sink.write(functionName, line, logStream);
    },
    end(functionName, logStream) {
      for (const sink of sinks) sink.end?.(functionName, logStream);
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
  const servicesDirs = options.servicesDirs ?? [DEFAULT_SERVICES_DIR];
  // The console's modules load meanwhile; its tracer hears the guard's calls from the first one on.
  const consoleLoading = options.console ? import('./console/console-parts.ts') : undefined;
  consoleLoading?.catch(() => {});
  let tracer: Tracer | undefined;
  // The rules in force are the deployed stage's: `openTutorial` opens DynamoDBManager as `-c openTutorial=true` would.
  const servicesLoading = loadServices(servicesDirs).then((loaded) => withAccessSettings(loaded, api));
  // DynamoDB (a JVM, for DynamoDB Local) starts meanwhile: only its guard's policies need the declarations.
  const dynamoStarted = performance.now();
  const guardedStarting = startGuardedDynamoDb({
    engine: options.engine,
    dataDir: options.dataDir,
    inMemory: options.inMemory,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    services: servicesLoading,
    region,
    ...(options.faults ? { faults: options.faults } : {}),
    ...(options.console ? { onCall: (call) => tracer?.onDynamoDbCall(call) } : {}),
    notice: options.notice ?? ((line) => process.stderr.write(`${line}\n`)),
  });
  // Awaited below; until then a failed start (e.g. the data folder in use) must not go unobserved.
  guardedStarting.catch(() => {});
  // The rest of the system's modules load while the engine starts (see system-parts.ts).
  const partsLoading = import('./system-parts.ts');
  partsLoading.catch(() => {});
  const cleanups: (() => Promise<void>)[] = [() => guardedStarting.then((guarded) => guarded.stop())];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  };
  let services: LoadedService[];
  let buildDir: Awaited<ReturnType<typeof scratchDir>>;
  let parts: Awaited<typeof partsLoading>;
  let consoleParts: Awaited<typeof consoleLoading>;
  try {
    parts = await partsLoading;
    consoleParts = await consoleLoading;
    services = await servicesLoading;
    buildDir = await scratchDir('sm-bundles-');
  } catch (error) {
    await stop();
    throw error;
  }
  const bundles = new parts.IncrementalBundles(buildDir.dir, {
    ...(options.bundleCacheDir ? { cache: new parts.BundleCache(options.bundleCacheDir) } : {}),
  });
  cleanups.push(
    () => buildDir.remove(),
    () => bundles.dispose(),
  );
  let building: Promise<unknown> | undefined;
  try {
    const buildStarted = performance.now();
    const bundling = bundles.build(services).then((built) => ({ built, ms: since(buildStarted) }));
    building = bundling;
    // A failed build must not be left unobserved while DynamoDB starts.
    bundling.catch(() => {});
    // The local user pool lives in the data folder even with --in-memory (it holds no user data,
    // and tokens minted by `npm run token` must outlive a restart). Its first key is made meanwhile.
    const openingPool = parts.openLocalUserPool(options.dataDir);
    openingPool.catch(() => {});
    const guarded = await guardedStarting;
    const dynamodb = guarded.engine;
    const dynamoMs = since(dynamoStarted);
    const tablesStarted = performance.now();
    const hostCredentials =
      dynamodb.engine === 'external' ? parts.awsCredentialsFrom(process.env) : undefined;
    const admin = new parts.DynamoDBClient({
      region,
      endpoint: dynamodb.endpoint,
      ...(hostCredentials ? {} : { credentials: { accessKeyId: 'LOCALADMIN', secretAccessKey: 'local' } }),
    });
    cleanups.push(async () => admin.destroy());
    const createTables = async (loaded: readonly LoadedService[]) => {
      const declared = loaded.map((s) => s.service);
      await parts.ensureTables(admin, declared);
      await parts.ensureIdempotencyTable(admin, declared);
    };
    await createTables(services);
    const tablesMs = since(tablesStarted);
    const { built, ms: buildMs } = await bundling;
    const userPool = await openingPool;
    const specContext = {
      endpoint: guarded.functionEndpoint,
      logLevel: options.logLevel,
      corsOrigins: api.corsOrigins,
      hostCredentials,
    };
    const functions = parts.functionSpecs(services, built.bundles, specContext);
    // Each function's declared log format, which the kept logs follow; a reload may change it.
    const logFormats = new Map<string, LogFormat>();
    // Each function's spec as served now, for a log level switched at run time.
    const specsNow = new Map<string, FunctionSpec>();
    const noteLogFormats = (specs: readonly FunctionSpec[]) => {
      for (const spec of specs) {
        logFormats.set(spec.name, spec.logFormat ?? 'JSON');
        specsNow.set(spec.name, spec);
      }
    };
    noteLogFormats(functions);
    // Kept like CloudWatch's log groups, beside the data; --in-memory keeps nothing on disk.
    const logsDir = options.inMemory ? null : path.resolve(options.dataDir, LOGS_FOLDER);
    const logStore = logsDir
      ? openLogStore({ dir: logsDir, logFormatOf: (name) => logFormats.get(name) ?? 'JSON' })
      : null;
    if (logStore) cleanups.push(() => logStore.close());
    // The console: the declarations, routes and specs in force change with each reload.
    let currentServices: readonly LoadedService[] = services;
    let generation = 0;
    const throttleSwitch = { enabled: throttle !== false };
    const sinks: LogSink[] = [options.logSink, ...(logStore ? [logStore] : [])];
    const logSink: LogSink = teeLogSink(sinks);
    const consoleRunning =
      consoleParts && options.console
        ? await consoleParts.consoleWithTracing(options.console, {
            services: () => currentServices,
            routes: () => parts.routeBindings(currentServices),
            generation: () => generation,
            guard: guarded,
            admin,
            userPool,
            logsDir,
            logSink,
            initial: {
              faults: options.faults ?? [],
              throttling: throttle !== false,
              logLevel: options.logLevel,
            },
            setThrottling: (enabled) => {
              throttleSwitch.enabled = enabled;
            },
            // New instances start with the level; running ones retire once idle, as after a reload.
            setLogLevel: (logLevel) => {
              const files = new Map([...specsNow].map(([name, spec]) => [name, { file: spec.bundleFile }]));
              lambda.update(parts.functionSpecs(currentServices, files, { ...specContext, logLevel }));
            },
            log: options.notice ?? ((line) => process.stderr.write(`${line}\n`)),
          })
        : undefined;
    if (consoleRunning) {
      tracer = consoleRunning.tracer;
      sinks.push(...consoleRunning.sinks);
      cleanups.push(() => consoleRunning.stop());
    }
    const lambda = parts.startLambdaService({
      functions,
      region,
      logSink,
      ...(options.maxInstancesPerFunction
        ? { maxInstancesPerFunction: options.maxInstancesPerFunction }
        : {}),
      ...(options.idleTimeoutMs ? { idleTimeoutMs: options.idleTimeoutMs } : {}),
    });
    cleanups.push(() => lambda.close());
    const routes: RouteBinding[] = parts.routeBindings(services);
    const gateway = await parts.startGateway({
      routes,
      invoker: tracer ? tracer.invoker(lambda) : lambda,
      ...(tracer ? { observer: tracer.observer, throttleSwitch } : {}),
      authorizer: parts.localAuthorizer(userPool),
      port: options.port,
      stage: api.stageName,
      corsOrigins: api.corsOrigins,
      // With the console, the stage keeps its limits and the console's switch turns them on and off.
      throttle: consoleRunning
        ? { rateLimit: api.throttlingRateLimit, burstLimit: api.throttlingBurstLimit }
        : throttle,
      ...(options.throttleClock ? { clock: options.throttleClock } : {}),
      exposure,
      localPages: localPages(
        parts.apiReference(services.map((s) => s.service)),
        parts.userPoolPage(userPool),
        ...(consoleRunning ? [consoleRunning.console.page] : []),
      ),
      ...(options.integrationTimeoutMs ? { integrationTimeoutMs: options.integrationTimeoutMs } : {}),
      // The stage's access log, kept beside the functions' logs as its own group.
      ...(logStore
        ? { accessLog: (line: string) => logStore.write(ACCESS_LOG_FOLDER, line, api.stageName) }
        : {}),
    });
    cleanups.push(() => gateway.close(options.shutdownGraceMs ?? 0));
    if (options.onReload) {
      const reload = parts.startHotReload({
        servicesDirs,
        sourceDirs: [path.join(PROJECT_ROOT, 'src')],
        bundles,
        lambda: {
          update(specs) {
            noteLogFormats(specs);
            lambda.update(specs);
          },
        },
        gateway,
        specContext,
        accessSettings: api,
        // New declarations get their tables, and every function its policy as the stack would synthesize it.
        ensureTables: async (loaded) => {
          await createTables(loaded);
          await guarded.reloadPolicies(loaded);
          currentServices = loaded;
        },
        onReload: (event) => {
          if (event.kind !== 'failed') {
            generation += 1;
            consoleRunning?.console.reloaded(generation);
          }
          options.onReload?.(event);
        },
        initial: { services, specs: functions, inputs: built.inputs },
      });
      cleanups.push(async () => reload.close());
    }
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
        ...(dynamodb.reason ? { reason: dynamodb.reason } : {}),
      },
      services,
      routes,
      userPool,
      logsDir,
      stage: { name: api.stageName, throttle, corsOrigins: api.corsOrigins, exposure },
      guard: guarded,
      referenceUrl: `${gateway.url}${parts.REFERENCE_PREFIX}/`,
      timings: { build: buildMs, dynamodb: dynamoMs, tables: tablesMs, total: since(started) },
      bundlesFromCache: built.fromCache,
      console: consoleRunning
        ? {
            url: `${gateway.url}${consoleRunning.console.path}`,
            secret: consoleRunning.console.secret,
            tracer: consoleRunning.tracer,
          }
        : null,
      stats: () => lambda.stats(),
      stop,
    };
  } catch (error) {
    // A failed start (e.g. the data folder is in use) still lets the build end before its folder goes.
    await building?.catch(() => {});
    await stop();
    throw error;
  }
}
