// Assembles the console from the running system's parts: the start-up only hands them over.
import { randomBytes } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { LocalUserPool } from '#local/auth/local-user-pool.ts';
import type { LogSink, RouteBinding } from '#local/contracts.ts';
import type { FaultRule } from '#local/dynamodb/guard/faults.ts';
import type { GuardedDynamoDb } from '#local/dynamodb/guard/guarded-dynamodb.ts';
import type { Tracer } from '#local/tracing/tracer.ts';
import type { LogLevel } from '#src/declaration/function-environment.ts';
import type { LoadedService } from '#src/declaration/load-services.ts';
import { CONSOLE_PREFIX } from './console-gate.ts';
import { type ConsoleServer, startConsoleServer } from './console-server.ts';
import { ConsoleTables } from './console-tables.ts';
import { SwitchBoard } from './switches.ts';

/** The log group the console's admin edits are written to. */
export const CONSOLE_ADMIN_LOG = '_console-admin';

export interface ConsoleInputs {
  readonly tracer: Tracer;
  /** This start's secret; a new random one when absent. */
  readonly secret?: string;
  readonly services: () => readonly LoadedService[];
  readonly routes: () => readonly RouteBinding[];
  readonly generation: () => number;
  readonly guard: Pick<GuardedDynamoDb, 'policies' | 'unusedPermissions' | 'setFaults'>;
  readonly admin: DynamoDBClient;
  readonly userPool: Pick<LocalUserPool, 'mint'>;
  readonly logsDir: string | null;
  /** Where the admin log's lines go (the kept logs and the terminal). */
  readonly logSink: LogSink;
  readonly initial: {
    readonly faults: readonly FaultRule[];
    readonly throttling: boolean;
    readonly logLevel: LogLevel;
  };
  readonly setThrottling: (enabled: boolean) => void;
  readonly setLogLevel: (level: LogLevel) => void;
  readonly log: (line: string) => void;
}

export interface RunningConsole extends ConsoleServer {
  readonly secret: string;
  /** The path to open, with the secret: `${gateway url}${path}`. */
  readonly path: string;
}

export function startConsole(inputs: ConsoleInputs): RunningConsole {
  const secret = inputs.secret ?? randomBytes(24).toString('base64url');
  let server: ConsoleServer | undefined;
  const switches = new SwitchBoard(inputs.initial, {
    setFaults: (rules) => inputs.guard.setFaults(rules),
    setThrottling: inputs.setThrottling,
    setTracing: (enabled) => {
      inputs.tracer.recording = enabled;
    },
    setLogLevel: inputs.setLogLevel,
    changed: (now) => server?.streams.send('switches', () => now),
  });
  const tables = new ConsoleTables(
    inputs.admin,
    () => inputs.services().map((s) => s.service.table),
    (entry) =>
      inputs.logSink.write(
        CONSOLE_ADMIN_LOG,
        JSON.stringify({
          timestamp: new Date().toISOString(),
          level: 'INFO',
          message: 'admin edit',
          ...entry,
        }),
        'console',
      ),
  );
  server = startConsoleServer({
    secret,
    tracer: inputs.tracer,
    userPool: inputs.userPool,
    logsDir: inputs.logsDir,
    tables,
    switches,
    log: inputs.log,
    services: inputs.services,
    routes: inputs.routes,
    generation: inputs.generation,
    policies: () => inputs.guard.policies,
    unusedPermissions: () => inputs.guard.unusedPermissions(),
  });
  return { ...server, secret, path: `${CONSOLE_PREFIX}/?secret=${secret}` };
}
