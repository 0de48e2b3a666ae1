import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { type FileWatcher, watchFiles } from './watch-files.ts';

describe('the reload file watcher', () => {
  let dir: string;
  let watcher: FileWatcher | undefined;
  const batches: ReadonlySet<string>[] = [];
  let waiting: (() => void) | undefined;

  /** Starts watching `paths`; tests wait on the batches it reports, never on a clock. */
  const start = async (paths: readonly string[], settleMs = 100) => {
    watcher = watchFiles({
      paths,
      settleMs,
      onBatch: (batch) => {
        batches.push(batch);
        waiting?.();
      },
    });
    await watcher.ready;
  };
  /** The batches reported until one names `file` (that one included). */
  const batchesUntil = async (file: string): Promise<ReadonlySet<string>[]> => {
    for (let seen = 0; ; ) {
      while (seen < batches.length) {
        const batch = batches[seen++];
        if (batch?.has(file)) return batches.splice(0, seen);
      }
      await new Promise<void>((resolve) => {
        waiting = resolve;
      });
    }
  };

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'watch-files-'));
    batches.length = 0;
  });
  afterEach(async () => {
    await watcher?.close();
    watcher = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  it('reports changes made close together as one batch', async () => {
    // A settle time far above what three small writes take, so that they cannot fall apart.
    await start([dir], 2_000);
    const files = ['a.ts', 'b.ts', 'c.ts'].map((name) => path.join(dir, name));
    for (const file of files) await writeFile(file, 'export {};\n');
    const [batch, ...more] = await batchesUntil(files[2] as string);
    assert.deepEqual(more, []);
    assert.deepEqual([...(batch ?? [])].sort(), files);
  });

  it('follows a file saved by renaming a copy over it, save after save', async () => {
    const file = path.join(dir, 'say.ts');
    await writeFile(file, 'export const say = 1;\n');
    await start([dir]);
    for (const value of [2, 3]) {
      const copy = path.join(dir, `say.ts.${value}.tmp`);
      await writeFile(copy, `export const say = ${value};\n`);
      await rename(copy, file);
      await batchesUntil(file);
    }
    // An ordinary write after the replacements is still seen.
    await writeFile(file, 'export const say = 4;\n');
    await batchesUntil(file);
  });

  it('watches a folder created after it started', async () => {
    await start([dir]);
    const nested = path.join(dir, 'new', 'deeper');
    await mkdir(nested, { recursive: true });
    const file = path.join(nested, 'handler.ts');
    await writeFile(file, 'export {};\n');
    await batchesUntil(file);
  });

  it('leaves out node_modules and dot folders inside a watched folder', async () => {
    await mkdir(path.join(dir, 'node_modules', 'pkg'), { recursive: true });
    await mkdir(path.join(dir, '.cache'));
    await start([dir]);
    const ignored = [path.join(dir, 'node_modules', 'pkg', 'index.js'), path.join(dir, '.cache', 'entry')];
    for (const file of ignored) await writeFile(file, 'x');
    const real = path.join(dir, 'real.ts');
    await writeFile(real, 'export {};\n');
    const seen = (await batchesUntil(real)).flatMap((batch) => [...batch]);
    for (const file of ignored) assert.ok(!seen.includes(file), `${file} is not reported`);
  });

  it('watches a single file outside the watched folders', async () => {
    const tree = path.join(dir, 'tree');
    const outside = path.join(dir, 'outside.ts');
    await mkdir(tree);
    await writeFile(outside, 'export {};\n');
    await start([tree, outside]);
    await writeFile(outside, 'export const edit = 1;\n');
    await batchesUntil(outside);
  });
});
