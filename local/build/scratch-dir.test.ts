import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { scratchDir } from './scratch-dir.ts';

/** A process that has ended: its pid names no running process (until the system reuses it). */
async function endedPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await once(child, 'exit');
  assert.ok(child.pid);
  return child.pid;
}

async function gone(dir: string, ms = 10_000): Promise<boolean> {
  const until = Date.now() + ms;
  while (existsSync(dir)) {
    if (Date.now() > until) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

describe('scratchDir', () => {
  it('removes its folder on remove()', async () => {
    const scratch = await scratchDir('sm-test-');
    assert.ok(existsSync(scratch.dir));
    await scratch.remove();
    assert.ok(!existsSync(scratch.dir));
  });

  it('leaves nothing behind when its process is killed with SIGKILL', async () => {
    const module = fileURLToPath(new URL('./scratch-dir.ts', import.meta.url));
    const script = `import { scratchDir } from ${JSON.stringify(module)};
      const s = await scratchDir('sm-test-'); console.log(s.dir); setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const [chunk] = (await once(child.stdout, 'data')) as [Buffer];
      const dir = chunk.toString().trim();
      assert.ok(existsSync(dir), dir);
      child.kill('SIGKILL');
      await once(child, 'exit');
      assert.ok(await gone(dir), `${dir} is still there`);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('removes the folders of earlier runs whose process has ended, never one whose process runs', async () => {
    const prefix = `sm-test-sweep-${process.pid}-`;
    const living = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    try {
      assert.ok(living.pid);
      const abandoned = path.join(os.tmpdir(), `${prefix}${await endedPid()}-left`);
      const inUse = path.join(os.tmpdir(), `${prefix}${living.pid}-busy`);
      const foreign = path.join(os.tmpdir(), `${prefix}not-a-pid`);
      for (const dir of [abandoned, inUse, foreign]) mkdirSync(dir);
      const scratch = await scratchDir(prefix);
      assert.ok(!existsSync(abandoned), 'the folder of an ended process is removed');
      assert.ok(existsSync(inUse), 'the folder of a running process is kept');
      assert.ok(existsSync(foreign), 'a folder not named by an owner is kept');
      assert.ok(path.basename(scratch.dir).startsWith(`${prefix}${process.pid}-`), scratch.dir);
      await scratch.remove();
      for (const dir of [inUse, foreign]) await rm(dir, { recursive: true, force: true });
    } finally {
      living.kill('SIGKILL');
    }
  });

  it('a start removes what a kill -9 of the whole process group (guard included) left', async () => {
    const prefix = `sm-test-group-${process.pid}-`;
    const module = fileURLToPath(new URL('./scratch-dir.ts', import.meta.url));
    const script = `import { scratchDir } from ${JSON.stringify(module)};
      const s = await scratchDir(${JSON.stringify(prefix)}); console.log(s.dir); setInterval(() => {}, 1000);`;
    // A group of its own, as a terminal gives `npm start`: the kill reaches the guard too.
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
      detached: true,
    });
    assert.ok(child.pid);
    let dir = '';
    try {
      const [chunk] = (await once(child.stdout, 'data')) as [Buffer];
      dir = chunk.toString().trim();
      assert.ok(existsSync(dir), dir);
    } finally {
      process.kill(-child.pid, 'SIGKILL');
    }
    await once(child, 'exit');
    assert.ok(existsSync(dir), 'nothing was left to remove it');
    const next = await scratchDir(prefix);
    assert.ok(!existsSync(dir), `${dir} is still there after the next start`);
    await next.remove();
  });
});
