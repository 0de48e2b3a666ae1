import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, realpathSync } from 'node:fs';
import { chmod, mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ensureStackTables } from '#local/stack/ensure-tables.ts';
import { shippedStackTables } from '../../../test/support/shipped-stack.ts';
import { locateDynamoDbLocalJar } from '../engines/dynamodb-local-jar.ts';
import {
  assertStartRefused,
  ENGINE_TEST_TIMEOUT_MS,
  localClient,
  withTempDir,
} from '../engines/engine-test-suite.ts';
import { findJava } from '../engines/find-java.ts';
import { startDynamoDb } from './start-dynamodb.ts';

const java = await findJava();

/** The release the shipped jar announces in its README, e.g. `2026-01-16 (3.3.0)`. */
function dynamoDbLocalVersion(): string | undefined {
  const readme = readFileSync(path.join(path.dirname(locateDynamoDbLocalJar().jar), 'README.txt'), 'utf8');
  return /^\d{4}-\d{2}-\d{2} \((\d+\.\d+\.\d+)\)/m.exec(readme)?.[1];
}

test('auto runs dynalite when no Java is found', async () => {
  await withTempDir(async (dir) => {
    const dynamodb = await startDynamoDb({
      engine: 'auto',
      dataDir: dir,
      inMemory: true,
      env: { PATH: dir },
    });
    try {
      assert.equal(dynamodb.engine, 'dynalite');
      assert.equal(dynamodb.reason, 'auto: no Java 17+ found (JAVA_HOME, PATH), so dynalite');
    } finally {
      await dynamodb.stop();
    }
  });
});

test('auto runs DynamoDB Local when Java 17+ is found, dynalite otherwise', {
  timeout: ENGINE_TEST_TIMEOUT_MS,
}, async () => {
  await withTempDir(async (dir) => {
    const dynamodb = await startDynamoDb({ engine: 'auto', dataDir: dir, inMemory: true });
    try {
      if (java) {
        assert.equal(dynamodb.engine, 'dynamodb-local');
        assert.equal(dynamodb.detail, `DynamoDB Local ${dynamoDbLocalVersion()} (Java ${java.version})`);
      } else {
        assert.equal(dynamodb.engine, 'dynalite');
      }
    } finally {
      await dynamodb.stop();
    }
  });
});

test('dynamodb-local without Java fails and says how to fix it', async () => {
  await withTempDir(async (dir) => {
    await assertStartRefused(
      startDynamoDb({ engine: 'dynamodb-local', dataDir: dir, inMemory: true, env: { PATH: dir } }),
      /needs Java 17 or newer.*Install Java 17\+ \(a JRE is enough, e\.g\. Debian's openjdk-17-jre-headless\) or use --engine dynalite/,
    );
  });
});

/** The real java behind a wrapper in a folder of its own, so no javac is found beside it, as with a JRE. */
async function javaWithoutJavac(dir: string, real: string): Promise<string> {
  const bin = path.join(dir, 'jre', 'bin');
  await mkdir(bin, { recursive: true });
  await writeFile(path.join(bin, 'java'), `#!/bin/sh\nexec '${real}' "$@"\n`);
  await chmod(path.join(bin, 'java'), 0o755);
  return bin;
}

test('auto runs DynamoDB Local with a Java runtime that has no javac, and says so', {
  timeout: ENGINE_TEST_TIMEOUT_MS,
  skip: java ? false : 'needs Java 17+',
}, async () => {
  await withTempDir(async (dir) => {
    const command = java?.command ?? 'java';
    const real = realpathSync(
      command === 'java' ? execFileSync('which', ['java'], { encoding: 'utf8' }).trim() : command,
    );
    const bin = await javaWithoutJavac(dir, real);
    const dynamodb = await startDynamoDb({
      engine: 'auto',
      dataDir: dir,
      inMemory: true,
      env: { PATH: bin },
    });
    try {
      assert.equal(dynamodb.engine, 'dynamodb-local');
      assert.equal(
        dynamodb.reason,
        `auto: Java ${java?.version} at java runs DynamoDB Local (a JRE without javac: the launcher is prebuilt)`,
      );
      const client = localClient(dynamodb.endpoint);
      try {
        await client.send(new ListTablesCommand({}));
      } finally {
        client.destroy();
      }
    } finally {
      await dynamodb.stop();
    }
  });
});

test('the data folder is created if missing, with one sub-folder per engine', async () => {
  await withTempDir(async (dir) => {
    const dataDir = path.join(dir, 'not', 'there', 'yet');
    const dynamodb = await startDynamoDb({ engine: 'dynalite', dataDir, inMemory: false });
    assert.equal(dynamodb.reason, '--engine dynalite');
    try {
      assert.equal(dynamodb.dataDir, path.join(dataDir, 'dynalite'));
      assert.ok((await stat(path.join(dataDir, 'dynalite'))).isDirectory());
    } finally {
      await dynamodb.stop();
    }
  });
});

test('external uses the given endpoint, starts nothing and leaves it running on stop', async () => {
  const shared = await startDynamoDb({ engine: 'dynalite', dataDir: '', inMemory: true });
  try {
    const external = await startDynamoDb({
      engine: 'external',
      dataDir: 'unused',
      inMemory: false,
      endpoint: `${shared.endpoint}/`,
    });
    const client = localClient(external.endpoint);
    try {
      assert.deepEqual(
        { engine: external.engine, endpoint: external.endpoint, dataDir: external.dataDir },
        { engine: 'external', endpoint: shared.endpoint, dataDir: null },
      );
      await ensureStackTables(client, await shippedStackTables());
      await external.stop();
      const { TableNames = [] } = await client.send(new ListTablesCommand({}));
      assert.equal(TableNames.length, (await shippedStackTables()).length);
    } finally {
      client.destroy();
    }
  } finally {
    await shared.stop();
  }
});

test('an endpoint with auto means external', async () => {
  const dynamodb = await startDynamoDb({
    engine: 'auto',
    dataDir: 'unused',
    inMemory: false,
    endpoint: 'http://127.0.0.1:8000',
  });
  try {
    assert.equal(dynamodb.engine, 'external');
    assert.equal(dynamodb.endpoint, 'http://127.0.0.1:8000');
  } finally {
    await dynamodb.stop();
  }
});

test('endpoints that are missing, not http(s) or given to an embedded engine are refused', async () => {
  const base = { dataDir: 'unused', inMemory: false } as const;
  await assertStartRefused(startDynamoDb({ ...base, engine: 'external' }), /needs an endpoint URL/);
  await assertStartRefused(
    startDynamoDb({ ...base, engine: 'external', endpoint: 'localhost:8000' }),
    /must use http or https/,
  );
  await assertStartRefused(
    startDynamoDb({ ...base, engine: 'external', endpoint: 'not a url' }),
    /is not a URL/,
  );
  await assertStartRefused(
    startDynamoDb({ ...base, engine: 'external', endpoint: 'http://127.0.0.1:8000/some/path' }),
    /base URL only/,
  );
  await assertStartRefused(
    startDynamoDb({ ...base, engine: 'dynalite', endpoint: 'http://127.0.0.1:8000' }),
    /only used by the external engine/,
  );
});
