// The runtime file npm start leaves in its data folder, and the tools that follow it: the CLI
// calls the system it names, a stale one is ignored, and a folder with no logs or no system says so.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli } from '#cli/run-cli.ts';
import { runLogsCommand } from '#local/logs/logs-command.ts';
import { dataFolder } from '#local/private-data-folder.ts';
import { PROJECT_ROOT } from '#src/declaration/load-services.ts';
import {
  npmCommand,
  type RuntimeInfo,
  readRuntimeFile,
  removeRuntimeFile,
  runtimeFileOf,
  toolFlags,
  writeRuntimeFile,
} from './runtime-file.ts';

const info = (dataDir: string, overrides: Partial<RuntimeInfo> = {}): RuntimeInfo => ({
  url: 'http://127.0.0.1:1',
  port: 1,
  dataDir,
  engine: 'dynalite',
  functionEndpoint: 'http://127.0.0.1:2',
  inMemory: false,
  pid: process.pid,
  startedAt: new Date().toISOString(),
  flags: ['--data-dir', dataDir],
  ...overrides,
});

/** The id of a process that has ended. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await once(child, 'exit');
  assert.ok(child.pid);
  return child.pid;
}

/** The CLI run in this process, as `npm run cli` would run it. */
async function cli(args: string[], env: Record<string, string | undefined> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    env: { SM_API_URL: '', ...env },
  });
  return { code, stdout, stderr };
}

describe('the runtime file', () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'sm-runtime-'));
  });
  after(() => rm(root, { recursive: true, force: true }));

  test('is written whole, private (0600), read back, and removed only by its own process', async () => {
    const dataDir = path.join(root, 'own');
    await mkdir(dataDir);
    await writeRuntimeFile(info(dataDir));
    assert.equal((await stat(runtimeFileOf(dataDir))).mode & 0o777, 0o600);
    assert.deepEqual(
      readRuntimeFile(dataDir),
      info(dataDir, { startedAt: readRuntimeFile(dataDir)?.startedAt ?? '' }),
    );
    await removeRuntimeFile(dataDir, process.pid + 1);
    assert.ok(readRuntimeFile(dataDir), "another process's stop leaves it");
    await removeRuntimeFile(dataDir);
    assert.equal(readRuntimeFile(dataDir), null);
  });

  test('of a process that is gone (kill -9) is ignored', async () => {
    const dataDir = path.join(root, 'stale');
    await mkdir(dataDir);
    await writeRuntimeFile(info(dataDir, { pid: await deadPid() }));
    assert.equal(readRuntimeFile(dataDir), null);
    const called = await cli(['products', 'list'], { DATA_DIR: dataDir });
    assert.equal(called.code, 1);
    assert.match(
      called.stderr,
      /No local system is running on .*stale: start it \(npm start -- --data-dir .*\) .* or pass --url/,
    );
  });

  test('that is unreadable is ignored', async () => {
    const dataDir = path.join(root, 'garbled');
    await mkdir(dataDir);
    await writeFile(runtimeFileOf(dataDir), '{"url":');
    assert.equal(readRuntimeFile(dataDir), null);
  });

  test('the tools name --data-dir only for a folder that is not the default', () => {
    assert.equal(toolFlags(dataFolder(undefined, {})), '');
    assert.equal(toolFlags(path.join(PROJECT_ROOT, '.data-2')), ' --data-dir .data-2');
    assert.equal(npmCommand('start', path.join(PROJECT_ROOT, '.data-2')), 'npm start -- --data-dir .data-2');
    assert.equal(npmCommand('token', '/tmp/a b'), "npm run token -- --data-dir '/tmp/a b'");
  });
});

describe('npm run cli follows the running system', () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'sm-follow-'));
  });
  after(() => rm(root, { recursive: true, force: true }));

  test('calls the URL of the runtime file in the data folder; --url and SM_API_URL override it', async () => {
    // A stand-in API on loopback: what is tested is which URL the CLI calls.
    const hits: string[] = [];
    const server = createServer((req, res) => {
      hits.push(`${req.headers.host}${req.url}`);
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"items":[]}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      const dataDir = path.join(root, 'running');
      await mkdir(dataDir);
      await writeRuntimeFile(info(dataDir, { url: `http://127.0.0.1:${port}`, port }));
      const called = await cli(['--data-dir', dataDir, 'products', 'list']);
      assert.equal(called.code, 0, called.stderr);
      assert.deepEqual(hits, [`127.0.0.1:${port}/products`]);
      const byEnv = await cli(['products', 'list'], { DATA_DIR: dataDir });
      assert.equal(byEnv.code, 0, byEnv.stderr);
      assert.equal(hits.length, 2);
      // An explicit URL wins over the runtime file: here one where nothing answers.
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const closedAddress = closed.address();
      await new Promise((resolve) => closed.close(resolve));
      const nowhere = `http://127.0.0.1:${typeof closedAddress === 'object' && closedAddress ? closedAddress.port : 0}`;
      const overridden = await cli(['--data-dir', dataDir, '--url', nowhere, 'products', 'list']);
      assert.equal(overridden.code, 1);
      assert.match(
        overridden.stderr,
        /nothing answers there .*start the system \(npm start\) .* or pass --url/,
      );
      assert.equal(hits.length, 2);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  test('with nothing running, says to start the system or pass --url', async () => {
    const called = await cli(['--data-dir', path.join(root, 'empty'), 'products', 'list']);
    assert.equal(called.code, 1);
    assert.match(called.stderr, /^Error: No local system is running on .*empty: start it .* or pass --url/);
  });
});

describe('npm run logs on a wrong folder, function or level', () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'sm-logs-'));
    await mkdir(path.join(root, 'kept', 'logs', 'products-get'), { recursive: true });
  });
  after(() => rm(root, { recursive: true, force: true }));
  const logs = (...args: string[]) => runLogsCommand(args, {}, () => {});

  test('a folder with no logs is an error saying where they are kept', async () => {
    await assert.rejects(
      logs('--data-dir', path.join(root, 'nothing')),
      /No logs in .*nothing: npm start keeps them in logs\//,
    );
  });

  test('a folder whose running system keeps no logs says it runs --in-memory', async () => {
    const dataDir = path.join(root, 'memory');
    await mkdir(dataDir);
    await writeRuntimeFile(info(dataDir, { inMemory: true }));
    await assert.rejects(logs('--data-dir', dataDir), /keeps no logs \(it was started with --in-memory\)/);
  });

  test('an unknown function is an error naming the functions there are', async () => {
    await assert.rejects(
      logs('--data-dir', path.join(root, 'kept'), 'products-gte'),
      /No function "products-gte"; there are .*products-create, .*products-get/,
    );
    assert.equal(await logs('--data-dir', path.join(root, 'kept'), 'products-get'), 0);
    // Declared, never run: no logs yet, which is no error.
    assert.equal(await logs('--data-dir', path.join(root, 'kept'), 'orders-list'), 0);
  });

  test('a bad level or query is an error naming the ones there are', async () => {
    await assert.rejects(
      logs('--data-dir', path.join(root, 'kept'), '--level', 'loud'),
      /--level must be one of TRACE, DEBUG, INFO, WARN, ERROR, CRITICAL or FATAL, not "loud"/,
    );
    await assert.rejects(
      logs('--data-dir', path.join(root, 'kept'), '--query', 'nope'),
      /Allowed choices are .*coldStartsByFunction/,
    );
  });
});
