import path from 'node:path';
import { Command } from 'commander';
import { LOCAL_HOST, LOCAL_PORT } from '#client/local-url.ts';
import { CDK_JSON, cdkJsonContext } from '#infra/cdk-json.ts';
import { type ApiSettings, environmentName, readApiSettings } from '#src/declaration/api-settings.ts';
import { PROJECT_ROOT } from '#src/declaration/load-services.ts';
import { DEFAULT_LOG_LEVEL, LOG_LEVELS, type LogLevel } from '#src/declaration/log-levels.ts';
import { BUNDLE_CACHE_DIR } from './cache-root.ts';
import { ENGINE_CHOICES, type EngineChoice } from './dynamodb/engines/engine.ts';
import { FAULTS_ENV, parseFaults } from './dynamodb/guard/faults.ts';
import { DEFAULT_DATA_DIR, dataFolder } from './private-data-folder.ts';
import type { LocalSystemOptions } from './start-local-system.ts';
import type { LogView } from './terminal-log-sink.ts';
import { parseCommandLine } from './tools/command-line.ts';
import { DEFAULT_TRACE_CAPACITY } from './tracing/trace-ring.ts';

/** Node's own default inspector port: the one debuggers try first. */
export const DEFAULT_INSPECT_PORT = 9229;
/** While debugging, an instance stopped at a breakpoint is not stopped for being idle. */
const INSPECT_IDLE_TIMEOUT_MS = 3_600_000;

/** What `npm start` lets a user choose: the local system's options a flag or variable can set. */
export type CliOptions = Pick<
  LocalSystemOptions,
  | 'port'
  | 'engine'
  | 'dataDir'
  | 'inMemory'
  | 'endpoint'
  | 'logLevel'
  | 'api'
  | 'throttle'
  | 'exposure'
  | 'faults'
  | 'maxInstancesPerFunction'
  | 'idleTimeoutMs'
  | 'bundleCacheDir'
  | 'deferBuild'
  | 'inspect'
  | 'console'
> & {
  /** Print each function's unused permissions whenever Enter is pressed (`--iam-report`). */
  readonly iamReport: boolean;
  /** How the terminal shows the functions' logs: `compact` by default, `full` with `--full-logs`. */
  readonly logView: LogView;
};

/** A repeatable option's values, in order. */
function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/**
 * `npm start`'s command line: every option, its variable and default, and examples. The help is
 * commander's, so it lists exactly the options the parser accepts.
 */
export function startCommand(): Command {
  return new Command('npm start --')
    .usage('[options]')
    .description('Runs the whole system on this machine: API Gateway, Lambda, DynamoDB, a user pool.')
    .option('--port <n>', `port on ${LOCAL_HOST} (env PORT, default ${LOCAL_PORT}; 0 picks a free one)`)
    .option('--engine <name>', `${ENGINE_CHOICES.join(' | ')} (env DYNAMODB_ENGINE, default auto)`)
    .option(
      '--data-dir <dir>',
      `where table data, logs and the user pool persist (env DATA_DIR, default ${DEFAULT_DATA_DIR})`,
    )
    .option('--in-memory', 'keep no table data or logs on disk (env IN_MEMORY=true)')
    .option('--endpoint <url>', 'DynamoDB endpoint of the external engine (env DYNAMODB_ENDPOINT)')
    .option('--log-level <level>', `${LOG_LEVELS.join(' | ')} (env LOG_LEVEL, default ${DEFAULT_LOG_LEVEL})`)
    .option('--no-throttle', "turn the stage's throttling off, e.g. for load tests (env SM_THROTTLE=false)")
    .option(
      '--allow-host <name>',
      'also answer this Host name, repeatable; * for any (env SM_ALLOWED_HOSTS, comma-separated)',
      collect,
    )
    .option(
      '--allow-origin <url>',
      'also serve browsers on this origin, repeatable; * for any (env SM_ALLOWED_ORIGINS)',
      collect,
    )
    .option(
      '--faults <rules>',
      'inject DynamoDB faults, e.g. throttle=30%,latency=2000ms@products-get,error=5%@table:products (env SM_FAULTS)',
    )
    .option(
      '--iam-report',
      'print the permissions each function was granted and never used whenever Enter is pressed (also printed on stop)',
    )
    .option(
      '--max-instances <n>',
      'instances per function at most (env MAX_INSTANCES, default: the CPU count, at least 2)',
    )
    .option('--idle-timeout <s>', 'stop an instance idle this many seconds (env IDLE_TIMEOUT, default 30)')
    .option(
      '--open-tutorial',
      "let DynamoDBManager be called without a token, so the AWS tutorial's requests work verbatim (env OPEN_TUTORIAL=true)",
    )
    .option(
      '--full-logs',
      `show every log line in the terminal, START/END/REPORT included (env SM_LOG_VIEW=full); all are kept in ${DEFAULT_DATA_DIR}/logs`,
    )
    .option(
      '--no-build-cache',
      `ignore the bundles kept from the last start (env SM_BUILD_CACHE=false; kept in ${path.relative(PROJECT_ROOT, BUNDLE_CACHE_DIR)})`,
    )
    .option(
      '--build-all',
      "build every bundle before serving when none is kept (env SM_BUILD_ALL=true); by default each is built at its function's first invocation, the rest once nothing is in flight",
    )
    .option(
      '--inspect [port]',
      `open a debugger port in every function instance, on 127.0.0.1 only: the first instance on the port (default ${DEFAULT_INSPECT_PORT}), further ones on the next free ports; one instance per function, kept an hour idle, unless --max-instances/--idle-timeout say otherwise (docs/debugging.md)`,
    )
    .option('--no-console', 'do not serve the browser console nor keep request traces (env SM_CONSOLE=false)')
    .option(
      '--console-traces <n>',
      `request traces the console keeps, the oldest dropped first (env SM_CONSOLE_TRACES, default ${DEFAULT_TRACE_CAPACITY})`,
    )
    .option(
      '--otlp <url>',
      'also export every trace to this OTLP/HTTP traces endpoint, e.g. http://127.0.0.1:4318/v1/traces (env OTEL_EXPORTER_OTLP_TRACES_ENDPOINT)',
    )
    .helpOption('--help', 'this text')
    .addHelpText(
      'after',
      `
The stage name, throttling, CORS origins and openTutorial are the CDK app's settings (cdk.json
context, then STAGE_NAME, THROTTLING_RATE_LIMIT, THROTTLING_BURST_LIMIT, CORS_ORIGINS,
OPEN_TUTORIAL): the deployed stage's.

Examples:
  npm start
  npm start -- --port 3001 --data-dir .data-2 --engine dynalite
  TOKEN=$(npm run -s token -- --user alice --group admin)   # a token of the local user pool`,
    );
}

/** `npm start`'s help text. */
export const USAGE = (() => {
  const parsed = parseCommandLine(startCommand(), ['--help']);
  return parsed.kind === 'help' ? parsed.text : '';
})();

/**
 * Reads the options of `npm start`. Precedence: command-line flag, then environment variable,
 * then default. An `--endpoint` alone implies the external engine. Invalid values fail fast.
 */
export function parseCliOptions(argv: readonly string[], env: NodeJS.ProcessEnv): CliOptions | 'help' {
  const parsed = parseCommandLine(startCommand(), argv);
  if (parsed.kind === 'help') return 'help';
  const values = parsed.options as {
    port?: string;
    engine?: string;
    dataDir?: string;
    inMemory?: boolean;
    endpoint?: string;
    logLevel?: string;
    allowHost?: string[];
    allowOrigin?: string[];
    faults?: string;
    iamReport?: boolean;
    fullLogs?: boolean;
    buildAll?: boolean;
    openTutorial?: boolean;
    maxInstances?: string;
    idleTimeout?: string;
    inspect?: string | true;
    console?: boolean;
    consoleTraces?: string;
    otlp?: string;
  };
  // `--no-…` flags: commander defaults them to true; only a given flag turns them off.
  const noThrottle = parsed.given('throttle') ? true : undefined;
  const noBuildCache = parsed.given('buildCache') ? true : undefined;
  const noConsole = parsed.given('console') ? true : undefined;
  const portText = values.port ?? env.PORT ?? String(LOCAL_PORT);
  const port = Number(portText);
  if (!/^[0-9]{1,5}$/.test(portText) || port > 65535)
    throw new Error(`--port must be 0–65535, not "${portText}"`);
  const endpoint = values.endpoint ?? env.DYNAMODB_ENDPOINT;
  const engine = values.engine ?? env.DYNAMODB_ENGINE ?? (endpoint ? 'external' : 'auto');
  if (!ENGINE_CHOICES.includes(engine as EngineChoice)) {
    throw new Error(`--engine must be one of ${ENGINE_CHOICES.join(', ')}, not "${engine}"`);
  }
  const logLevel = (values.logLevel ?? env.LOG_LEVEL ?? DEFAULT_LOG_LEVEL).toUpperCase();
  if (!isLogLevel(logLevel)) throw new Error(`--log-level must be one of ${LOG_LEVELS.join(', ')}`);
  const api = stageSettings(env);
  const faults = parseFaults(values.faults ?? env[FAULTS_ENV] ?? '');
  const maxInstances = positiveNumber('--max-instances', values.maxInstances ?? env.MAX_INSTANCES);
  const idleSeconds = positiveNumber('--idle-timeout', values.idleTimeout ?? env.IDLE_TIMEOUT);
  const inspectText = values.inspect === true ? String(DEFAULT_INSPECT_PORT) : values.inspect;
  const inspectPort = inspectText === undefined ? undefined : Number(inspectText);
  if (
    inspectPort !== undefined &&
    (!/^[0-9]{1,5}$/.test(inspectText ?? '') || inspectPort < 1024 || inspectPort > 65535)
  )
    throw new Error(`--inspect takes a port 1024–65535, not "${inspectText}"`);
  const traces = positiveNumber('--console-traces', values.consoleTraces ?? env.SM_CONSOLE_TRACES);
  if (traces !== undefined && !Number.isInteger(traces))
    throw new Error('--console-traces must be a whole number');
  const otlpUrl = values.otlp ?? env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (otlpUrl !== undefined && !/^https?:\/\/./.test(otlpUrl))
    throw new Error(`--otlp must be an http(s) URL, not "${otlpUrl}"`);
  const consoleOn = !(noConsole ?? env.SM_CONSOLE === 'false');
  return {
    port,
    engine: engine as EngineChoice,
    dataDir: dataFolder(values.dataDir, env),
    inMemory: values.inMemory ?? env.IN_MEMORY === 'true',
    ...(endpoint ? { endpoint } : {}),
    logLevel,
    api: { ...api, openTutorial: values.openTutorial ?? api.openTutorial },
    throttle: !(noThrottle ?? env.SM_THROTTLE === 'false'),
    exposure: {
      allowedHosts: values.allowHost ?? list(env.SM_ALLOWED_HOSTS),
      allowedOrigins: values.allowOrigin ?? list(env.SM_ALLOWED_ORIGINS),
    },
    ...(faults.length > 0 ? { faults } : {}),
    iamReport: values.iamReport ?? false,
    logView: (values.fullLogs ?? env.SM_LOG_VIEW === 'full') ? 'full' : 'compact',
    ...(maxInstances
      ? { maxInstancesPerFunction: Math.ceil(maxInstances) }
      : inspectPort
        ? { maxInstancesPerFunction: 1 }
        : {}),
    ...(idleSeconds
      ? { idleTimeoutMs: idleSeconds * 1000 }
      : inspectPort
        ? { idleTimeoutMs: INSPECT_IDLE_TIMEOUT_MS }
        : {}),
    ...(inspectPort ? { inspect: { port: inspectPort } } : {}),
    ...(consoleOn ? { console: { ...(traces ? { traces } : {}), ...(otlpUrl ? { otlpUrl } : {}) } } : {}),
    ...((noBuildCache ?? env.SM_BUILD_CACHE === 'false') ? {} : { bundleCacheDir: BUNDLE_CACHE_DIR }),
    deferBuild: !(values.buildAll ?? env.SM_BUILD_ALL === 'true'),
  };
}

const list = (text: string | undefined) =>
  (text ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

/**
 * The stage's settings exactly as the CDK app reads them (cdk.json context, then the environment
 * variable named after the key), so `npm start` behaves as the stack `npm run deploy` would create.
 */
export function stageSettings(env: NodeJS.ProcessEnv, cdkJson = CDK_JSON): ApiSettings {
  const context = cdkJsonContext(cdkJson);
  return readApiSettings((key) => context[key] ?? env[environmentName(key)]);
}

const isLogLevel = (level: string): level is LogLevel => (LOG_LEVELS as readonly string[]).includes(level);

function positiveNumber(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!(value > 0) || !Number.isFinite(value))
    throw new Error(`${flag} must be a positive number, not "${text}"`);
  return value;
}
