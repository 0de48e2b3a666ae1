import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { reportLine, startLine } from './lambda/lambda-log-lines.ts';
import { compactLine, type LogView, terminalLogSink } from './terminal-log-sink.ts';

const id = '3f0c1e4a-5b6d-4e7f-8a9b-0c1d2e3f4a5b';
const completed = JSON.stringify({
  level: 'INFO',
  message: 'request completed',
  method: 'POST',
  route: '/products',
  status: 201,
  durationMs: 12.34,
  cold_start: true,
});
const invocation = [
  startLine(id),
  `2026-11-25T10:00:00.000Z\t${id}\tINFO\tchecking stock`,
  '{"level":"WARN","message":"stock is low"}',
  completed,
  `END RequestId: ${id}`,
  reportLine({ requestId: id, durationMs: 13, memoryMb: 256, maxMemoryUsedMb: 60, initDurationMs: 181.6 }),
];

async function shown(view: LogView): Promise<string[]> {
  const out = new PassThrough();
  let text = '';
  out.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  const sink = terminalLogSink(out, view);
  for (const line of invocation) sink.write('products-create', line);
  await nextTurn();
  return text.trimEnd().split('\n');
}

test('the compact view shows one line per request, the warnings, and a cold start', async () => {
  assert.deepEqual(await shown('compact'), [
    'products-create │ {"level":"WARN","message":"stock is low"}',
    'products-create │ POST /products → 201 12.3 ms (cold)',
    'products-create │ cold start: init 182 ms',
  ]);
});

test('the full view shows every line as Lambda writes it', async () => {
  assert.deepEqual(
    await shown('full'),
    invocation.map((line) => `products-create │ ${line}`),
  );
});

test('errors, timeouts and crashes are never left out of the compact view', () => {
  for (const line of [
    `2026-11-25T10:00:00.000Z\t${id}\tERROR\tInvoke Error \t{"errorType":"RangeError"}`,
    `2026-11-25T10:00:00.000Z ${id} Task timed out after 3.00 seconds`,
    `RequestId: ${id} Error: Runtime exited with error: exit status 1`,
    '{"level":"ERROR","message":"request failed"}',
  ]) {
    assert.equal(compactLine(line), line);
  }
  assert.equal(
    compactLine(reportLine({ requestId: id, durationMs: 2, memoryMb: 256, maxMemoryUsedMb: 60 })),
    null,
  );
});
