import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { startDynalite } from './dynalite-engine.ts';
import {
  ENGINE_TEST_TIMEOUT_MS,
  engineContractTests,
  localClient,
  withTempDir,
} from './engine-test-suite.ts';

engineContractTests('dynalite');

test('dynalite refuses a data folder that another runtime holds open', {
  timeout: ENGINE_TEST_TIMEOUT_MS,
}, async () => {
  await withTempDir(async (dataDir) => {
    const first = await startDynalite({ dataDir });
    try {
      await assert.rejects(startDynalite({ dataDir }), /another local runtime/);
      const client = localClient(first.endpoint);
      try {
        assert.deepEqual((await client.send(new ListTablesCommand({}))).TableNames, []);
      } finally {
        client.destroy();
      }
    } finally {
      await first.stop();
    }
  });
});

test('dynalite describes itself with its version', async () => {
  const dynamodb = await startDynalite({ dataDir: null });
  try {
    assert.match(dynamodb.detail, /^dynalite \d+\.\d+\.\d+ \(Node \d+/);
  } finally {
    await dynamodb.stop();
  }
});
