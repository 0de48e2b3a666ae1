// `npm run verify` (issue 28, item 8): the HTTP contract suites run against a URL, leave nothing
// behind, and refuse a URL that is not the stack's unless forced. One engine is enough: the
// command speaks HTTP only.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from '#src/declaration/load-services.ts';
import { startTestSystem, type TestSystem } from '../support/test-system.ts';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** Runs `npm run verify -- …`; resolves with the exit code and output whatever the code. */
async function verify(args: string[], env: Record<string, string> = {}) {
  return promisify(execFile)(npm, ['run', '-s', 'verify', '--', ...args], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...env },
    maxBuffer: 16 * 1024 * 1024,
  }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({
      code: error.code,
      stdout: error.stdout,
      stderr: error.stderr,
    }),
  );
}

describe('npm run verify', { timeout: 600_000 }, () => {
  let dataDir: string;
  let current: TestSystem;
  before(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'sm-verify-'));
    current = await startTestSystem({ engine: 'dynalite', dataDir });
  });
  after(async () => {
    await current?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  test('passes against a local system, and leaves its tables as it found them', async () => {
    // Someone's item, there before the run: it must still be there after.
    const at = new Date().toISOString();
    await current.putItem('products', {
      id: 'kept',
      name: 'Kept',
      price: 1,
      version: 1,
      createdAt: at,
      updatedAt: at,
    });
    const tables = ['products', 'orders', 'lambda-apigateway'];
    const before = await Promise.all(tables.map((table) => current.scan(table)));
    // The token command's default mints from the local user pool of DATA_DIR.
    const run = await verify(['--url', current.url], { DATA_DIR: dataDir });
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, /ℹ fail 0\n/);
    assert.match(run.stdout, /ℹ pass [1-9]\d+\n/);
    assert.deepEqual(await Promise.all(tables.map((table) => current.scan(table))), before);
  });

  test('refuses a URL that is not the ApiUrl of the outputs file, before sending anything', async () => {
    const outputs = path.join(dataDir, 'outputs.json');
    await writeFile(
      outputs,
      JSON.stringify({ Sm: { ApiUrl: 'https://abc123.execute-api.eu-west-1.amazonaws.com/prod/' } }),
    );
    const foreign = await verify(['--url', 'https://api.example.invalid/prod/', '--outputs-file', outputs]);
    assert.equal(foreign.code, 2);
    assert.match(
      foreign.stderr,
      /Refusing to run against https:\/\/api\.example\.invalid\/prod\/: it is not the ApiUrl/,
    );
    assert.match(foreign.stderr, /--force/);
    const noOutputs = await verify([
      '--url',
      'https://api.example.invalid/prod/',
      '--outputs-file',
      `${outputs}.absent`,
    ]);
    assert.equal(noOutputs.code, 2);
    assert.match(noOutputs.stderr, /there is no .*outputs\.json\.absent/);
  });

  test("accepts the stack's ApiUrl, or any URL with --force, and then asks for its token", async () => {
    const outputs = path.join(dataDir, 'outputs.json');
    const api = 'https://abc123.execute-api.eu-west-1.amazonaws.com/prod/';
    await writeFile(outputs, JSON.stringify({ Sm: { ApiUrl: api } }));
    // A token command that fails: the run stops there, past the URL check, with nothing sent.
    const failing = ['--token-command', 'echo no credentials >&2; exit 3'];
    const stack = await verify(['--url', api.replace(/\/$/, ''), '--outputs-file', outputs, ...failing]);
    assert.equal(stack.code, 1, stack.stderr);
    assert.match(stack.stderr, /The token command failed: .*\nno credentials/);
    const forced = await verify(['--url', 'https://api.example.invalid/prod/', '--force', ...failing]);
    assert.equal(forced.code, 1, forced.stderr);
    const tokenless = await verify(['--url', 'https://api.example.invalid/prod/', '--force']);
    assert.equal(tokenless.code, 2);
    assert.match(tokenless.stderr, /A deployed API needs --token-command/);
  });

  test('answers --help with its usage, and refuses an unknown option by name', async () => {
    const help = await verify(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage: npm run verify -- --url <api>/);
    const unknown = await verify(['--url', current.url, '--frobnicate']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /--frobnicate/);
  });
});
