// The running system's card: `npm start` writes it into its data folder, and the tools (`npm run
// token`, `logs`, `invoke`, `cli`) read it there to find the system without being told its URL
// or engine. It holds no secret, but lives with the data, so it is private like the rest (0600).
import { readFileSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PROJECT_ROOT } from '#src/declaration/load-services.ts';
import { dataFolder, PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../private-data-folder.ts';
import { isProcessAlive } from '../process-alive.ts';

/** The runtime file's name inside the data folder. */
export const RUNTIME_FILE = 'runtime.json';

/** What a running `npm start` tells the tools about itself. */
export interface RuntimeInfo {
  /** The gateway's base URL, e.g. `http://127.0.0.1:3000`. */
  readonly url: string;
  readonly port: number;
  /** The data folder, absolute. */
  readonly dataDir: string;
  /** `dynalite`, `dynamodb-local` or `external`. */
  readonly engine: string;
  /** Where the functions reach DynamoDB: the IAM guard (or the external endpoint itself). */
  readonly functionEndpoint: string;
  readonly inMemory: boolean;
  readonly pid: number;
  /** ISO 8601. */
  readonly startedAt: string;
  /** The flags `npm start` was given, as typed. */
  readonly flags: readonly string[];
}

/**
 * The flags a tool needs to reach the system on `dataDir`: none for the default folder (the tools
 * look there), else `--data-dir` with the folder as the user would type it.
 */
export function toolFlags(dataDir: string): string {
  if (dataDir === dataFolder(undefined, {})) return '';
  const relative = path.relative(PROJECT_ROOT, dataDir);
  const shown = relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : dataDir;
  return ` --data-dir ${/^[\w./-]+$/.test(shown) ? shown : `'${shown.replaceAll("'", `'\\''`)}'`}`;
}

/** An npm command as a user types it for `dataDir`, e.g. `npm start -- --data-dir D`. */
export function npmCommand(script: string, dataDir: string): string {
  const flags = toolFlags(dataDir);
  const run = script === 'start' ? 'npm start' : `npm run ${script}`;
  return flags ? `${run} --${flags}` : run;
}

/** The runtime file of a data folder. */
export function runtimeFileOf(dataDir: string): string {
  return path.join(dataDir, RUNTIME_FILE);
}

/** Writes the runtime file (0600), replacing one a dead start left. */
export async function writeRuntimeFile(info: RuntimeInfo): Promise<void> {
  await mkdir(info.dataDir, { recursive: true, mode: PRIVATE_DIR_MODE });
  const file = runtimeFileOf(info.dataDir);
  // Written whole under another name, then renamed: a reader never sees half a file.
  const temporary = `${file}.${process.pid}`;
  await writeFile(temporary, `${JSON.stringify(info, null, 2)}\n`, { mode: PRIVATE_FILE_MODE });
  await rename(temporary, file);
}

/** Removes the runtime file if it is this process's (another start may own the folder since). */
export async function removeRuntimeFile(dataDir: string, pid = process.pid): Promise<void> {
  const current = readRuntimeFile(dataDir, { ignoreDead: false });
  if (current?.pid === pid) await rm(runtimeFileOf(dataDir), { force: true });
}

/**
 * The system running on `dataDir`, or null when no runtime file is there or it is stale: its
 * process is gone (killed without a chance to remove it), or the file cannot be read.
 */
export function readRuntimeFile(
  dataDir: string,
  { ignoreDead = true }: { ignoreDead?: boolean } = {},
): RuntimeInfo | null {
  let info: RuntimeInfo;
  try {
    info = JSON.parse(readFileSync(runtimeFileOf(dataDir), 'utf8')) as RuntimeInfo;
  } catch {
    return null;
  }
  if (typeof info?.url !== 'string' || !Number.isInteger(info.pid)) return null;
  if (ignoreDead && !isProcessAlive(info.pid)) return null;
  return info;
}
