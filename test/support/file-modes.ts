import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';

/** Every entry under `dir` (itself included) with its permission bits; symbolic links left out. */
export async function modesUnder(dir: string): Promise<Map<string, number>> {
  const modes = new Map<string, number>();
  const visit = async (entry: string) => {
    const stats = await lstat(entry);
    if (stats.isSymbolicLink()) return;
    modes.set(entry, stats.mode & 0o777);
    if (stats.isDirectory()) for (const name of await readdir(entry)) await visit(path.join(entry, name));
  };
  await visit(dir);
  return modes;
}

/** The entries under `dir` that are not private: folders other than 0700, files other than 0600. */
export async function notPrivateUnder(dir: string): Promise<string[]> {
  const wrong: string[] = [];
  for (const [entry, mode] of await modesUnder(dir)) {
    const expected = (await lstat(entry)).isDirectory() ? 0o700 : 0o600;
    if (mode !== expected) wrong.push(`${path.relative(dir, entry) || '.'} ${mode.toString(8)}`);
  }
  return wrong;
}
