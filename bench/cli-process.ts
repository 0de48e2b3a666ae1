// `npm start` as a user runs it, in a child process: the benchmark measures its whole process
// tree (gateway, Lambda instances, DynamoDB) from outside.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openLocalUserPool } from '#local/auth/local-user-pool.ts';
import { PROJECT_ROOT } from '#src/declaration/load-services.ts';

export interface CliProcess {
  readonly child: ChildProcess;
  readonly url: string;
  /** The DynamoDB endpoint the banner names. */
  readonly endpoint: string;
  /** From spawning to the banner, in ms. */
  readonly readyMs: number;
  /** Lines printed after the banner (function logs), kept only when asked. */
  readonly output: string[];
  /** An ID token of its local user pool for an admin: every route but a public one needs one. */
  readonly token: string;
  /** The banner, as printed. */
  readonly banner: string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface CliStartOptions {
  /** Lines printed after the banner are kept in `output`. */
  readonly keepOutput?: boolean;
  /** The Node.js binary started (default: this process's). */
  readonly execPath?: string;
  /** Added to this process's environment. */
  readonly env?: Readonly<Record<string, string>>;
  /** The checkout whose `local/cli.ts` runs (default: this one). */
  readonly root?: string;
}

/**
 * Starts `local/cli.ts` with `args` and resolves once its banner is printed. Its data folder (the
 * local user pool lives there even `--in-memory`) is a scratch folder, removed on stop.
 */
export async function startCli(args: readonly string[], options: CliStartOptions = {}): Promise<CliProcess> {
  const { keepOutput = false, execPath = process.execPath, env = {}, root = PROJECT_ROOT } = options;
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'sm-bench-data-'));
  const started = performance.now();
  const child = spawn(execPath, ['--import', 'tsx', 'local/cli.ts', '--data-dir', dataDir, ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
  });
  const output: string[] = [];
  let text = '';
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const banner = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      text += chunk.toString();
      if (!text.includes('Routes → functions')) return;
      resolve(text);
      child.stdout?.off('data', onData);
      child.stdout?.on('data', (more: Buffer) => {
        if (keepOutput) output.push(more.toString());
      });
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`npm start exited with ${code}: ${text}${stderr}`)));
  });
  const readyMs = Math.round(performance.now() - started);
  const url = /API\s+(http:\/\/\S+)/.exec(banner)?.[1];
  const endpoint = / at (http:\/\/127\.0\.0\.1:\d+)/.exec(banner)?.[1];
  if (!url || !endpoint) throw new Error(`unexpected banner: ${banner}`);
  const token = await (await openLocalUserPool(dataDir)).mint({ user: 'bench', groups: ['admin'] });
  child.once('exit', () => void rm(dataDir, { recursive: true, force: true }));
  return {
    child,
    url,
    endpoint,
    readyMs,
    output,
    token,
    banner,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null) return child.exitCode;
      const exited = once(child, 'exit');
      child.kill(signal);
      const [code] = await exited;
      return code as number | null;
    },
  };
}

/** Each process's parent, from Linux /proc (a process that ends while it is read is left out). */
async function parentsOf(): Promise<Map<number, number>> {
  const parents = new Map<number, number>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // pid (comm) state ppid …: the command may hold spaces and parentheses, so read after the last ')'.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid) parents.set(Number(entry), ppid);
  }
  return parents;
}

/** A process and all of its descendants, by pid (Linux /proc). */
async function treePids(rootPid: number): Promise<number[]> {
  const parents = await parentsOf();
  const inTree = (pid: number): boolean => {
    for (let p: number | undefined = pid; p && p > 1; p = parents.get(p)) if (p === rootPid) return true;
    return false;
  };
  return [...new Set([rootPid, ...parents.keys()])].filter(inTree);
}

/** The clock ticks per second in /proc's times (USER_HZ, 100 on every Linux build we run on). */
const TICKS_PER_SECOND = 100;

/**
 * The CPU time a process and all of its descendants have used so far, in ms (Linux /proc): user
 * and system time of each, and of the children each has already reaped; `root` is the process's
 * own share. Taken before and after a load, the difference is the CPU the whole `npm start` spent
 * on it, its instances included, and how much of it the gateway's process spent.
 */
export async function treeCpuMs(rootPid: number): Promise<{ root: number; tree: number }> {
  let ticks = 0;
  let rootTicks = 0;
  for (const pid of await treePids(rootPid)) {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After the command: state(0) ppid … utime(11) stime(12) cutime(13) cstime(14).
    const own = Number(fields[11] ?? 0) + Number(fields[12] ?? 0);
    ticks += own + Number(fields[13] ?? 0) + Number(fields[14] ?? 0);
    if (pid === rootPid) rootTicks = own;
  }
  const ms = (n: number) => (n * 1000) / TICKS_PER_SECOND;
  return { root: ms(rootTicks), tree: ms(ticks) };
}

/** A process and all of its descendants, each with its resident memory in kB (Linux /proc). */
export async function processTree(rootPid: number): Promise<Map<number, number>> {
  const rss = new Map<number, number>();
  for (const pid of await treePids(rootPid)) {
    const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => undefined);
    // A process that ended while we looked is left out.
    if (status !== undefined) rss.set(pid, Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0));
  }
  return rss;
}

/**
 * Proportional memory of a process and all of its descendants, in MB (Linux
 * `/proc/<pid>/smaps_rollup`): each page shared by several processes (the Node.js binary, shared
 * libraries) counts once in all, split between them. What the tree takes from the machine; a sum
 * of RSS counts such a page once per process that maps it.
 */
export async function treePssMb(rootPid: number): Promise<number> {
  let kb = 0;
  for (const pid of await treePids(rootPid)) {
    const rollup = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8').catch(() => '');
    kb += Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0);
  }
  return Math.round(kb / 1024);
}

/** Resident memory of a process and all of its descendants, in MB (Linux /proc). */
export async function treeRssMb(rootPid: number): Promise<number> {
  let kb = 0;
  for (const value of (await processTree(rootPid)).values()) kb += value;
  return Math.round(kb / 1024);
}
