import path from 'node:path';
import { parseArgs } from 'node:util';
import { LOG_LEVELS, type LogLevel } from '#src/declaration/function-environment.ts';
import { PROJECT_ROOT } from '#src/declaration/load-services.ts';
import { ENGINE_CHOICES, type EngineChoice } from './dynamodb/start-dynamodb.ts';
import type { LocalSystemOptions } from './start-local-system.ts';

/** What `npm start` lets a user choose: the local system's options a flag or variable can set. */
export type CliOptions = Pick<
  LocalSystemOptions,
  | 'port'
  | 'engine'
  | 'dataDir'
  | 'inMemory'
  | 'endpoint'
  | 'logLevel'
  | 'maxInstancesPerFunction'
  | 'idleTimeoutMs'
>;

export const USAGE = `Usage: npm start -- [options]

  --port <n>           port on 127.0.0.1 (env PORT, default 3000)
  --engine <name>      auto | dynamodb-local | dynalite | external (env DYNAMODB_ENGINE, default auto)
  --data-dir <dir>     where table data persists (env DATA_DIR, default .data)
  --in-memory          keep no data on disk (env IN_MEMORY=true)
  --endpoint <url>     DynamoDB endpoint of the external engine (env DYNAMODB_ENDPOINT)
  --log-level <level>  TRACE | DEBUG | INFO | WARN | ERROR (env LOG_LEVEL, default INFO)
  --max-instances <n>  instances per function at most (env MAX_INSTANCES, default: the CPU count, at least 2)
  --idle-timeout <s>   stop an instance idle this many seconds (env IDLE_TIMEOUT, default 30)
  --help               this text`;

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
      'max-instances': { type: 'string' },
      'idle-timeout': { type: 'string' },
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
  const maxInstances = positiveNumber('--max-instances', values['max-instances'] ?? env.MAX_INSTANCES);
  const idleSeconds = positiveNumber('--idle-timeout', values['idle-timeout'] ?? env.IDLE_TIMEOUT);
  return {
    port,
    engine: engine as EngineChoice,
    dataDir: path.resolve(PROJECT_ROOT, values['data-dir'] ?? env.DATA_DIR ?? '.data'),
    inMemory: values['in-memory'] ?? env.IN_MEMORY === 'true',
    ...(endpoint ? { endpoint } : {}),
    logLevel,
    ...(maxInstances ? { maxInstancesPerFunction: Math.ceil(maxInstances) } : {}),
    ...(idleSeconds ? { idleTimeoutMs: idleSeconds * 1000 } : {}),
  };
}

function positiveNumber(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!(value > 0) || !Number.isFinite(value))
    throw new Error(`${flag} must be a positive number, not "${text}"`);
  return value;
}

const isLogLevel = (level: string): level is LogLevel => (LOG_LEVELS as readonly string[]).includes(level);
