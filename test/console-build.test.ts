import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { build } from 'vite';

// console/dist is committed so that `npm install && npm start` serves the console with no build
// step and no start-up cost; this test keeps it honest: a fresh build of console/ must give
// exactly the committed files, so a source change without `npm run console:build` fails here.
const root = path.join(import.meta.dirname, '..', 'console');

async function filesOf(dir: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    files.set(path.relative(dir, full).split(path.sep).join('/'), await readFile(full));
  }
  return files;
}

test('the committed console/dist is what building console/ gives now (run npm run console:build)', async (t) => {
  const outDir = await mkdtemp(path.join(tmpdir(), 'console-dist-'));
  t.after(() => rm(outDir, { recursive: true, force: true }));
  await build({ root, logLevel: 'silent', build: { outDir, emptyOutDir: true } });
  const fresh = await filesOf(outDir);
  const committed = await filesOf(path.join(root, 'dist'));
  assert.deepEqual([...committed.keys()].sort(), [...fresh.keys()].sort(), 'the same files');
  for (const [name, content] of fresh) {
    assert.ok(content.equals(committed.get(name) ?? Buffer.alloc(0)), `${name} is the same`);
  }
  assert.ok(fresh.has('index.html'));
});
