import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, readlink, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { consoleLine, reportLine, startLine } from '#local/lambda/lambda-log-lines.ts';
import { functionLogDir, openLogStore } from './log-store.ts';
import { runLogsCommand } from './logs-command.ts';
import { readLogEvents } from './read-logs.ts';

async function withDir<T>(body: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sm-logs-'));
  try {
    return await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const STREAM = '2026/11/25/[$LATEST]0123456789abcdef0123456789abcdef';

test('keeps a log group per function and a stream per instance, in the JSON log format', async () => {
  await withDir(async (dir) => {
    const store = openLogStore({ dir });
    store.write('products-get', startLine('r1'), STREAM);
    store.write('products-get', '{"level":"ERROR","message":"request failed"}', STREAM);
    store.write('products-get', 'END RequestId: r1', STREAM);
    store.write(
      'products-create',
      reportLine({ requestId: 'r2', durationMs: 1, memoryMb: 256, maxMemoryUsedMb: 9 }),
      'other',
    );
    await store.close();
    assert.deepEqual((await readdir(dir)).sort(), ['products-create', 'products-get']);
    const files = await readdir(functionLogDir(dir, 'products-get'));
    assert.deepEqual(files, [`${encodeURIComponent(STREAM)}.jsonl`]);
    const events = readLogEvents(dir, { functions: ['products-get'] });
    assert.ok(events.every((e) => e.logStream === STREAM));
    assert.deepEqual(
      events.map((e) => [e.logGroup, e.fields.type ?? e.fields.level]),
      [
        ['/aws/lambda/products-get', 'platform.start'],
        ['/aws/lambda/products-get', 'ERROR'],
      ],
    );
    assert.equal(readLogEvents(dir, { level: 'error' }).length, 1);
    assert.equal(readLogEvents(dir, { contains: 'platform.report' }).length, 1);
    assert.equal(readLogEvents(dir, { since: Date.now() + 60_000 }).length, 0);
  });
});

test('reading again from the same positions gives only what was written since (follow)', async () => {
  await withDir(async (dir) => {
    const store = openLogStore({ dir });
    const positions = new Map<string, number>();
    store.write('products-get', startLine('r1'), STREAM);
    await store.close();
    assert.equal(readLogEvents(dir, {}, positions).length, 1);
    const again = openLogStore({ dir });
    again.write('products-get', startLine('r2'), STREAM);
    await again.close();
    assert.deepEqual(
      readLogEvents(dir, {}, positions).map((e) => (e.fields.record as { requestId: string }).requestId),
      ['r2'],
    );
  });
});

test('retention: streams past the age or beyond the size bound are deleted, the newest kept', async () => {
  await withDir(async (dir) => {
    const group = functionLogDir(dir, 'products-get');
    const first = openLogStore({ dir });
    first.write('products-get', startLine('old'), 'old-stream');
    first.write('products-get', startLine('new'), 'new-stream');
    await first.close();
    const tenDaysAgo = new Date(Date.now() - 10 * 86_400_000);
    await utimes(path.join(group, 'old-stream.jsonl'), tenDaysAgo, tenDaysAgo);
    await writeFile(path.join(group, 'big-stream.jsonl'), 'x'.repeat(2_000));
    const old = new Date(Date.now() - 60_000);
    await utimes(path.join(group, 'big-stream.jsonl'), old, old);
    const second = openLogStore({ dir, retentionDays: 7, maxBytesPerFunction: 1_000 });
    await second.close();
    assert.deepEqual(await readdir(group), ['new-stream.jsonl']);
    assert.match(await readFile(path.join(group, 'new-stream.jsonl'), 'utf8'), /platform\.start/);
  });
});

test('npm run logs prints events by function and level, and runs a saved query', async () => {
  await withDir(async (dataDir) => {
    const store = openLogStore({ dir: path.join(dataDir, 'logs') });
    store.write(
      'products-get',
      reportLine({ requestId: 'r1', durationMs: 5, memoryMb: 256, maxMemoryUsedMb: 9, initDurationMs: 120 }),
      STREAM,
    );
    store.write(
      'products-create',
      '{"level":"ERROR","message":"request failed","error":{"message":"boom"}}',
      STREAM,
    );
    await store.close();
    const run = async (...args: string[]) => {
      const lines: string[] = [];
      assert.equal(await runLogsCommand(['--data-dir', dataDir, ...args], {}, (line) => lines.push(line)), 0);
      return lines;
    };
    const errors = await run('--level', 'error');
    assert.equal(errors.length, 1);
    assert.match(errors[0] ?? '', /products-create {2}\{"level":"ERROR","message":"request failed"/);
    assert.equal((await run('products-get')).length, 1);
    const coldStarts = await run('--query', 'coldStartsByFunction');
    assert.deepEqual(JSON.parse(coldStarts[1] ?? ''), {
      '@log': '/aws/lambda/products-get',
      coldStarts: 1,
      avgInitMs: 120,
      maxInitMs: 120,
    });
    await assert.rejects(run('--query', 'oneRequest'), /needs --request-id/);
    await assert.rejects(run('--since', 'yesterday'), /--since takes an age/);
  });
});

test("keeps a Text function's lines as Lambda writes them, and npm run logs filters them by their level column", async () => {
  await withDir(async (dataDir) => {
    const dir = path.join(dataDir, 'logs');
    const store = openLogStore({
      dir,
      logFormatOf: (functionName) => (functionName === 'notes-get' ? 'Text' : 'JSON'),
    });
    const at = new Date('2026-11-25T10:00:00.000Z');
    const lines = [
      startLine('r1'),
      consoleLine('DEBUG', 'r1', 'cache miss', at),
      consoleLine('ERROR', 'r1', 'two\nlines', at),
      'END RequestId: r1',
      reportLine({ requestId: 'r1', durationMs: 1, memoryMb: 256, maxMemoryUsedMb: 9 }),
    ];
    for (const line of lines) store.write('notes-get', line, STREAM);
    store.write('products-get', startLine('r2'), STREAM);
    await store.close();
    const kept = readLogEvents(dir, { functions: ['notes-get'] });
    assert.deepEqual(
      kept.map((event) => event.message),
      lines,
      'every line as written, END included',
    );
    assert.deepEqual(kept[2]?.fields, {
      timestamp: '2026-11-25T10:00:00.000Z',
      requestId: 'r1',
      level: 'ERROR',
      message: 'two\nlines',
    });
    assert.equal(readLogEvents(dir, { functions: ['products-get'] })[0]?.fields.type, 'platform.start');
    const printed: string[] = [];
    const run = ['--data-dir', dataDir, 'notes-get', '--level', 'warn'];
    assert.equal(await runLogsCommand(run, {}, (line) => printed.push(line)), 0);
    assert.equal(printed.length, 1);
    assert.match(printed[0] ?? '', /notes-get {2}2026-11-25T10:00:00\.000Z\tr1\tERROR\ttwo\rlines$/);
  });
});

/** Descriptors of this process open on files under `dir` (Linux's /proc/self/fd); null elsewhere. */
async function descriptorsUnder(dir: string): Promise<number | null> {
  let fds: string[];
  try {
    fds = await readdir('/proc/self/fd');
  } catch {
    return null;
  }
  let count = 0;
  for (const fd of fds) {
    const target = await readlink(`/proc/self/fd/${fd}`).catch(() => '');
    if (target.startsWith(`${dir}${path.sep}`)) count++;
  }
  return count;
}

test('holds one open file per live stream, however many instance generations came and went', async () => {
  await withDir(async (dir) => {
    const store = openLogStore({ dir });
    try {
      store.write('products-get', startLine('live'), 'live-stream');
      const generations = 150;
      for (let i = 0; i < generations; i++) {
        const stream = `2026/11/25/[$LATEST]generation-${i}`;
        store.write('products-get', startLine(`r${i}`), stream);
        store.write('products-get', 'END RequestId: r', stream);
        store.end('products-get', stream);
      }
      await store.settled();
      assert.equal(store.openFiles(), 1, 'the live stream only');
      const open = await descriptorsUnder(dir);
      if (process.platform === 'linux') assert.equal(open, 1, 'descriptors open in the logs folder');
      // Every generation's lines reached its file before it closed; the live one is still written.
      const streams = await readdir(functionLogDir(dir, 'products-get'));
      assert.equal(streams.length, generations + 1);
      store.write('products-get', startLine('after'), 'live-stream');
      // A line after the end of a stream opens its file again rather than losing the line.
      store.write('products-get', startLine('late'), '2026/11/25/[$LATEST]generation-0');
      assert.equal(store.openFiles(), 2);
    } finally {
      await store.close();
    }
    assert.equal(store.openFiles(), 0);
    assert.equal(readLogEvents(dir, {}).length, 1 + 150 + 2);
  });
});

test('never prunes a stream still being written, however old or large, and prunes ended ones', async () => {
  await withDir(async (dir) => {
    const group = functionLogDir(dir, 'products-get');
    const store = openLogStore({ dir, maxBytesPerFunction: 2_000 });
    try {
      store.write('products-get', startLine('first'), 'still-written');
      store.write('products-get', startLine('ended'), 'ended');
      store.end('products-get', 'ended');
      store.write('products-get', startLine('recent'), 'recent');
      store.end('products-get', 'recent');
      await store.settled();
      // Both look ten days old: only the ended one may go (`recent` is the newest on disk).
      const tenDaysAgo = new Date(Date.now() - 10 * 86_400_000);
      await utimes(path.join(group, 'still-written.jsonl'), tenDaysAgo, tenDaysAgo);
      await utimes(path.join(group, 'ended.jsonl'), tenDaysAgo, tenDaysAgo);
      // A newer stream, written past a tenth of the bound, makes the store prune as it writes.
      for (let i = 0; i < 10; i++) store.write('products-get', `{"message":"${'x'.repeat(100)}"}`, 'newest');
      const left = await readdir(group);
      assert.ok(!left.includes('ended.jsonl'), 'the ended stream is pruned');
      assert.ok(left.includes('still-written.jsonl'), 'the stream still written is kept');
      store.write('products-get', startLine('second'), 'still-written');
    } finally {
      await store.close();
    }
    const kept = readLogEvents(dir, {}).filter((e) => e.logStream === 'still-written');
    assert.deepEqual(
      kept.map((e) => (e.fields.record as { requestId: string }).requestId),
      ['first', 'second'],
    );
  });
});
