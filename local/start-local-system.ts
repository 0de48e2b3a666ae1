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
import { DEFAULT_LOG_FORMAT, type LogFormat } from '#src/declaration/types.ts';
import type { LocalUserPool } from './auth/local-user-pool.ts';
import type { BuiltBundle } from './build/incremental-bundles.ts';
import { scratchDir } from './build/scratch-dir.ts';
import type { LogSink, RouteBinding } from './contracts.ts';
import type { EngineChoice, RunningDynamoDb } from './dynamodb/engines/engine.ts';
import type { FaultRule } from './dynamodb/guard/faults.ts';
import { type GuardedDynamoDb, startGuardedDynamoDb } from './dynamodb/guard/guarded-dynamodb.ts';
import { policiesOf } from './dynamodb/guard/iam/load-policies.ts';
import type { ExposureOptions } from './exposure.ts';
import type { HotReload, ReloadEvent } from './hot-reload.ts';
import type { FunctionSpec } from './lambda/function-spec.ts';
import type { FunctionStats } from './lambda/start-lambda-service.ts';
import { LOCAL_REGION } from './local-account.ts';
import { ACCESS_LOG_FOLDER, openLogStore } from './logs/log-store.ts';
import { type LoadedStack, loadStack, stackInputFor } from './stack/load-stack.ts';
import { type PartTiming, SystemParts } from './system-part.ts';
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
  /**
   * When no build is kept, start without building any bundle: each function's bundle is built at
   * its first invocation (which waits for it), and the others once nothing has been in flight for
   * a second, as bundles kept from an earlier start fill the build context (`npm start` does).
   * The hot reload does those builds: without `onReload`, or when absent, every bundle is built
   * before the start.
   */
  readonly deferBuild?: boolean;
  /**
   * Open a debugger port (Node's inspector, loopback only) in every function instance, the first
   * on `port`, further ones on the next free ports (`npm start -- --inspect`). Off when absent.
   */
  readonly inspect?: { readonly port: number };
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
  /** Whether the start built no bundle (`deferBuild` found none kept): each is built when first invoked. */
  readonly bundlesDeferred: boolean;
  /**
   * Settles once an edit rebuilds only the bundles it reaches: at once after a build; after the
   * first quiet second when the bundles came from the cache or were deferred (see
   * WARM_WHEN_QUIET_MS).
   */
  readonly bundlesWarmed: Promise<void>;
  /** Whether the CDK app was synthesized at this start (nothing cached for its inputs). */
  readonly synthesized: boolean;
  /** What the synthesized stack holds that the local system does not run, one line per kind. */
  readonly notHonoured: readonly string[];
  /** The parts the system started, in order, and how long each took to be ready. */
  readonly parts: readonly PartTiming[];
  /** The console, when on: the URL to open (it carries the secret) and the tracer behind it. */
  readonly console: { readonly url: string; readonly secret: string; readonly tracer: Tracer } | null;
  /** Per function: instances alive and busy, invocations waiting, cold starts so far. */
  stats(): Record<string, FunctionStats>;
  stop(): Promise<void>;
}

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
 * Starts the whole local system as an ordered list of parts (see system-part.ts): the
 * declarations and the stack synthesized from them (read once, shared by every later part),
 * DynamoDB behind its IAM guard, the bundles, the tables, the log store, the Lambda service, the
 * API Gateway in front of it and, with `onReload`, the watcher. A part that fails stops those
 * started, last first; `stop()` does the same.
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
  const exposure = options.exposure ?? {};
  const region =
    options.region ?? (options.engine === 'external' ? process.env.AWS_REGION : undefined) ?? LOCAL_REGION;
  const since = (from: number) => Math.round(performance.now() - from);
  const servicesDirs = options.servicesDirs ?? [DEFAULT_SERVICES_DIR];
  // The stack is synthesized as `cdk synth -c stageName=… -c logLevel=…` would: the stage's
  // settings and the log level chosen are context, so the template carries them.
  const stackInput = stackInputFor(api, options.logLevel, region);
  // One reading per set of declarations, shared by every part that reads the stack.
  const readings = new WeakMap<readonly LoadedService[], Promise<LoadedStack>>();
  const readStack = (services: readonly LoadedService[]) => {
    let reading = readings.get(services);
    if (!reading) {
      reading = loadStack(services, stackInput);
      readings.set(services, reading);
    }
    return reading;
  };

  const parts = new SystemParts();
  // The console's modules load meanwhile; its tracer hears the guard's calls from the first one on.
  const consoleModules = options.console
    ? parts.add('console modules', () => import('./console/console-parts.ts'))
    : undefined;
  let tracer: Tracer | undefined;
  // The rules in force are the deployed stage's: `openTutorial` opens DynamoDBManager as `-c openTutorial=true` would.
  const declarations = parts.add('declarations', async () =>
    withAccessSettings(await loadServices(servicesDirs), api),
  );
  const stack = parts.add('stack', async () => readStack(await declarations));
  // DynamoDB (a JVM, for DynamoDB Local) starts at once: only its guard's policies need the stack.
  const dynamodb = parts.add(
    'dynamodb',
    () =>
      startGuardedDynamoDb({
        engine: options.engine,
        dataDir: options.dataDir,
        inMemory: options.inMemory,
        ...(options.endpoint ? { endpoint: options.endpoint } : {}),
        services: declarations,
        loadPolicies: async (services) => policiesOf(await readStack(services)),
        region,
        ...(options.faults ? { faults: options.faults } : {}),
        ...(options.console
          ? { onCall: (call) => tracer?.onDynamoDbCall(call), observing: () => tracer?.recording ?? true }
          : {}),
        notice: options.notice ?? ((line) => process.stderr.write(`${line}\n`)),
      }),
    (guarded) => guarded.stop(),
  );
  // The rest of the system's modules load while the engine starts (see system-parts.ts).
  const modules = parts.add('modules', () => import('./system-parts.ts'));
  const buildDir = parts.add(
    'build folder',
    () => scratchDir('sm-bundles-'),
    (dir) => dir.remove(),
  );
  const bundles = parts.add(
    'bundles',
    async () => {
      const { IncrementalBundles, BundleCache } = await modules;
      return new IncrementalBundles((await buildDir).dir, {
        ...(options.bundleCacheDir ? { cache: new BundleCache(options.bundleCacheDir) } : {}),
      });
    },
    (made) => made.dispose(),
  );
  const deferring = options.deferBuild === true && options.onReload !== undefined;
  const firstBuild = parts.add('first build', async () => {
    const services = await declarations;
    const buildStarted = performance.now();
    const built = await (await bundles).build(services, undefined, { defer: deferring });
    return { built, ms: since(buildStarted) };
  });
  // The local user pool lives in the data folder even with --in-memory (it holds no user data,
  // and tokens minted by `npm run token` must outlive a restart). Its first key is made meanwhile.
  const userPool = parts.add('user pool', async () => (await modules).openLocalUserPool(options.dataDir));
  const tables = parts.add(
    'tables',
    async () => {
      const { DynamoDBClient, awsCredentialsFrom } = await modules;
      const guarded = await dynamodb;
      const tablesStarted = performance.now();
      const hostCredentials =
        guarded.engine.engine === 'external' ? awsCredentialsFrom(process.env) : undefined;
      const admin = new DynamoDBClient({
        region,
        endpoint: guarded.engine.endpoint,
        ...(hostCredentials ? {} : { credentials: { accessKeyId: 'LOCALADMIN', secretAccessKey: 'local' } }),
      });
      try {
        await (await modules).ensureStackTables(admin, (await stack).stack.tables);
      } catch (error) {
        admin.destroy();
        throw error;
      }
      return { admin, hostCredentials, ms: since(tablesStarted) };
    },
    ({ admin }) => admin.destroy(),
  );
  let watching: Promise<HotReload> | undefined;
  /**
   * The level switched in the console, if any: every spec the Lambda service is given from then on
   * runs at it (a reload's, a first invocation's build's), until it is switched again. The hot
   * reload compares the stack's specs, so the switch alone changes none in its eyes.
   */
  let switchedLogLevel: LogLevel | undefined;
  const withSwitchedLevel = (spec: FunctionSpec): FunctionSpec =>
    switchedLogLevel
      ? {
          ...spec,
          logLevel: switchedLogLevel,
          environment: { ...spec.environment, LOG_LEVEL: switchedLogLevel },
        }
      : spec;
  // Each function's log format, which the kept logs follow; a reload may change it.
  const logFormats = new Map<string, LogFormat>();
  // Each function's spec as served now, for a log level switched at run time.
  const specsNow = new Map<string, FunctionSpec>();
  const noteLogFormats = (specs: readonly FunctionSpec[]) => {
    for (const spec of specs) {
      logFormats.set(spec.name, spec.logFormat ?? DEFAULT_LOG_FORMAT);
      specsNow.set(spec.name, spec);
    }
  };
  // Kept like CloudWatch's log groups, beside the data; --in-memory keeps nothing on disk.
  const logsDir = options.inMemory ? null : path.resolve(options.dataDir, LOGS_FOLDER);
  const logStore = parts.add(
    'log store',
    async () =>
      logsDir
        ? openLogStore({ dir: logsDir, logFormatOf: (name) => logFormats.get(name) ?? DEFAULT_LOG_FORMAT })
        : null,
    (store) => store?.close(),
  );
  // The stack the functions and routes are served from: the one read at start, then each reload's.
  let serving: { services: readonly LoadedService[]; stack: LoadedStack['stack'] } | undefined;
  const specsOf = (
    services: readonly LoadedService[],
    built: ReadonlyMap<string, BuiltBundle>,
    endpoint: string,
    hostCredentials: Record<string, string> | undefined,
    functionSpecs: typeof import('./function-specs.ts')['functionSpecs'],
  ) => {
    // A reload whose stack could not be read leaves the previous one serving until a declaration is saved again.
    if (serving?.services !== services)
      throw new Error(
        'The stack of the changed declarations could not be read: fix the declaration and save it again',
      );
    return functionSpecs(serving.stack.functions, built, { endpoint, hostCredentials });
  };
  // Every function's log lines go to the terminal, the kept logs and, once it is up, the console.
  const sinks: LogSink[] = [options.logSink];
  const logSink = teeLogSink(sinks);
  // The console: the declarations, routes and specs it shows are those served now (each reload's).
  let generation = 0;
  const throttleSwitch = { enabled: options.throttle !== false };
  let lambdaService: { update(specs: readonly FunctionSpec[]): void } | undefined;
  const consolePart = consoleModules
    ? parts.add(
        'console',
        async () => {
          const { consoleWithTracing } = await consoleModules;
          const [guarded, { admin }, pool] = await Promise.all([dynamodb, tables, userPool]);
          const running = await consoleWithTracing(options.console ?? {}, {
            services: () => serving?.services ?? [],
            routes: () => serving?.stack.routes ?? [],
            generation: () => generation,
            guard: guarded,
            admin,
            userPool: pool,
            logsDir,
            logSink,
            initial: {
              faults: options.faults ?? [],
              throttling: options.throttle !== false,
              logLevel: options.logLevel,
            },
            setThrottling: (enabled) => {
              throttleSwitch.enabled = enabled;
            },
            // New instances start with the level; running ones retire once idle, as after a reload.
            setLogLevel: (logLevel) => {
              switchedLogLevel = logLevel;
              const specs = [...specsNow.values()].map(withSwitchedLevel);
              noteLogFormats(specs);
              lambdaService?.update(specs);
            },
            log: options.notice ?? ((line) => process.stderr.write(`${line}\n`)),
          });
          tracer = running.tracer;
          sinks.push(...running.sinks);
          return running;
        },
        (running) => running.stop(),
      )
    : undefined;
  const lambda = parts.add(
    'functions',
    async () => {
      const { startLambdaService, functionSpecs } = await modules;
      const [services, read, guarded, { hostCredentials }, { built }, store] = await Promise.all([
        declarations,
        stack,
        dynamodb,
        tables,
        firstBuild,
        logStore,
        consolePart,
      ]);
      if (store) sinks.push(store);
      serving = { services, stack: read.stack };
      const functions = specsOf(
        services,
        built.bundles,
        guarded.functionEndpoint,
        hostCredentials,
        functionSpecs,
      );
      noteLogFormats(functions);
      const service = startLambdaService({
        functions,
        region,
        logSink,
        ...(options.maxInstancesPerFunction
          ? { maxInstancesPerFunction: options.maxInstancesPerFunction }
          : {}),
        ...(options.idleTimeoutMs ? { idleTimeoutMs: options.idleTimeoutMs } : {}),
        ...(options.inspect ? { inspect: options.inspect } : {}),
        // A bundle left unbuilt is built in the hot reload's queue, which then serves it.
        ...(deferring
          ? {
              buildBundle: async (name: string) => {
                const reload = await watching;
                await reload?.buildFunction(name);
              },
            }
          : {}),
      });
      lambdaService = service;
      return { service, functions };
    },
    ({ service }) => service.close(),
  );
  const gateway = parts.add(
    'gateway',
    async () => {
      const { startGateway, localAuthorizer, apiReference, userPoolPage } = await modules;
      const [services, { stack: read }, { service }, pool, store, consoleRunning] = await Promise.all([
        declarations,
        stack,
        lambda,
        userPool,
        logStore,
        consolePart,
      ]);
      const { stage } = read;
      const throttle = options.throttle === false ? (false as const) : stage.throttle;
      const reference = apiReference(services.map((s) => s.service));
      const running = await startGateway({
        routes: read.routes,
        invoker: service,
        ...(tracer ? { observer: tracer.observer, throttleSwitch } : {}),
        authorizer: localAuthorizer(pool),
        port: options.port,
        stage: stage.name,
        corsOrigins: stage.corsOrigins,
        responses: stage.responses,
        // With the console, the stage keeps its limits and the console's switch turns them on and off.
        throttle: consoleRunning ? stage.throttle : throttle,
        ...(options.throttleClock ? { clock: options.throttleClock } : {}),
        exposure,
        localPages: localPages(
          reference,
          userPoolPage(pool),
          ...(consoleRunning ? [consoleRunning.console.page] : []),
        ),
        ...(options.integrationTimeoutMs ? { integrationTimeoutMs: options.integrationTimeoutMs } : {}),
        // The stage's access log, kept beside the functions' logs as its own group.
        ...(store ? { accessLog: (line: string) => store.write(ACCESS_LOG_FOLDER, line, stage.name) } : {}),
      });
      return { running, throttle, reference };
    },
    ({ running }) => running.close(options.shutdownGraceMs ?? 0),
  );
  const { onReload } = options;
  if (onReload) {
    watching = parts.add(
      'watcher',
      async () => {
        const { startHotReload, functionSpecs, ensureStackTables } = await modules;
        const [
          services,
          guarded,
          { admin, hostCredentials },
          made,
          { built },
          { service, functions },
          { running, reference },
          consoleRunning,
        ] = await Promise.all([
          declarations,
          dynamodb,
          tables,
          bundles,
          firstBuild,
          lambda,
          gateway,
          consolePart,
        ]);
        const reload = startHotReload({
          servicesDirs,
          sourceDirs: [path.join(PROJECT_ROOT, 'src')],
          bundles: made,
          lambda: {
            update(specs) {
              const running = specs.map(withSwitchedLevel);
              noteLogFormats(running);
              service.update(running);
            },
          },
          gateway: running,
          reference,
          served: (loaded, bundled) => ({
            specs: specsOf(loaded, bundled, guarded.functionEndpoint, hostCredentials, functionSpecs),
            routes: serving?.stack.routes ?? [],
          }),
          accessSettings: api,
          // Changed declarations: their stack is read (synthesized unless cached) once, and gives
          // the new tables, and every function its policy as the stack would deploy it.
          ensureTables: async (loaded) => {
            const read = await readStack(loaded);
            await ensureStackTables(admin, read.stack.tables);
            await guarded.reloadPolicies(loaded);
            serving = { services: loaded, stack: read.stack };
          },
          onReload: (event) => {
            if (event.kind !== 'failed') {
              generation += 1;
              consoleRunning?.console.reloaded(generation);
            }
            onReload(event);
          },
          initial: { services, specs: functions, inputs: built.inputs },
          busy: () => Object.values(service.stats()).some((fn) => fn.busy > 0 || fn.queued > 0),
        });
        // An edit made as soon as the system is up is served too.
        await reload.ready;
        return reload;
      },
      (reload) => reload.close(),
    );
  }

  await parts.ready();
  const [services, read, guarded, tablesDone, build, pool, { running, throttle }, consoleRunning] =
    await Promise.all([declarations, stack, dynamodb, tables, firstBuild, userPool, gateway, consolePart]);
  const { REFERENCE_PREFIX } = await modules;
  const { service } = await lambda;
  const engine = guarded.engine;
  return {
    url: running.url,
    port: running.port,
    dynamodb: {
      engine: engine.engine,
      // A restarted engine may serve elsewhere: always the current one.
      get endpoint() {
        return guarded.engine.endpoint;
      },
      dataDir: engine.dataDir,
      detail: engine.detail,
      get pid() {
        const current = guarded.engine;
        return 'pid' in current && typeof current.pid === 'number' ? current.pid : null;
      },
      ...(engine.reason ? { reason: engine.reason } : {}),
    },
    services,
    routes: read.stack.routes,
    userPool: pool,
    logsDir,
    stage: { name: read.stack.stage.name, throttle, corsOrigins: read.stack.stage.corsOrigins, exposure },
    guard: guarded,
    referenceUrl: `${running.url}${REFERENCE_PREFIX}/`,
    timings: {
      build: build.ms,
      dynamodb: parts.timings().find((part) => part.name === 'dynamodb')?.ms ?? 0,
      tables: tablesDone.ms,
      total: since(started),
    },
    bundlesFromCache: build.built.fromCache,
    bundlesDeferred: build.built.unbuilt.length > 0,
    bundlesWarmed: watching ? (await watching).warmed : Promise.resolve(),
    synthesized: read.synthesized,
    notHonoured: read.stack.notHonoured,
    parts: parts.timings(),
    console: consoleRunning
      ? {
          url: `${running.url}${consoleRunning.console.path}`,
          secret: consoleRunning.console.secret,
          tracer: consoleRunning.tracer,
        }
      : null,
    stats: () => service.stats(),
    stop: () => parts.stop(),
  };
}
