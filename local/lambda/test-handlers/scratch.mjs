// Uses the instance's temp folder: `body.write` names a file to create there, `body.megabytes`
// its size; every invocation answers with the folder and the files it holds.
import { randomUUID } from 'node:crypto';
import { readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

const instanceId = randomUUID();

export const handler = async (event) => {
  const { write, megabytes = 0 } = JSON.parse(event.body ?? '{}');
  if (write) await writeFile(path.join(os.tmpdir(), write), Buffer.alloc(megabytes * 1024 * 1024));
  return { instanceId, tmp: os.tmpdir(), files: await readdir(os.tmpdir()) };
};
