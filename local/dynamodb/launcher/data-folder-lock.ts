import path from 'node:path';
import { ClassicLevel } from 'classic-level';
import { withPrivateUmask } from '#local/private-data-folder.ts';

/** The lock's folder inside an engine's data folder; the engines ignore it. */
export const LOCK_FOLDER = '.runtime-lock';

export interface DataFolderLock {
  /** Releases the lock; safe to call more than once. */
  release(): Promise<void>;
}

/**
 * Takes an exclusive lock on an engine's data folder for as long as the local runtime uses it, so
 * that a second runtime on the same folder is refused at start-up, every time, before it opens
 * anything. The lock is LevelDB's own (an OS file lock on `<dataDir>/.runtime-lock/LOCK`, held by
 * an open store): another process is refused while this one lives, this process is refused a
 * second time, and the operating system frees it when the process ends, even after `kill -9`, so
 * no stale lock is ever left to clean up.
 *
 * @example
 * const lock = await lockDataFolder('.data/dynalite', 'dynalite');
 * try { ... } finally { await lock.release(); }
 */
export async function lockDataFolder(dataDir: string, engine: string): Promise<DataFolderLock> {
  const store = new ClassicLevel(path.join(dataDir, LOCK_FOLDER));
  try {
    // LevelDB creates the lock's files with the process's umask: a private one, like the data's.
    await withPrivateUmask(() => store.open());
  } catch (error) {
    if (isLocked(error)) throw dataInUseError(engine, dataDir, error);
    // Not another runtime: a folder that cannot be used at all is the engine's to report, in its words.
    return { release: async () => {} };
  }
  let released: Promise<void> | undefined;
  return {
    release() {
      released ??= store.close();
      return released;
    },
  };
}

function isLocked(error: unknown): boolean {
  return error instanceof Error && (error.cause as { code?: unknown } | undefined)?.code === 'LEVEL_LOCKED';
}

/** The error a start-up gives when another process holds an engine's data. */
export function dataInUseError(engine: string, dataDir: string, error: unknown): Error {
  const reason = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
  return new Error(
    `Cannot open the ${engine} data in ${dataDir} (is another local runtime using it?): ${reason}`,
    {
      cause: error,
    },
  );
}
