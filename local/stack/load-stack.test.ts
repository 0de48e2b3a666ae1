import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { LOCAL_ACCOUNT_ID } from '#local/dynamodb/guard/iam/resolve-intrinsics.ts';
import { loadServices } from '#src/declaration/load-services.ts';
import { loadStack } from './load-stack.ts';

const account = { region: 'us-east-1', accountId: LOCAL_ACCOUNT_ID };

test('the stack is cached by its context too: other stage settings or log level are synthesized once, then read from the cache', async () => {
  const cacheDir = await mkdtemp(path.join(os.tmpdir(), 'sm-stack-cache-'));
  try {
    const services = await loadServices();
    const context = { stageName: 'dev', throttlingRateLimit: 5, throttlingBurstLimit: 10, logLevel: 'DEBUG' };
    const first = await loadStack(services, { account, context }, cacheDir);
    assert.equal(first.synthesized, true);
    assert.equal(first.stack.stage.name, 'dev');
    assert.deepEqual(first.stack.stage.throttle, { rateLimit: 5, burstLimit: 10 });
    for (const fn of first.stack.functions) {
      assert.equal(fn.environment.LOG_LEVEL, 'DEBUG', fn.name);
      if (fn.logFormat === 'JSON') assert.equal(fn.logLevel, 'DEBUG', fn.name);
    }
    const again = await loadStack(services, { account, context }, cacheDir);
    assert.equal(again.synthesized, false);
    assert.deepEqual(again.stack, first.stack);
    const other = await loadStack(
      services,
      { account, context: { ...context, stageName: 'test' } },
      cacheDir,
    );
    assert.equal(other.synthesized, true);
    assert.equal(other.stack.stage.name, 'test');
  } finally {
    await rm(cacheDir, { recursive: true, force: true });
  }
});
