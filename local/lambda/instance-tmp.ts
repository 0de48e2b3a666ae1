// Each instance's own temp folder, its `/tmp`: a folder inside the Lambda service's scratch folder
// (local/build/scratch-dir.ts), created with the instance and removed when it is gone (a timeout,
// a crash, a retirement or close()). Should the host be killed, the scratch folder's guard removes
// them all.
import { type Dirent, lstatSync, mkdtempSync, readdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';

/** A new, empty temp folder for one instance, inside `root` (the service's scratch folder). */
export function createInstanceTmp(root: string): string {
  return mkdtempSync(path.join(root, 'instance-'));
}

/** Removes an instance's temp folder and everything in it. */
export async function removeInstanceTmp(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
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
