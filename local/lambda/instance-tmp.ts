// Each instance's own temp folder, its `/tmp`: created with the instance, removed when it is gone
// (a timeout, a crash, a retirement or close()), when the host process exits, and, should the
// host have been killed, by the next local Lambda service that starts.
import { type Dirent, lstatSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

const PREFIX = 'sm-lambda-tmp-';
/** `<PREFIX><pid of the host>-<random>`: the pid tells whose folder it is. */
const FOLDER = new RegExp(`^${PREFIX}(\\d+)-`);

const live = new Set<string>();
let exitHookInstalled = false;

function removeLiveFolders(): void {
  for (const dir of live) rmSync(dir, { recursive: true, force: true });
  live.clear();
}

/** A new, empty temp folder for one instance, in the system's temp directory. */
export function createInstanceTmp(): string {
  const dir = mkdtempSync(path.join(tmpdir(), `${PREFIX}${process.pid}-`));
  live.add(dir);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', removeLiveFolders);
  }
  return dir;
}

/** Removes an instance's temp folder and everything in it. */
export async function removeInstanceTmp(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  live.delete(dir);
}

/** Bytes of the files under `dir` (what `du` would count as apparent size); 0 if it is gone. */
export function folderBytes(dir: string): number {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  let bytes = 0;
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) bytes += folderBytes(full);
    else {
      try {
        bytes += lstatSync(full).size;
      } catch {
        // Deleted meanwhile: nothing to count.
      }
    }
  }
  return bytes;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes the instance folders of hosts that no longer run (killed before they could clean up). */
export function removeOrphanedInstanceTmp(): void {
  let names: string[];
  try {
    names = readdirSync(tmpdir());
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(FOLDER.exec(name)?.[1]);
    if (pid && pid !== process.pid && !isAlive(pid))
      rmSync(path.join(tmpdir(), name), { recursive: true, force: true });
  }
}
