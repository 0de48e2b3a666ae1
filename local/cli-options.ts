import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { type ApiSettings, environmentName, readApiSettings } from '#src/declaration/api-settings.ts';
import { LOG_LEVELS, type LogLevel } from '#src/declaration/function-environment.ts';
import { PROJECT_ROOT } from '#src/declaration/load-services.ts';
import { BUNDLE_CACHE_DIR } from './cache-root.ts';
import { ENGINE_CHOICES, type EngineChoice } from './dynamodb/engine.ts';
import { FAULTS_ENV, parseFaults } from './dynamodb/faults.ts';
import type { LocalSystemOptions } from './start-local-system.ts';
import type { LogView } from './terminal-log-sink.ts';
import { DEFAULT_TRACE_CAPACITY } from './tracing/trace-ring.ts';

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
  | 'console'
> & {
  /** Print each function's unused permissions whenever Enter is pressed (`--iam-report`). */
  readonly iamReport: boolean;
  /** How the terminal shows the functions' logs: `compact` by default, `full` with `--full-logs`. */
  readonly logView: LogView;
};

export const USAGE = `Usage: npm start -- [options]

  --port <n>           port on 127.0.0.1 (env PORT, default 3000)
  --engine <name>      auto | dynamodb-local | dynalite | external (env DYNAMODB_ENGINE, default auto)
  --data-dir <dir>     where table data persists (env DATA_DIR, default .data)
  --in-memory          keep no data on disk (env IN_MEMORY=true)
  --endpoint <url>     DynamoDB endpoint of the external engine (env DYNAMODB_ENDPOINT)
  --log-level <level>  TRACE | DEBUG | INFO | WARN | ERROR (env LOG_LEVEL, default INFO)
  --no-throttle        turn the stage's throttling off, e.g. for load tests (env SM_THROTTLE=false)
  --allow-host <name>  also answer this Host name, repeatable; * for any (env SM_ALLOWED_HOSTS, comma-separated)
  --allow-origin <url> also serve browsers on this origin, repeatable; * for any (env SM_ALLOWED_ORIGINS)
  --faults <rules>     inject DynamoDB faults, e.g. throttle=30%,latency=2000ms@products-get,error=5%@table:products
                       (env SM_FAULTS, default none)
  --iam-report         print the permissions each function was granted and never used whenever
                       Enter is pressed (the report is also printed when npm start stops)
  --max-instances <n>  instances per function at most (env MAX_INSTANCES, default: the CPU count, at least 2)
  --idle-timeout <s>   stop an instance idle this many seconds (env IDLE_TIMEOUT, default 30)
  --open-tutorial      let DynamoDBManager be called without a token, so the AWS tutorial's requests work
                       verbatim (env OPEN_TUTORIAL=true; deployed: -c openTutorial=true); admins only otherwise
  --full-logs          show every log line in the terminal, START/END/REPORT included (env SM_LOG_VIEW=full);
                       by default one line per request plus warnings and errors (all kept in .data/logs)
  --no-build-cache     build every bundle at start, ignoring those kept from the last start
                       (env SM_BUILD_CACHE=false; kept in ${path.relative(PROJECT_ROOT, BUNDLE_CACHE_DIR)})
  --no-console         do not serve the browser console nor keep request traces (env SM_CONSOLE=false)
  --console-traces <n> request traces the console keeps, the oldest dropped first (env SM_CONSOLE_TRACES,
                       default ${DEFAULT_TRACE_CAPACITY})
  --otlp <url>         also export every trace to this OTLP/HTTP traces endpoint, e.g.
                       http://127.0.0.1:4318/v1/traces (env OTEL_EXPORTER_OTLP_TRACES_ENDPOINT)
  --help               this text

  The stage name, throttling, CORS origins and openTutorial are the CDK app's settings (cdk.json
  context, then STAGE_NAME, THROTTLING_RATE_LIMIT, THROTTLING_BURST_LIMIT, CORS_ORIGINS,
  OPEN_TUTORIAL): the deployed stage's.

  Tokens: every route but a public one needs an ID token of the local user pool, e.g.
    TOKEN=$(npm run -s token -- --user alice --group admin)`;

/**
 * Reads the options of `npm start`. Precedence: command-line flag, then environment variable,
 * then default. An `--endpoint` alone implies the external engine. Invalid values fail fast.
 */
export function parseCliOptions(argv: readonly string[], env: NodeJS.ProcessEnv): CliOptions | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      port: { type: 'string' },
      engine: { type: 'string' },
      'data-dir': { type: 'string' },
      'in-memory': { type: 'boolean' },
      endpoint: { type: 'string' },
      'log-level': { type: 'string' },
      'no-throttle': { type: 'boolean' },
      'allow-host': { type: 'string', multiple: true },
      'allow-origin': { type: 'string', multiple: true },
      faults: { type: 'string' },
      'iam-report': { type: 'boolean' },
      'full-logs': { type: 'boolean' },
      'open-tutorial': { type: 'boolean' },
      'max-instances': { type: 'string' },
      'idle-timeout': { type: 'string' },
      'no-build-cache': { type: 'boolean' },
      'no-console': { type: 'boolean' },
      'console-traces': { type: 'string' },
      otlp: { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help) return 'help';
  const portText = values.port ?? env.PORT ?? '3000';
  const port = Number(portText);
  if (!/^[0-9]{1,5}$/.test(portText) || port > 65535)
    throw new Error(`--port must be 0–65535, not "${portText}"`);
  const endpoint = values.endpoint ?? env.DYNAMODB_ENDPOINT;
  const engine = values.engine ?? env.DYNAMODB_ENGINE ?? (endpoint ? 'external' : 'auto');
  if (!ENGINE_CHOICES.includes(engine as EngineChoice)) {
    throw new Error(`--engine must be one of ${ENGINE_CHOICES.join(', ')}, not "${engine}"`);
  }
  const logLevel = (values['log-level'] ?? env.LOG_LEVEL ?? 'INFO').toUpperCase();
  if (!isLogLevel(logLevel)) throw new Error(`--log-level must be one of ${LOG_LEVELS.join(', ')}`);
  const api = stageSettings(env);
  const faults = parseFaults(values.faults ?? env[FAULTS_ENV] ?? '');
  const maxInstances = positiveNumber('--max-instances', values['max-instances'] ?? env.MAX_INSTANCES);
  const idleSeconds = positiveNumber('--idle-timeout', values['idle-timeout'] ?? env.IDLE_TIMEOUT);
  const traces = positiveNumber('--console-traces', values['console-traces'] ?? env.SM_CONSOLE_TRACES);
  if (traces !== undefined && !Number.isInteger(traces))
    throw new Error('--console-traces must be a whole number');
  const otlpUrl = values.otlp ?? env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (otlpUrl !== undefined && !/^https?:\/\/./.test(otlpUrl))
    throw new Error(`--otlp must be an http(s) URL, not "${otlpUrl}"`);
  const consoleOn = !(values['no-console'] ?? env.SM_CONSOLE === 'false');
  return {
    port,
    engine: engine as EngineChoice,
    dataDir: path.resolve(PROJECT_ROOT, values['data-dir'] ?? env.DATA_DIR ?? '.data'),
    inMemory: values['in-memory'] ?? env.IN_MEMORY === 'true',
    ...(endpoint ? { endpoint } : {}),
    logLevel,
    api: { ...api, openTutorial: values['open-tutorial'] ?? api.openTutorial },
    throttle: !(values['no-throttle'] ?? env.SM_THROTTLE === 'false'),
    exposure: {
      allowedHosts: values['allow-host'] ?? list(env.SM_ALLOWED_HOSTS),
      allowedOrigins: values['allow-origin'] ?? list(env.SM_ALLOWED_ORIGINS),
    },
    ...(faults.length > 0 ? { faults } : {}),
    iamReport: values['iam-report'] ?? false,
    logView: (values['full-logs'] ?? env.SM_LOG_VIEW === 'full') ? 'full' : 'compact',
    ...(maxInstances ? { maxInstancesPerFunction: Math.ceil(maxInstances) } : {}),
    ...(idleSeconds ? { idleTimeoutMs: idleSeconds * 1000 } : {}),
    ...(consoleOn ? { console: { ...(traces ? { traces } : {}), ...(otlpUrl ? { otlpUrl } : {}) } } : {}),
    ...((values['no-build-cache'] ?? env.SM_BUILD_CACHE === 'false')
      ? {}
      : { bundleCacheDir: BUNDLE_CACHE_DIR }),
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
export function stageSettings(
  env: NodeJS.ProcessEnv,
  cdkJson = path.join(PROJECT_ROOT, 'cdk.json'),
): ApiSettings {
  const context: Record<string, unknown> = JSON.parse(readFileSync(cdkJson, 'utf8')).context ?? {};
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
