import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

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
 * folders, live there. Where there is no
 * `sh` (Windows) it is only removed on a normal stop.
 */
export async function scratchDir(prefix: string): Promise<ScratchDir> {
  return guarded(await mkdtemp(path.join(os.tmpdir(), prefix)));
}

/** {@link scratchDir}, for a caller that cannot wait (the local Lambda service starts synchronously). */
export function scratchDirSync(prefix: string): ScratchDir {
  return guarded(mkdtempSync(path.join(os.tmpdir(), prefix)));
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
