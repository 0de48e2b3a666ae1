import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startDynamoDbLocal } from './dynamodb-local-engine.ts';
import {
  assertStartRefused,
  ENGINE_TEST_TIMEOUT_MS,
  engineContractTests,
  withTempDir,
} from './engine-test-suite.ts';
import { findJava } from './find-java.ts';

const java = await findJava();
// Needs Java 17+: scripts/run-tests.mjs leaves this file out on a machine without it (never in CI).
const options = { timeout: ENGINE_TEST_TIMEOUT_MS };

function requireJava() {
  assert.ok(java, 'Java 17+ is needed to run DynamoDB Local');
  return java;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

/** Polls until the process is gone; the deadline only bounds a hang. */
async function waitUntilGone(pid: number): Promise<void> {
  for (const deadline = Date.now() + 60_000; isRunning(pid); await sleep(100)) {
    if (Date.now() > deadline) assert.fail(`process ${pid} is still running`);
  }
}

engineContractTests('dynamodb-local');

test('DynamoDB Local is no longer running once stop() resolves', options, async () => {
  const dynamodb = await startDynamoDbLocal({ java: requireJava(), dataDir: null });
  assert.ok(isRunning(dynamodb.pid));
  await dynamodb.stop();
  assert.throws(() => process.kill(dynamodb.pid, 0), { code: 'ESRCH' });
  await dynamodb.stop();
});

test('DynamoDB Local exits when the process that started it is killed', options, async () => {
  requireJava();
  const engine = path.join(import.meta.dirname, 'dynamodb-local-engine.ts');
  const finder = path.join(import.meta.dirname, 'find-java.ts');
  const script = `
    const { startDynamoDbLocal } = await import(${JSON.stringify(engine)});
    const { findJava } = await import(${JSON.stringify(finder)});
    const dynamodb = await startDynamoDbLocal({ java: await findJava(), dataDir: null });
    console.log(dynamodb.pid);
    process.kill(process.pid, 'SIGKILL');
  `;
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '--eval', script],
      { timeout: ENGINE_TEST_TIMEOUT_MS },
      (error, out) => (error && error.signal !== 'SIGKILL' ? reject(error) : resolve(out)),
    );
  });
  const pid = Number(stdout.trim());
  assert.ok(Number.isInteger(pid) && pid > 0, `the parent printed the JVM's pid, got "${stdout}"`);
  await waitUntilGone(pid);
});

test('DynamoDB Local that cannot start rejects with its own output', options, async () => {
  await withTempDir(async (dir) => {
    const notAFolder = path.join(dir, 'file');
    await writeFile(notAFolder, '');
    await assertStartRefused(
      startDynamoDbLocal({ java: requireJava(), dataDir: notAFolder }),
      /did not start: the JVM exited[\s\S]*DynamoDB Local output[\s\S]*Invalid directory/,
    );
  });
});
