import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { scratchDir } from './scratch-dir.ts';

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
});
