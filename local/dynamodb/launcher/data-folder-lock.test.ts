import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { notPrivateUnder } from '../../../test/support/file-modes.ts';
import { startDynalite } from '../engines/dynalite-engine.ts';
import { withTempDir } from '../engines/engine-test-suite.ts';
import { LOCK_FOLDER, lockDataFolder } from './data-folder-lock.ts';

const IN_USE = /Cannot open the dynalite data in .* \(is another local runtime using it\?\)/;

/** The folder can be locked now: a lock is granted (and given back at once). */
async function assertFree(dataDir: string): Promise<void> {
  const lock = await lockDataFolder(dataDir, 'dynalite').catch((error: unknown) =>
    assert.fail(`the folder is still locked: ${String(error)}`),
  );
  await lock.release();
}

test('a data folder is locked once: a second lock is refused until the first is released', async () => {
  await withTempDir(async (dataDir) => {
    const first = await lockDataFolder(dataDir, 'dynalite');
    try {
      await assert.rejects(lockDataFolder(dataDir, 'dynalite'), IN_USE);
    } finally {
      await first.release();
    }
    const again = await lockDataFolder(dataDir, 'dynalite');
    await assert.rejects(lockDataFolder(dataDir, 'dynalite'), IN_USE, 'held again');
    await again.release();
    await assert.doesNotReject(again.release(), 'a second release is harmless');
    await assertFree(dataDir);
  });
});

test("the lock's files are private, as the rest of the data folder", async () => {
  await withTempDir(async (dataDir) => {
    const previous = process.umask(0o022);
    try {
      const lock = await lockDataFolder(dataDir, 'dynalite');
      await lock.release();
    } finally {
      process.umask(previous);
    }
    assert.deepEqual(await notPrivateUnder(path.join(dataDir, LOCK_FOLDER)), []);
  });
});

test('another process holding the lock refuses this one, and its death (kill -9) frees it', async () => {
  await withTempDir(async (dataDir) => {
    const lockModule = path.join(import.meta.dirname, 'data-folder-lock.ts');
    // The child holds the lock until it is killed; its only output says it has it.
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
    }
    const [, signal] = (await exited) as [number | null, NodeJS.Signals | null];
    assert.equal(signal, 'SIGKILL');
    await assertFree(dataDir);
  });
});

test('a folder that cannot hold a lock is left for the engine to report, in its words', async () => {
  const notAFolder = '/dev/null/not-a-folder';
  const lock = await lockDataFolder(notAFolder, 'dynalite');
  await assert.doesNotReject(lock.release());
  await assert.rejects(startDynalite({ dataDir: notAFolder }), (error: Error) => {
    // The engine's own reason, naming the folder: not a lock held elsewhere.
    assert.match(error.message, /ENOTDIR: not a directory, mkdir '\/dev\/null\/not-a-folder'/);
    return true;
  });
});
