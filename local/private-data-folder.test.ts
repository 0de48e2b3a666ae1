import assert from 'node:assert/strict';
import { chmod, lstat, mkdir, mkdtemp, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { CreateTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { modesUnder, notPrivateUnder } from '../test/support/file-modes.ts';
import { startDynamoDb } from './dynamodb/launcher/start-dynamodb.ts';
import { makeDataFolderPrivate, withPrivateUmask } from './private-data-folder.ts';

async function withDir(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sm-private-'));
  try {
    await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const modeOf = async (file: string) => (await lstat(file)).mode & 0o777;

test('a missing data folder is created 0700, whatever the umask', async () => {
  await withDir(async (root) => {
    const previous = process.umask(0);
    try {
      const dataDir = path.join(root, 'nested', '.data');
      const notices: string[] = [];
      assert.equal(await makeDataFolderPrivate(dataDir, (line) => notices.push(line)), 0);
      assert.equal(await modeOf(dataDir), 0o700);
      assert.deepEqual(notices, []);
    } finally {
      process.umask(previous);
    }
  });
});

test('an existing folder with wider modes is tightened, with a one-line notice; links are left alone', async () => {
  await withDir(async (root) => {
    const dataDir = path.join(root, '.data');
    const outside = path.join(root, 'outside.txt');
    await mkdir(path.join(dataDir, 'dynalite'), { recursive: true });
    await writeFile(path.join(dataDir, 'dynalite', '000003.log'), 'x');
    await writeFile(path.join(dataDir, 'run.sh'), 'x');
    await writeFile(outside, 'x');
    await chmod(dataDir, 0o755);
    await chmod(path.join(dataDir, 'dynalite'), 0o775);
    await chmod(path.join(dataDir, 'dynalite', '000003.log'), 0o644);
    await chmod(path.join(dataDir, 'run.sh'), 0o754);
    await chmod(outside, 0o644);
    await symlink(outside, path.join(dataDir, 'link'));
    const notices: string[] = [];
    assert.equal(await makeDataFolderPrivate(dataDir, (line) => notices.push(line)), 4);
    assert.equal(notices.length, 1);
    assert.match(
      notices[0] ?? '',
      /\.data was open to other users; made private \(4 entries: folders 0700, files 0600\)/,
    );
    assert.deepEqual(
      Object.fromEntries(
        [...(await modesUnder(dataDir))].map(([file, mode]) => [path.relative(root, file), mode]),
      ),
      {
        '.data': 0o700,
        '.data/dynalite': 0o700,
        '.data/dynalite/000003.log': 0o600,
        '.data/run.sh': 0o700,
      },
    );
    assert.equal((await stat(outside)).mode & 0o777, 0o644, 'what a link points to is not ours');
    // Private already: nothing to do, nothing said.
    assert.equal(await makeDataFolderPrivate(dataDir, (line) => notices.push(line)), 0);
    assert.equal(notices.length, 1);
  });
});

test('what is created under the private umask is private, and the umask comes back after', async () => {
  await withDir(async (root) => {
    const before = process.umask(0o022);
    try {
      await withPrivateUmask(async () => {
        await mkdir(path.join(root, 'made'));
        await writeFile(path.join(root, 'made', 'file'), 'x');
      });
      assert.equal(await modeOf(path.join(root, 'made')), 0o700);
      assert.equal(await modeOf(path.join(root, 'made', 'file')), 0o600);
      assert.equal(process.umask(0o022), 0o022);
    } finally {
      process.umask(before);
    }
  });
});

test('a start on dynalite tightens the data folder with a notice, and its LevelDB files are private', async () => {
  await withDir(async (root) => {
    const dataDir = path.join(root, '.data');
    await mkdir(path.join(dataDir, 'logs'), { recursive: true, mode: 0o755 });
    await writeFile(path.join(dataDir, 'logs', 'old.jsonl'), 'x', { mode: 0o644 });
    await chmod(dataDir, 0o755);
    const notices: string[] = [];
    const previous = process.umask(0o022);
    const dynamodb = await startDynamoDb({
      engine: 'dynalite',
      dataDir,
      inMemory: false,
      notice: (line) => notices.push(line),
    });
    try {
      assert.equal(notices.length, 1);
      assert.match(notices[0] ?? '', /made private \(3 entries/);
      const client = new DynamoDBClient({
        region: 'us-east-1',
        endpoint: dynamodb.endpoint,
        credentials: { accessKeyId: 'LOCALTEST', secretAccessKey: 'local' },
      });
      try {
        await client.send(
          new CreateTableCommand({
            TableName: 'modes',
            KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
            AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
            BillingMode: 'PAY_PER_REQUEST',
          }),
        );
        await client.send(new PutItemCommand({ TableName: 'modes', Item: { id: { S: 'a' } } }));
      } finally {
        client.destroy();
      }
      assert.ok((await readdir(path.join(dataDir, 'dynalite'))).length > 1, 'LevelDB wrote its files');
      assert.deepEqual(await notPrivateUnder(dataDir), []);
    } finally {
      await dynamodb.stop();
      process.umask(previous);
    }
    assert.deepEqual(await notPrivateUnder(dataDir), [], 'and after it stopped');
  });
});
