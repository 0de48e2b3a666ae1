import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { locateDynamoDbLocalJar } from './dynamodb-local-jar.ts';
import type { JavaRuntime } from './find-java.ts';
import type { RunningDynamoDb } from './start-dynamodb.ts';

const LAUNCHER = path.join(import.meta.dirname, 'LoopbackDynamoDbLocal.java');
/** The launcher's one machine-readable line, e.g. `DYNAMODB_LOCAL_READY {"port":43121,"version":"3.3.0"}`. */
const READY = /^DYNAMODB_LOCAL_READY (\{.*\})$/;
/** A cold JVM compiling the launcher on a busy 2-core machine can take a while; this only bounds a hang. */
const START_TIMEOUT_MS = 120_000;
const STOP_GRACE_MS = 5_000;
const KEPT_OUTPUT_LINES = 200;

export interface DynamoDbLocalEngineOptions {
  readonly java: JavaRuntime;
  /** Existing folder for the SQLite file; null keeps everything in memory. */
  readonly dataDir: string | null;
}

export interface RunningDynamoDbLocal extends RunningDynamoDb {
  /** Process id of the JVM. */
  readonly pid: number;
}

/**
 * Runs AWS's DynamoDB Local in a child JVM, listening on a free port of 127.0.0.1 only, with
 * telemetry off and one shared database for every region and credential. Its log output is kept
 * off the terminal and shown only when it fails to start. The JVM stops with `stop()`, with this
 * process, or when this process dies (it exits when its stdin closes).
 *
 * @example
 * const java = await findJava();
 * if (java) {
 *   const dynamodb = await startDynamoDbLocal({ java, dataDir: '.data/dynamodb-local' });
 *   await dynamodb.stop();
 * }
 */
export async function startDynamoDbLocal({
  java,
  dataDir,
}: DynamoDbLocalEngineOptions): Promise<RunningDynamoDbLocal> {
  const { jar, libDir } = locateDynamoDbLocalJar();
  const storage = dataDir ? ['-dbPath', dataDir] : ['-inMemory'];
  const child = spawn(
    java.command,
    [
      '-cp',
      [jar, path.join(libDir, '*')].join(path.delimiter),
      `-Djava.library.path=${libDir}`,
      // A plain IPv4 socket, so the listener reads 127.0.0.1 rather than ::ffff:127.0.0.1.
      '-Djava.net.preferIPv4Stack=true',
      LAUNCHER,
      '-port',
      '0',
      ...storage,
      '-sharedDb',
      '-disableTelemetry',
    ],
    // stdin is the JVM's lifeline (see LoopbackDynamoDbLocal.java). Its own process group keeps a
    // terminal's Ctrl-C away from it, so the runtime can stop it after the gateway, in order.
    { stdio: ['pipe', 'pipe', 'pipe'], detached: true, windowsHide: true },
  );
  const killWithParent = () => child.kill('SIGKILL');
  process.on('exit', killWithParent);
  const exited = once(child, 'exit').finally(() => process.off('exit', killWithParent));
  // Spawn failures (e.g. ENOENT) are reported by the start-up wait below; this keeps them from being unhandled.
  exited.catch(() => {});

  const output: string[] = [];
  const keep = (line: string) => {
    output.push(line);
    if (output.length > KEPT_OUTPUT_LINES) output.shift();
  };
  createInterface({ input: child.stderr }).on('line', keep);
  const stdout = createInterface({ input: child.stdout });

  let timer: NodeJS.Timeout | undefined;
  let started: { port: number; version: string };
  try {
    started = await new Promise((resolve, reject) => {
      const fail = (reason: string) =>
        reject(new Error(`DynamoDB Local did not start: ${reason}${outputOf(output)}`));
      timer = setTimeout(() => fail(`no answer within ${START_TIMEOUT_MS / 1000} s`), START_TIMEOUT_MS);
      child.once('error', (error) => fail(`${java.command} could not run (${error.message})`));
      // 'close' rather than 'exit': it comes once the output is fully read, so the error shows all of it.
      child.once('close', (code, signal) => fail(`the JVM exited (${signal ?? `code ${code}`})`));
      stdout.on('line', (line) => {
        const match = READY.exec(line);
        if (!match?.[1]) return keep(line);
        const ready = parseReady(match[1]);
        if (ready) resolve(ready);
        else fail(`unexpected start-up line "${line}"`);
      });
    });
  } catch (error) {
    await stopChild(child, exited);
    throw error;
  } finally {
    clearTimeout(timer);
  }

  let stopped: Promise<void> | undefined;
  return {
    engine: 'dynamodb-local',
    endpoint: `http://127.0.0.1:${started.port}`,
    dataDir,
    detail: `DynamoDB Local ${started.version} (Java ${java.version})`,
    pid: child.pid as number,
    stop() {
      stopped ??= stopChild(child, exited);
      return stopped;
    },
  };
}

/** SIGTERM (the JVM runs its shutdown hook), then SIGKILL if it is still there after a grace period. */
async function stopChild(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  await exited.catch(() => {});
  clearTimeout(timer);
}

function parseReady(json: string): { port: number; version: string } | null {
  try {
    const { port, version } = JSON.parse(json) as { port?: unknown; version?: unknown };
    return typeof port === 'number' ? { port, version: String(version) } : null;
  } catch {
    return null;
  }
}

function outputOf(lines: readonly string[]): string {
  const text = lines.join('\n').trim();
  return text ? `\n--- DynamoDB Local output ---\n${text}` : '';
}
