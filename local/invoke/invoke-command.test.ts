// `npm run invoke` as a user runs it: a process that runs one function in a fresh instance on a
// real engine (dynalite) in a scratch data folder, prints the result on stdout and the log lines,
// REPORT included, on stderr, keeps the logs, and exits non-zero when the function fails.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { PROJECT_ROOT } from '#src/declaration/load-services.ts';

interface Ended {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function invoke(args: readonly string[], stdin?: string): Promise<Ended> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ['--import', 'tsx', 'local/invoke-cli.ts', ...args],
      { cwd: PROJECT_ROOT, env: { ...process.env, DATA_DIR: '', DYNAMODB_ENGINE: '' } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin?.end(stdin ?? '');
  });
}

const REPORT =
  /^REPORT RequestId: [0-9a-f-]{36}\tDuration: [\d.]+ ms\tBilled Duration: \d+ ms\tMemory Size: \d+ MB/m;

describe('npm run invoke', () => {
  let dataDir: string;
  let engine: string[];
  before(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'sm-invoke-'));
    engine = ['--data-dir', dataDir, '--engine', 'dynalite'];
  });
  after(() => rm(dataDir, { recursive: true, force: true }));

  let created: { id: string; name: string };

  test('runs products-create with an event built as the gateway builds it, signed by the local pool', async () => {
    const body = JSON.stringify({ name: 'Pen', price: 2 });
    const ended = await invoke([
      'products-create',
      '--user',
      'alice',
      '--group',
      'admin',
      '--body',
      body,
      ...engine,
    ]);
    assert.equal(ended.code, 0, ended.stderr);
    const result = JSON.parse(ended.stdout) as { statusCode: number; body: string };
    assert.equal(result.statusCode, 201, ended.stdout);
    created = JSON.parse(result.body);
    assert.equal(created.name, 'Pen');
    assert.match(ended.stderr, REPORT);
    assert.ok(
      existsSync(path.join(dataDir, 'logs', 'products-create')),
      'its logs are kept as npm start keeps them',
    );
  });

  test('runs products-get with the event given on stdin (--event -), the item created before in the same tables', async () => {
    const event = {
      resource: '/products/{id}',
      path: `/products/${created.id}`,
      httpMethod: 'GET',
      headers: { Accept: 'application/json' },
      pathParameters: { id: created.id },
      requestContext: { resourcePath: '/products/{id}', httpMethod: 'GET', stage: 'prod' },
      body: null,
      isBase64Encoded: false,
    };
    const ended = await invoke(
      ['products-get', '--event', '-', '--user', 'bob', ...engine],
      JSON.stringify(event),
    );
    assert.equal(ended.code, 0, ended.stderr);
    const result = JSON.parse(ended.stdout) as { statusCode: number; body: string };
    assert.equal(result.statusCode, 200, ended.stdout);
    assert.equal(JSON.parse(result.body).name, 'Pen');
    assert.match(ended.stderr, REPORT);
  });

  test('exits 1 when the function fails (here a 500 on an event that is no request), still printing both', async () => {
    const ended = await invoke(['products-get', '--event', '-', ...engine], '{}');
    assert.equal(ended.code, 1, ended.stderr);
    assert.equal((JSON.parse(ended.stdout) as { statusCode: number }).statusCode, 500);
    assert.match(ended.stderr, REPORT);
  });

  test('refuses an unknown function, naming those there are, before starting anything', async () => {
    const ended = await invoke(['products-gte', ...engine]);
    assert.equal(ended.code, 2);
    assert.match(ended.stderr, /^npm run invoke: No function "products-gte"; there are .*products-get.*\n$/);
    assert.equal(ended.stderr.split('\n').length, 2, 'one line');
  });

  test('refuses a path another function serves, naming the one that does', async () => {
    const ended = await invoke(['products-get', '--method', 'DELETE', '--path', '/products/p1', ...engine]);
    assert.equal(ended.code, 2);
    assert.match(ended.stderr, /DELETE \/products\/p1 is served by products-delete, not products-get/);
  });
});
