// Tests every embedded engine must pass, shared by dynalite-engine.test.ts and
// dynamodb-local-engine.test.ts, with the helpers those tests have in common.
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { LOCAL_REGION } from '#local/local-account.ts';
import { ensureStackTables } from '#local/stack/ensure-tables.ts';
import { loadServices } from '#src/declaration/load-services.ts';
import { shippedStackTables } from '../../../test/support/shipped-stack.ts';
import { startDynamoDb } from '../launcher/start-dynamodb.ts';
import type { RunningDynamoDb } from './engine.ts';

/** A cold JVM on a busy 2-core machine is slow; this bounds a hang, it does not measure anything. */
export const ENGINE_TEST_TIMEOUT_MS = 180_000;

/** A client as the local runtime makes them: fixed region, dummy credentials. */
export function localClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: LOCAL_REGION,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
}

/**
 * Asserts that a start is refused with the expected error. A start that runs after all is stopped
 * before the test fails, so an unexpected engine never outlives its test.
 */
export async function assertStartRefused(
  start: Promise<{ stop(): Promise<void> }>,
  expected: RegExp | ((error: Error) => boolean),
): Promise<void> {
  const refusal = await start.then(
    async (running) => {
      await running.stop();
      return null;
    },
    (error: unknown) => ({ error }),
  );
  if (!refusal) assert.fail('the start was expected to be refused, but it ran (it has been stopped)');
  await assert.rejects(Promise.reject(refusal.error), expected);
}

export async function withTempDir<T>(body: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'local-dynamodb-'));
  try {
    return await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export interface FakeJavaOptions {
  /** Puts an executable `javac` beside it, as a JDK has. */
  readonly javac?: boolean;
  /** Appends the arguments of every run to this file, one run a line. */
  readonly log?: string;
}

/**
 * A stand-in `java` that reports `version` the way the real one does (on stderr), and lists
 * nothing else.
 */
export async function fakeJava(
  binDir: string,
  version: string,
  { javac = false, log }: FakeJavaOptions = {},
): Promise<string> {
  await mkdir(binDir, { recursive: true });
  const file = path.join(binDir, 'java');
  await writeFile(
    file,
    [
      '#!/bin/sh',
      log ? `echo "$*" >> '${log}'` : '',
      `echo 'openjdk version "${version}" 2024-01-16' >&2`,
      '',
    ].join('\n'),
  );
  await chmod(file, 0o755);
  if (javac) {
    await writeFile(path.join(binDir, 'javac'), '#!/bin/sh\nexit 1\n');
    await chmod(path.join(binDir, 'javac'), 0o755);
  }
  return file;
}

async function productsTableName(): Promise<string> {
  const products = (await loadServices()).find(({ service }) => service.name === 'products');
  assert.ok(products, 'the products service is shipped');
  return products.service.table.name;
}

/** Local addresses with a listening TCP socket on `port`, read from Linux's /proc (no traffic sent). */
export async function listeningAddresses(port: number): Promise<string[]> {
  const addresses: string[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const rows = (await readFile(file, 'utf8')).trim().split('\n').slice(1);
    for (const row of rows) {
      const [, local, , state] = row.trim().split(/\s+/);
      const [hexAddress = '', hexPort = ''] = local?.split(':') ?? [];
      if (state !== '0A' || Number.parseInt(hexPort, 16) !== port) continue; // 0A = LISTEN
      addresses.push(hexAddress.length === 8 ? ipv4FromProc(hexAddress) : `ipv6 ${hexAddress}`);
    }
  }
  return addresses;
}

/** /proc prints IPv4 addresses as little-endian hex: 0100007F is 127.0.0.1. */
function ipv4FromProc(hex: string): string {
  return [6, 4, 2, 0].map((at) => Number.parseInt(hex.slice(at, at + 2), 16)).join('.');
}

const ITEM = { id: { S: 'kept-across-restarts' }, name: { S: 'Teapot' }, price: { N: '12.5' } };

async function putItem(dynamodb: RunningDynamoDb, tableName: string): Promise<void> {
  const client = localClient(dynamodb.endpoint);
  try {
    await ensureStackTables(client, await shippedStackTables());
    await client.send(new PutItemCommand({ TableName: tableName, Item: ITEM }));
  } finally {
    client.destroy();
  }
}

async function readItem(dynamodb: RunningDynamoDb, tableName: string) {
  const client = localClient(dynamodb.endpoint);
  try {
    const tables = await ensureStackTables(client, await shippedStackTables());
    const { Item } = await client.send(new GetItemCommand({ TableName: tableName, Key: { id: ITEM.id } }));
    return { tables, item: Item };
  } finally {
    client.destroy();
  }
}

/** Registers the behaviour every embedded engine shares. */
export function engineContractTests(engine: 'dynalite' | 'dynamodb-local'): void {
  const options = { timeout: ENGINE_TEST_TIMEOUT_MS };

  test(`${engine} keeps tables and items across a restart on the same data folder`, options, async () => {
    await withTempDir(async (dataDir) => {
      const tableName = await productsTableName();
      const first = await startDynamoDb({ engine, dataDir, inMemory: false });
      try {
        assert.equal(first.engine, engine);
        assert.equal(first.dataDir, path.join(dataDir, engine));
        await putItem(first, tableName);
      } finally {
        await first.stop();
      }
      const second = await startDynamoDb({ engine, dataDir, inMemory: false });
      try {
        const { tables, item } = await readItem(second, tableName);
        assert.deepEqual(item, ITEM);
        assert.ok(
          tables.every((table) => !table.created),
          'tables from the first run are reused',
        );
      } finally {
        await second.stop();
      }
    });
  });

  test(
    `${engine} in memory starts empty every time and writes nothing to the data folder`,
    options,
    async () => {
      await withTempDir(async (dataDir) => {
        const first = await startDynamoDb({ engine, dataDir, inMemory: true });
        try {
          assert.equal(first.dataDir, null);
          await putItem(first, await productsTableName());
        } finally {
          await first.stop();
        }
        const second = await startDynamoDb({ engine, dataDir, inMemory: true });
        try {
          const { tables, item } = await readItem(second, await productsTableName());
          assert.equal(item, undefined);
          assert.ok(
            tables.every((table) => table.created),
            'every table is created again',
          );
        } finally {
          await second.stop();
        }
        assert.deepEqual(await readdir(dataDir), []);
      });
    },
  );

  test(`${engine} refuses a data folder another start holds, at once or right after`, options, async () => {
    await withTempDir(async (dataDir) => {
      for (const together of [true, false]) {
        const start = () => startDynamoDb({ engine, dataDir, inMemory: false });
        const starts = together
          ? await Promise.allSettled([start(), start()])
          : [...(await Promise.allSettled([start()])), ...(await Promise.allSettled([start()]))];
        const running = starts.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
        try {
          const refused = starts.flatMap((s) => (s.status === 'rejected' ? [String(s.reason)] : []));
          assert.equal(running.length, 1, 'one start runs');
          assert.match(refused[0] ?? '', /is another local runtime using it\?/);
        } finally {
          // Whatever an assertion did not expect to start is stopped too.
          await Promise.all(running.map((dynamodb) => dynamodb.stop()));
        }
      }
    });
  });

  test(`${engine} listens on 127.0.0.1 only`, options, async () => {
    const dynamodb = await startDynamoDb({ engine, dataDir: os.tmpdir(), inMemory: true });
    try {
      const url = new URL(dynamodb.endpoint);
      assert.equal(url.hostname, '127.0.0.1');
      assert.deepEqual(await listeningAddresses(Number(url.port)), ['127.0.0.1']);
    } finally {
      await dynamodb.stop();
    }
  });
}
