// Instance processes started ahead of need. A cold start used to begin with starting a process of
// the deployed Node.js (90–120 ms on a loaded 2-core machine before any of the function's code
// runs); a standby has done that already, and waits. When an instance is needed, a standby started
// with the same flags becomes it: the `begin` message brings the instance's environment, working
// directory and data before its bundle loads (bootstrap/environment.ts); once that instance has
// answered its first invocation, another standby starts for the next cold start. What differs from a process
// started for the instance is only what Node reads from the environment as it boots, so a
// function whose environment sets any of that (NODE_OPTIONS, a locale, …) always gets a process
// of its own, started for it.
import type { ChildProcess } from 'node:child_process';
import { type InstanceLaunch, spawnStandby } from './spawn-instance.ts';

/** Variables a standby boots with, from the instance's environment: the same in every instance of a runtime. */
const BOOT_VARIABLES = /^(LANG|LC_[A-Z_]+|TZ|PATH)$/;
/** Variables Node (or libuv, OpenSSL) may read as it boots: an environment setting one never uses a standby. */
const READ_AT_BOOT = /^(NODE_|UV_|OPENSSL_|SSL_CERT_)/;

/** The environment a standby for `env` boots with, or undefined when only a process started for it will do. */
export function bootEnvironment(env: Readonly<Record<string, string>>): Record<string, string> | undefined {
  const names = Object.keys(env);
  if (names.some((name) => READ_AT_BOOT.test(name))) return undefined;
  return Object.fromEntries(
    names.filter((name) => BOOT_VARIABLES.test(name)).map((name) => [name, env[name] ?? '']),
  );
}

/** Whether `child` (its process handle, IPC channel and pipes) keeps the host's event loop alive. */
function setHeld(child: ChildProcess, held: boolean): void {
  const handles = [child, child.channel, child.stdout, child.stderr] as (
    | { ref?: () => void; unref?: () => void }
    | null
    | undefined
  )[];
  for (const handle of handles) (held ? handle?.ref : handle?.unref)?.call(handle);
}

function alive(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null && child.connected;
}

/** One waiting standby per kind of launch (binary, flags, boot environment). */
export class StandbyProcesses {
  readonly #cwd: string;
  readonly #waiting = new Map<string, ChildProcess>();
  /** Kinds whose standby could not be started: their instances start as before. */
  readonly #broken = new Set<string>();
  #closed = false;

  /** `cwd`: where standbys wait (each instance then moves to its own task root). */
  constructor(cwd: string) {
    this.#cwd = cwd;
  }

  /** The process ids of the standbys waiting now. */
  get waiting(): number[] {
    return [...this.#waiting.values()].flatMap((child) => (child.pid === undefined ? [] : [child.pid]));
  }

  /** Starts a standby for launches like `launch`, unless one waits already. */
  prepare(launch: InstanceLaunch): void {
    const env = bootEnvironment(launch.env);
    if (!env) return;
    this.#fill(keyOf(launch, env), launch, env);
  }

  /**
   * A standby that can become `launch`'s instance (the caller sends it `begin`), or undefined:
   * start a process for it. None starts in its place here: a process booting beside the
   * instance's init and first invocation slows both (on a 2-core machine, the first request after
   * a reload took a fifth longer), so the caller calls `prepare` once the instance has answered.
   */
  take(launch: InstanceLaunch): ChildProcess | undefined {
    const env = bootEnvironment(launch.env);
    if (!env || this.#closed) return undefined;
    const key = keyOf(launch, env);
    const standby = this.#waiting.get(key);
    this.#waiting.delete(key);
    if (!standby || !alive(standby)) return undefined;
    setHeld(standby, true);
    return standby;
  }

  /** Stops the standbys still waiting; none starts after. */
  async close(): Promise<void> {
    this.#closed = true;
    const waiting = [...this.#waiting.values()].filter(alive);
    this.#waiting.clear();
    await Promise.all(
      waiting.map(
        (child) =>
          new Promise<void>((resolve) => {
            // Held while it ends: awaiting the exit of an unreferenced process would let the loop run dry.
            setHeld(child, true);
            child.once('exit', () => resolve());
            child.kill('SIGKILL');
          }),
      ),
    );
  }

  #fill(key: string, launch: InstanceLaunch, env: Record<string, string>): void {
    if (this.#closed || this.#broken.has(key) || this.#waiting.has(key)) return;
    const child = spawnStandby(launch.execPath, launch.args, env, this.#cwd);
    this.#waiting.set(key, child);
    const forget = () => {
      if (this.#waiting.get(key) === child) this.#waiting.delete(key);
    };
    child.once('exit', forget);
    child.once('error', () => {
      // The binary could not be started: instances of this kind start their own process, which reports why.
      if (child.pid === undefined) this.#broken.add(key);
      forget();
    });
    // A waiting standby never keeps the host alive (an instance does): see `take`.
    setHeld(child, false);
  }
}

function keyOf(launch: InstanceLaunch, env: Record<string, string>): string {
  return JSON.stringify([launch.execPath, launch.args, env]);
}
