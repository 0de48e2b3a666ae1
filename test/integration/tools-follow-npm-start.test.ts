// The tools follow a running `npm start` on a data folder that is not the default: its banner's
// hints carry --data-dir, its runtime file names it (0600) until a clean stop removes it, and
// the CLI, token and invoke find it there, invoke through its own IAM guard.
import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { readRuntimeFile, runtimeFileOf } from '#local/tools/runtime-file.ts';
import { PROJECT_ROOT } from '#src/declaration/load-services.ts';

interface Ended {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A tool's entry point run as npm runs it, without the data folder in its environment. */
function tool(entry: string, args: readonly string[]): Promise<Ended> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', entry, ...args],
      { cwd: PROJECT_ROOT, env: { ...process.env, DATA_DIR: '', SM_API_URL: '', SM_API_TOKEN: '' } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('the tools follow npm start', () => {
  let dataDir: string;
  let child: ChildProcess;
  let banner = '';
  before(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'sm-follow-start-'));
    child = spawn(
      process.execPath,
      ['--import', 'tsx', 'local/cli.ts', '--port', '0', '--engine', 'dynalite', '--data-dir', dataDir],
      { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DATA_DIR: '' } },
    );
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    banner = await new Promise<string>((resolve, reject) => {
      let text = '';
      const onData = (chunk: Buffer) => {
        text += chunk.toString();
        if (!text.includes('Routes → functions')) return;
        child.stdout?.off('data', onData);
        child.stdout?.resume();
        resolve(text);
      };
      child.stdout?.on('data', onData);
      child.once('exit', (code) => reject(new Error(`npm start exited with ${code}: ${text}${stderr}`)));
    });
  });
  after(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    }
    await rm(dataDir, { recursive: true, force: true });
  });

  test('the banner hints carry --data-dir', () => {
    assert.ok(banner.includes(`npm run -s token -- --data-dir ${dataDir} --user alice`), banner);
    assert.ok(banner.includes(`npm run logs -- --data-dir ${dataDir}`), banner);
    assert.ok(banner.includes(`npm run invoke -- --data-dir ${dataDir} `), banner);
  });

  test('the runtime file names the system, private to its owner', async () => {
    const running = readRuntimeFile(dataDir);
    assert.ok(running);
    assert.equal(running.pid, child.pid);
    assert.equal(running.dataDir, dataDir);
    assert.equal(running.engine, 'dynalite');
    assert.match(running.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(banner.includes(running.url));
    assert.equal((await stat(runtimeFileOf(dataDir))).mode & 0o777, 0o600);
  });

  test('token, the CLI and invoke find it through --data-dir alone', async () => {
    const token = await tool('local/token-cli.ts', [
      '--data-dir',
      dataDir,
      '--user',
      'alice',
      '--group',
      'admin',
    ]);
    assert.equal(token.code, 0, token.stderr);
    const created = await tool('cli/main.ts', [
      ...['--data-dir', dataDir, '--token', token.stdout.trim()],
      ...['products', 'create', '--name', 'Pen', '--price', '2'],
    ]);
    assert.equal(created.code, 0, created.stderr);
    const { id } = JSON.parse(created.stdout) as { id: string };
    // Invoke uses the running system's DynamoDB, through its IAM guard: it sees the item just made.
    const got = await tool('local/invoke-cli.ts', [
      ...['--data-dir', dataDir, 'products-get', '--path', `/products/${id}`, '--user', 'bob'],
    ]);
    assert.equal(got.code, 0, got.stderr);
    assert.match(got.stderr, /Using the system running on .*IAM guard/);
    assert.equal(JSON.parse((JSON.parse(got.stdout) as { body: string }).body).name, 'Pen');
  });

  test('a clean stop removes the runtime file, and the tools then say nothing runs', async () => {
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
    assert.equal(existsSync(runtimeFileOf(dataDir)), false);
    assert.ok(existsSync(dataDir), 'the data stays');
    const listed = await tool('cli/main.ts', ['--data-dir', dataDir, 'products', 'list']);
    assert.equal(listed.code, 1);
    assert.match(listed.stderr, /No local system is running on .*: start it \(npm start -- --data-dir .*\)/);
  });
});
