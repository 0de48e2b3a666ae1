import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, beforeEach, describe, test } from 'node:test';
import { BundleCache, type BundleToKeep, contentHash } from './bundle-cache.ts';

describe('the bundle cache keeps a build only while its files are unchanged', () => {
  let dir: string;
  let root: string;
  let input: string;
  let shared: string;
  let cache: BundleCache;
  /** A build of two bundles from `input` and `shared`, begun at `builtAt`. */
  const build = async (builtAt = Date.now()): Promise<Map<string, BundleToKeep>> => {
    const bundles = new Map<string, BundleToKeep>();
    for (const name of ['one-get', 'one-list']) {
      const content = Buffer.from(`export const handler = () => ${JSON.stringify(name)};\n`);
      const file = path.join(dir, 'out', name, 'index.mjs');
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, content);
      const inputs = [input, shared];
      bundles.set(name, { file, hash: contentHash(content), bytes: content.length, inputs, builtAt });
    }
    return bundles;
  };
  /** Sets a file's modification time `secondsAgo` in the past. */
  const age = (file: string, secondsAgo: number) => {
    const when = new Date(Date.now() - secondsAgo * 1000);
    return utimes(file, when, when);
  };

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'bundle-cache-'));
    root = path.join(dir, 'cache');
    input = path.join(dir, 'handler.ts');
    shared = path.join(dir, 'shared.ts');
    await writeFile(input, 'export const a = 1;\n');
    await writeFile(shared, 'export const b = 2;\n');
    await age(input, 60);
    await age(shared, 60);
    cache = new BundleCache(root);
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('a kept build is read back whole, under its own key only', async () => {
    const bundles = await build();
    assert.equal(await cache.write('key-a', bundles), true);
    const kept = await cache.read('key-a');
    assert.deepEqual([...(kept?.keys() ?? [])], ['one-get', 'one-list']);
    for (const [name, { hash, bytes, inputs }] of bundles) {
      const { content = new Uint8Array(), ...record } = kept?.get(name) ?? {};
      assert.deepEqual(record, { hash, bytes, inputs });
      assert.equal(contentHash(content), hash);
    }
    assert.equal(await cache.read('key-b'), undefined);
  });

  test('an edited input file, or one that is gone, makes the kept build stale', async () => {
    await cache.write('key', await build());
    await writeFile(input, 'export const a = 10;\n');
    assert.equal(await cache.read('key'), undefined);

    await age(input, 60);
    await cache.write('key', await build());
    assert.ok(await cache.read('key'));
    // Same size, only its time changed (a checkout, an editor's save of the same text).
    await age(shared, 30);
    assert.equal(await cache.read('key'), undefined);

    await cache.write('key', await build());
    await rm(shared);
    assert.equal(await cache.read('key'), undefined);
  });

  test('a build whose file changed after the build began is not kept', async () => {
    const bundles = await build(Date.now() - 120_000); // began before the files' last change
    assert.equal(await cache.write('key', bundles), false);
    assert.equal(await cache.read('key'), undefined);
  });

  test('a bundle that does not match its hash is not served', async () => {
    await cache.write('key', await build());
    const [folder] = await readdir(root);
    await writeFile(path.join(root, folder ?? '', 'one-get.mjs'), 'tampered');
    assert.equal(await cache.read('key'), undefined);
  });

  test('only the newest few builds are kept, and no half-written one', async () => {
    const keys = ['k1', 'k2', 'k3', 'k4', 'k5', 'k6'];
    for (const [i, key] of keys.entries()) {
      await cache.write(key, await build());
      // Distinct folder times, set rather than waited for: each build a second after the one before.
      const stamp = new Date(Date.now() - 3_600_000 + i * 1000);
      await utimes(path.join(root, key), stamp, stamp);
    }
    assert.equal(await cache.read('k1'), undefined);
    assert.equal(await cache.read('k2'), undefined);
    assert.ok(await cache.read('k6'));
    assert.equal((await readdir(root)).length, 4);
    assert.deepEqual(
      (await readdir(root)).filter((name) => name.startsWith('.')),
      [],
    );
  });
});
