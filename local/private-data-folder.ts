// The data folder (`.data`, `--data-dir`) holds tables, logs and the local user pool's signing
// key: on a shared machine nobody but its owner may read it. Its folders are 0700 and its files
// 0600, whoever creates them: this project's own code passes these modes; the engines, which
// create their files themselves, run under a private umask (see `withPrivateUmask`).
import { chmod, lstat, mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { PROJECT_ROOT } from '#src/declaration/load-services.ts';

/** The data folder, in the project, unless `--data-dir` or `DATA_DIR` names another. */
export const DEFAULT_DATA_DIR = '.data';

/**
 * The data folder a command works on: its `--data-dir`, else `DATA_DIR`, else {@link DEFAULT_DATA_DIR};
 * a relative one is taken from the project root, so `npm start`, `npm run logs` and `npm run token`
 * find the same folder.
 *
 * @example
 * dataFolder(undefined, {}); // '<project>/.data'
 */
export function dataFolder(given: string | undefined, env: NodeJS.ProcessEnv): string {
  // An empty DATA_DIR is an unset one, not the project root.
  return path.resolve(PROJECT_ROOT, given ?? (env.DATA_DIR || DEFAULT_DATA_DIR));
}

/** A folder of the data folder: its owner only. */
export const PRIVATE_DIR_MODE = 0o700;
/** A file of the data folder: its owner only. */
export const PRIVATE_FILE_MODE = 0o600;
/** The bits that let anyone but the owner in. */
const GROUP_AND_OTHERS = 0o077;

/**
 * Creates the data folder `0700` if it is missing (unless `create` is false); if it exists, takes
 * every permission of group and others off it and everything in it (symbolic links are left
 * alone, not followed), and says so in one line when anything was wider. Returns how many entries
 * were tightened.
 *
 * @example
 * await makeDataFolderPrivate('.data', (line) => console.error(line));
 */
export async function makeDataFolderPrivate(
  dataDir: string,
  notice: (line: string) => void,
  { create = true }: { create?: boolean } = {},
): Promise<number> {
  if (create) await mkdir(dataDir, { recursive: true, mode: PRIVATE_DIR_MODE });
  let tightened = 0;
  const visit = async (entry: string): Promise<void> => {
    const stats = await lstat(entry).catch(() => null);
    // Gone meanwhile (an engine's temporary file), or a link: nothing of ours to tighten.
    if (!stats || stats.isSymbolicLink()) return;
    if ((stats.mode & GROUP_AND_OTHERS) !== 0) {
      await chmod(entry, stats.mode & 0o777 & ~GROUP_AND_OTHERS);
      tightened++;
    }
    if (stats.isDirectory()) {
      const names = await readdir(entry).catch(() => []);
      for (const name of names) await visit(path.join(entry, name));
    }
  };
  await visit(dataDir);
  if (tightened > 0) {
    notice(
      `  Data: ${dataDir} was open to other users; made private (${tightened} ${tightened === 1 ? 'entry' : 'entries'}: folders 0700, files 0600)`,
    );
  }
  return tightened;
}

let holders = 0;
let previousUmask = 0;

/**
 * Runs `work` with this process's umask at 077, so that files and folders created meanwhile by
 * code that does not choose their mode (an engine's LevelDB or SQLite files, and a child process
 * spawned meanwhile, which inherits the umask) are private. The umask is the process's: holders
 * are counted, and the first one's previous umask comes back when the last one is done. Only the
 * main thread may change it.
 *
 * @example
 * const child = await withPrivateUmask(async () => spawn('java', args));
 */
export async function withPrivateUmask<T>(work: () => T | Promise<T>): Promise<T> {
  const release = holdPrivateUmask();
  try {
    return await work();
  } finally {
    release();
  }
}

/** Holds the private umask until the returned function is called (once). */
export function holdPrivateUmask(): () => void {
  if (holders++ === 0) previousUmask = process.umask(GROUP_AND_OTHERS);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--holders === 0) process.umask(previousUmask);
  };
}
