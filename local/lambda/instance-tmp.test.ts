import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { folderBytes } from './instance-tmp.ts';
import { type LambdaService, startLambdaService } from './start-lambda-service.ts';
import { recordingSink, testEvent, testFunction } from './test-handlers/test-kit.ts';

interface Scratch {
  readonly instanceId: string;
  readonly tmp: string;
  readonly files: string[];
}

async function scratch(lambda: LambdaService, body: object = {}): Promise<Scratch> {
  const outcome = await lambda.invoke('scratch', testEvent(body));
  assert.equal(outcome.kind, 'result', JSON.stringify(outcome));
  return (outcome as { value: Scratch }).value;
}

describe("an instance's temp folder", () => {
  it('is its own: two instances do not see each other’s files, and it goes with the instance', async () => {
    const lambda = startLambdaService({
      functions: [testFunction('scratch', 'scratch')],
      logSink: recordingSink(),
      maxInstancesPerFunction: 2,
    });
    let folders: string[] = [];
    try {
      const [one, two] = await Promise.all([
        scratch(lambda, { write: 'one.txt' }),
        scratch(lambda, { write: 'two.txt' }),
      ]);
      assert.ok(one && two);
      assert.notEqual(one.instanceId, two.instanceId);
      assert.notEqual(one.tmp, two.tmp);
      assert.ok(one.tmp.startsWith(tmpdir()), one.tmp);
      assert.deepEqual([one.files, two.files], [['one.txt'], ['two.txt']]);
      folders = [one.tmp, two.tmp];
      for (const folder of folders) assert.ok(existsSync(folder));
    } finally {
      await lambda.close();
    }
    for (const folder of folders) assert.equal(existsSync(folder), false, `${folder} was removed`);
  });

  it('ends the instance with ENOSPC once it holds more than the ephemeral storage', async () => {
    const sink = recordingSink();
    const lambda = startLambdaService({
      functions: [testFunction('scratch', 'scratch', { ephemeralStorageMb: 2 })],
      logSink: sink,
    });
    try {
      const first = await scratch(lambda, { write: 'small.bin', megabytes: 1 });
      const over = await lambda.invoke('scratch', testEvent({ write: 'big.bin', megabytes: 2 }));
      assert.equal(over.kind, 'error');
      assert.ok(over.kind === 'error');
      assert.match(
        over.errorMessage,
        /^ENOSPC: no space left on device: .* holds 3 MB, over the function's 2 MB/,
      );
      assert.ok(sink.lines('scratch').some((line) => line.endsWith(over.errorMessage)));
      assert.equal(existsSync(first.tmp), false, 'the ended instance took its folder with it');
      const next = await scratch(lambda);
      assert.notEqual(next.instanceId, first.instanceId);
      assert.deepEqual(next.files, []);
    } finally {
      await lambda.close();
    }
  });

  it('counts the bytes of every file below it', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'folder-bytes-'));
    try {
      writeFileSync(path.join(dir, 'a'), Buffer.alloc(1000));
      mkdirSync(path.join(dir, 'sub', 'deeper'), { recursive: true });
      writeFileSync(path.join(dir, 'sub', 'deeper', 'b'), Buffer.alloc(24));
      assert.equal(folderBytes(dir), 1024);
      assert.equal(folderBytes(path.join(dir, 'missing')), 0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
