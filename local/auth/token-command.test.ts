import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from '#src/declaration/load-services.ts';
import { localAuthorizer } from './authorizer.ts';
import { openLocalUserPool } from './local-user-pool.ts';
import { runTokenCommand } from './token-command.ts';

describe('npm run token', () => {
  let dataDir: string;
  before(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'sm-token-'));
    // The pool npm start makes on its first start.
    await openLocalUserPool(dataDir);
  });
  after(() => rm(dataDir, { recursive: true, force: true }));

  const run = async (...argv: string[]) => {
    const out: string[] = [];
    const code = await runTokenCommand(
      [...argv, '--data-dir', dataDir],
      {},
      (line) => out.push(line),
      () => {},
    );
    return { code, token: out.join('\n') };
  };

  test('prints an ID token the local gateway accepts, with the groups asked for', async () => {
    const { code, token } = await run('--user', 'alice', '--group', 'admin', '--group', 'ops');
    assert.equal(code, 0);
    const result = await localAuthorizer(await openLocalUserPool(dataDir))(token);
    assert.ok(result.ok);
    assert.equal(result.claims['cognito:username'], 'alice');
    assert.equal(result.claims['cognito:groups'], 'admin,ops');
  });

  test('an access token is minted on request, and the gateway refuses it', async () => {
    const { token } = await run('--user', 'alice', '--access');
    assert.equal((await localAuthorizer(await openLocalUserPool(dataDir))(token)).ok, false);
  });

  test('refuses a missing user and a bad lifetime', async () => {
    await assert.rejects(run(), /--user is required/);
    await assert.rejects(run('--user', 'a', '--expires-in', '0'), /--expires-in/);
    await assert.rejects(run('--user', 'a', '--expires-in', '2h'), /--expires-in/);
  });

  test('refuses a group whose name API Gateway would read as two', async () => {
    await assert.rejects(run('--user', 'a', '--group', 'admin,ops'), /group "admin,ops".*holds ","/);
  });

  test('a folder with no user pool is an error that says so, and no pool is made', async () => {
    const empty = await mkdtemp(path.join(os.tmpdir(), 'sm-token-empty-'));
    try {
      await assert.rejects(
        runTokenCommand(
          ['--user', 'alice', '--data-dir', empty],
          {},
          () => {},
          () => {},
        ),
        /No local user pool in .*sm-token-empty-.*npm start makes it there/,
      );
      assert.deepEqual(await readdir(empty), []);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  test('an unknown flag is an error naming the one meant', async () => {
    await assert.rejects(
      run('--user', 'a', '--groups', 'admin'),
      /unknown option '--groups' \(Did you mean --group\?\)/,
    );
  });

  test('works as an npm script, printing only the token on stdout', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'local/token-cli.ts', '--user', 'bob', '--data-dir', dataDir],
      { cwd: PROJECT_ROOT },
    );
    assert.match(stdout.trim(), /^[\w-]+\.[\w-]+\.[\w-]+$/);
    assert.ok((await localAuthorizer(await openLocalUserPool(dataDir))(stdout.trim())).ok);
  });
});
