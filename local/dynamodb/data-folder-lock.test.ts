import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { lockDataFolder } from './data-folder-lock.ts';
import { withTempDir } from './engine-test-suite.ts';

const IN_USE = /Cannot open the dynalite data in .* \(is another local runtime using it\?\)/;

test('a data folder is locked once: a second lock is refused until the first is released', async () => {
  await withTempDir(async (dataDir) => {
    const first = await lockDataFolder(dataDir, 'dynalite');
    try {
      await assert.rejects(lockDataFolder(dataDir, 'dynalite'), IN_USE);
    } finally {
      await first.release();
    }
    const again = await lockDataFolder(dataDir, 'dynalite');
    await again.release();
    await again.release();
  });
});

test('another process holding the lock refuses this one, and its death (kill -9) frees it', async () => {
  await withTempDir(async (dataDir) => {
    const lockModule = path.join(import.meta.dirname, 'data-folder-lock.ts');
    const script = `
      const { lockDataFolder } = await import(${JSON.stringify(lockModule)});
      await lockDataFolder(${JSON.stringify(dataDir)}, 'dynalite');
      console.log('locked');
      setInterval(() => {}, 1000);
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '--eval', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = once(child, 'exit');
    try {
      const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
      assert.equal(line, 'locked');
      await assert.rejects(lockDataFolder(dataDir, 'dynalite'), IN_USE);
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
    const after = await lockDataFolder(dataDir, 'dynalite');
    await after.release();
  });
});

test('a folder that cannot hold a lock is left for the engine to report', async () => {
  const lock = await lockDataFolder('/dev/null/not-a-folder', 'dynalite');
  await lock.release();
});
