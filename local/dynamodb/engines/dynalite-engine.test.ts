import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { startDynalite } from './dynalite-engine.ts';
import {
  assertStartRefused,
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
      await assertStartRefused(startDynalite({ dataDir }), /another local runtime/);
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

test('a second dynalite start on a folder in use is refused, every time (50 rounds)', {
  timeout: ENGINE_TEST_TIMEOUT_MS,
}, async () => {
  await withTempDir(async (root) => {
    for (let round = 0; round < 50; round += 1) {
      const dataDir = path.join(root, `round-${round}`);
      await mkdir(dataDir);
      // Right after the first start and at the same time as it: dynalite opens its store lazily,
      // so both orders have to meet a lock that is already held.
      const start = () => startDynalite({ dataDir });
      const starts =
        round % 2 === 0
          ? await Promise.allSettled([start(), start()])
          : [...(await Promise.allSettled([start()])), ...(await Promise.allSettled([start()]))];
      const running = starts.flatMap((start) => (start.status === 'fulfilled' ? [start.value] : []));
      try {
        const refused = starts.flatMap((start) => (start.status === 'rejected' ? [start.reason] : []));
        assert.equal(running.length, 1, `round ${round}: one start runs`);
        assert.match(String(refused[0]), /another local runtime/, `round ${round}: the other is refused`);
      } finally {
        // Whatever an assertion did not expect to start is stopped too.
        await Promise.all(running.map((dynamodb) => dynamodb.stop()));
      }
    }
  });
});
