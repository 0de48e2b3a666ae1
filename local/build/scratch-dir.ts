import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { isProcessAlive } from '../process-alive.ts';

export interface ScratchDir {
  readonly dir: string;
  /** Removes the folder now and releases its guard. */
  remove(): Promise<void>;
}

/**
 * The guard: a shell that reads its stdin until it closes, then deletes the folder. Its stdin is
 * a pipe held only by this process, so it closes however this process ends — a normal stop, a
 * crash or `kill -9`. It ignores the terminal's Ctrl-C (which reaches the whole process group)
 * so that it outlives this process. A few hundred kilobytes of `sh` and `cat`, no Node.
 */
const GUARD = 'trap "" INT TERM HUP; cat >/dev/null; rm -rf -- "$0"';

/**
 * Creates a private folder in the system's temp directory that does not outlive this process,
 * not even after `kill -9`: the bundles the local system builds, and the Lambda instances' temp
 * folders, live there. Where there is no `sh` (Windows), or when the guard dies with this
 * process (`kill -9` of the whole process group, a power cut), the folder stays behind; its name
 * carries its owner's pid (`<prefix><pid>-<random>`), and the next scratch folder of the same
 * prefix removes it once that pid is gone (see {@link removeAbandoned}).
 */
export async function scratchDir(prefix: string): Promise<ScratchDir> {
  await removeAbandoned(prefix);
  return guarded(await mkdtemp(ownedPrefix(prefix)));
}

/** {@link scratchDir}, for a caller that cannot wait (the local Lambda service starts synchronously). */
export function scratchDirSync(prefix: string): ScratchDir {
  // What earlier runs left goes meanwhile: nothing waits for it.
  void removeAbandoned(prefix);
  return guarded(mkdtempSync(ownedPrefix(prefix)));
}

const ownedPrefix = (prefix: string) => path.join(os.tmpdir(), `${prefix}${process.pid}-`);

/**
 * Removes the scratch folders of `prefix` in the system's temp directory whose owner process has
 * ended, and resolves their paths. A folder whose owner still runs, or whose name carries no
 * owner (not made here), is left alone. A pid reused by a new process only keeps a dead
 * folder a while longer: never the other way round.
 */
export async function removeAbandoned(prefix: string): Promise<string[]> {
  const removed: string[] = [];
  const names = await readdir(os.tmpdir()).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(/^(\d+)-/.exec(name.slice(prefix.length))?.[1] ?? Number.NaN);
    if (!Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid || isProcessAlive(pid)) continue;
    const dir = path.join(os.tmpdir(), name);
    await rm(dir, { recursive: true, force: true }).then(
      () => removed.push(dir),
      () => {}, // another start removed it, or it is not ours to remove
    );
  }
  return removed;
}

function guarded(dir: string): ScratchDir {
  const guard =
    process.platform === 'win32'
      ? undefined
      : spawn('sh', ['-c', GUARD, dir], { stdio: ['pipe', 'ignore', 'ignore'] });
  guard?.on('error', () => {}); // no sh: the normal stop still removes the folder
  // The guard must not keep this process alive.
  guard?.unref();
  (guard?.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  return {
    dir,
    async remove() {
      await rm(dir, { recursive: true, force: true });
      guard?.stdin?.end();
    },
  };
}
