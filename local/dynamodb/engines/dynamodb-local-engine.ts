import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { holdPrivateUmask } from '#local/private-data-folder.ts';
import { type DataFolderLock, lockDataFolder } from '../launcher/data-folder-lock.ts';
import { locateDynamoDbLocalJar } from './dynamodb-local-jar.ts';
import { LAUNCHER_CLASS, type Launcher, prepareLauncher } from './dynamodb-local-launcher.ts';
import type { RunningDynamoDb } from './engine.ts';
import type { JavaRuntime } from './find-java.ts';

/** The launcher's one machine-readable line, e.g. `DYNAMODB_LOCAL_READY {"port":43121,"version":"3.3.0"}`. */
const READY = /^DYNAMODB_LOCAL_READY (\{.*\})$/;
/** A cold JVM on a busy 2-core machine is slow; this only bounds a hang. */
const START_TIMEOUT_MS = 120_000;
const STOP_GRACE_MS = 5_000;
/** A JVM recording its class data archive writes it (tens of MB) as it exits: more time, once. */
const STOP_GRACE_RECORDING_MS = 30_000;
const KEPT_OUTPUT_LINES = 200;
/**
 * The JVM options of DynamoDB Local.
 * - Memory: by default a JVM may take a quarter of the machine's memory for its heap and G1 grows
 *   into it freely (the engine's resident size passed 380 MB after a minute of load). Requests
 *   need little heap (in-memory tables live in SQLite's native memory), so a bounded heap, a small
 *   initial one and the serial collector keep it near 160 MB.
 * - JIT: the client compiler only (`TieredStopAtLevel=1`), as JVM tools tuned for development
 *   start. The optimising compiler's work took about 0.7 s of CPU before the first request was
 *   answered, on a machine where esbuild and Node start at the same time, and its code and arenas
 *   about 35 MB. The price: the engine alone serves about 10–20 % fewer requests at saturation
 *   (so does the bench's raw baseline; the local system's share of it did not change). See
 *   docs/benchmarks-notes.md.
 */
export const DYNAMODB_LOCAL_JVM_OPTIONS = [
  '-Xms16m',
  '-Xmx256m',
  '-XX:+UseSerialGC',
  '-XX:TieredStopAtLevel=1',
];

export interface DynamoDbLocalEngineOptions {
  readonly java: JavaRuntime;
  /** Existing folder for the SQLite file; null keeps everything in memory. */
  readonly dataDir: string | null;
  /** Where the class data archive is cached; see `prepareLauncher` for the default. */
  readonly launcherCacheRoot?: string;
  /** Port on 127.0.0.1; 0 (the default) picks a free one. A restart asks for the previous one. */
  readonly port?: number;
}

export interface RunningDynamoDbLocal extends RunningDynamoDb {
  /** Process id of the JVM. */
  readonly pid: number;
  /** How the JVM was started: its class path, and whether it used or recorded a class data archive. */
  readonly launcher: Launcher;
  /** Settles when the JVM exits, for whatever reason, with how it ended (e.g. `signal SIGKILL`). */
  readonly exited: Promise<string>;
}

/**
 * Runs AWS's DynamoDB Local in a child JVM, listening on a free port of 127.0.0.1 only, with
 * telemetry off and one shared database for every region and credential. Its log output is kept
 * off the terminal and shown only when it fails to start. The JVM stops with `stop()`, with this
 * process, or when this process dies (it exits when its stdin closes). The launcher is committed
 * compiled, so a Java runtime (JRE) is enough; the first start records the classes it loads into
 * an archive that later starts map (class data sharing, see `prepareLauncher`).
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
  launcherCacheRoot,
  port = 0,
}: DynamoDbLocalEngineOptions): Promise<RunningDynamoDbLocal> {
  const lock = dataDir ? await lockDataFolder(dataDir, 'DynamoDB Local') : null;
  try {
    return await runDynamoDbLocal({ java, dataDir, launcherCacheRoot, port }, lock);
  } catch (error) {
    await lock?.release();
    throw error;
  }
}

async function runDynamoDbLocal(
  { java, dataDir, launcherCacheRoot, port = 0 }: DynamoDbLocalEngineOptions,
  lock: DataFolderLock | null,
): Promise<RunningDynamoDbLocal> {
  const { jar, libDir } = locateDynamoDbLocalJar();
  const launcher = await prepareLauncher({ java, jar: { jar, libDir }, cacheRoot: launcherCacheRoot });
  const storage = dataDir ? ['-dbPath', dataDir] : ['-inMemory'];
  // The JVM inherits the umask at spawn: its SQLite file is created private, like the folder.
  const releaseUmask = holdPrivateUmask();
  const child = (() => {
    try {
      return spawn(
        java.command,
        [
          ...launcher.jvmOptions,
          ...DYNAMODB_LOCAL_JVM_OPTIONS,
          '-cp',
          launcher.classPath.join(path.delimiter),
          `-Djava.library.path=${libDir}`,
          // A plain IPv4 socket, so the listener reads 127.0.0.1 rather than ::ffff:127.0.0.1.
          '-Djava.net.preferIPv4Stack=true',
          LAUNCHER_CLASS,
          '-port',
          String(port),
          ...storage,
          '-sharedDb',
          '-disableTelemetry',
        ],
        // stdin is the JVM's lifeline (see LoopbackDynamoDbLocal.java). Its own process group keeps a
        // terminal's Ctrl-C away from it, so the runtime can stop it after the gateway, in order.
        { stdio: ['pipe', 'pipe', 'pipe'], detached: true, windowsHide: true },
      );
    } finally {
      releaseUmask();
    }
  })();
  const killWithParent = () => child.kill('SIGKILL');
  process.on('exit', killWithParent);
  const exited = once(child, 'exit').finally(() => process.off('exit', killWithParent));
  // A recorded archive is kept once the JVM has written it; stop() waits for this.
  const finished = exited.then(
    ([code, signal]) => launcher.finish({ code, signal }),
    () => launcher.finish({ code: null, signal: null }),
  );
  // Spawn failures (e.g. ENOENT) are reported by the start-up wait below; this keeps them from being unhandled.
  exited.catch(() => {});

  const output: string[] = [];
  const keep = (line: string) => {
    output.push(line);
    if (output.length > KEPT_OUTPUT_LINES) output.shift();
  };
  createInterface({ input: child.stderr }).on('line', keep);
  const stdout = createInterface({ input: child.stdout });

  const graceMs = launcher.sharing.state === 'record' ? STOP_GRACE_RECORDING_MS : STOP_GRACE_MS;
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
    await stopChild(child, exited, graceMs);
    await finished;
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
    launcher,
    exited: exited.then(
      ([code, signal]) => (signal ? `signal ${signal}` : `exit code ${code}`),
      (error: Error) => error.message,
    ),
    stop() {
      // The folder's lock goes once the JVM, and so its SQLite file, is closed.
      stopped ??= stopChild(child, exited, graceMs)
        .then(() => finished)
        .finally(() => lock?.release());
      return stopped;
    },
  };
}

/** SIGTERM (the JVM runs its shutdown hook), then SIGKILL if it is still there after a grace period. */
async function stopChild(child: ChildProcess, exited: Promise<unknown>, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
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
