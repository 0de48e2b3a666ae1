import assert from 'node:assert/strict';
import { test } from 'node:test';
import { initReportLine, reportLine, startLine } from '#local/lambda/lambda-log-lines.ts';
import { toJsonLogLine } from './json-log-format.ts';

const at = new Date('2026-11-25T10:00:00.000Z');
const id = '3f0c1e4a-5b6d-4e7f-8a9b-0c1d2e3f4a5b';
const json = (line: string) => JSON.parse(toJsonLogLine(line, at) ?? 'null') as unknown;

test('START and REPORT become platform.start and platform.report records', () => {
  assert.deepEqual(json(startLine(id)), {
    time: '2026-11-25T10:00:00.000Z',
    type: 'platform.start',
    record: { requestId: id, version: '$LATEST' },
  });
  const report = reportLine({
    requestId: id,
    durationMs: 12.345,
    memoryMb: 256,
    maxMemoryUsedMb: 61,
    initDurationMs: 180.5,
  });
  assert.deepEqual(json(report), {
    time: '2026-11-25T10:00:00.000Z',
    type: 'platform.report',
    record: {
      requestId: id,
      metrics: {
        durationMs: 12.35,
        billedDurationMs: 13,
        memorySizeMB: 256,
        maxMemoryUsedMB: 61,
        initDurationMs: 180.5,
      },
      status: 'success',
    },
  });
});

test("REPORT's status and error type stay in platform.report", () => {
  const fields = { requestId: id, durationMs: 3000, memoryMb: 128, maxMemoryUsedMb: 128 };
  const killed = json(reportLine({ ...fields, status: 'error', errorType: 'Runtime.OutOfMemory' })) as {
    record: Record<string, unknown>;
  };
  assert.equal(killed.record.status, 'error');
  assert.equal(killed.record.errorType, 'Runtime.OutOfMemory');
  const timedOut = json(reportLine({ ...fields, status: 'timeout' })) as { record: Record<string, unknown> };
  assert.equal(timedOut.record.status, 'timeout');
  assert.equal('errorType' in timedOut.record, false);
  assert.deepEqual(timedOut.record.metrics, {
    durationMs: 3000,
    billedDurationMs: 3000,
    memorySizeMB: 128,
    maxMemoryUsedMB: 128,
  });
});

test('INIT_REPORT becomes a platform.initReport record', () => {
  assert.deepEqual(
    json(initReportLine({ durationMs: 150.789, status: 'error', errorType: 'Runtime.ImportModuleError' })),
    {
      time: '2026-11-25T10:00:00.000Z',
      type: 'platform.initReport',
      record: {
        initializationType: 'on-demand',
        phase: 'init',
        status: 'error',
        errorType: 'Runtime.ImportModuleError',
        metrics: { durationMs: 150.79 },
      },
    },
  );
  assert.deepEqual(json(initReportLine({ durationMs: 10000, status: 'timeout' })), {
    time: '2026-11-25T10:00:00.000Z',
    type: 'platform.initReport',
    record: {
      initializationType: 'on-demand',
      phase: 'init',
      status: 'timeout',
      metrics: { durationMs: 10000 },
    },
  });
});

test('END has no line of its own in the JSON format', () => {
  assert.equal(toJsonLogLine(`END RequestId: ${id}`, at), null);
});

test('console lines carry timestamp, level, request id and message; an error is spread into them', () => {
  assert.deepEqual(json(`2026-11-25T09:59:59.123Z\t${id}\tWARN\tlow stock\rsecond line`), {
    timestamp: '2026-11-25T09:59:59.123Z',
    level: 'WARN',
    requestId: id,
    message: 'low stock\nsecond line',
  });
  const invokeError = `2026-11-25T09:59:59.123Z\t${id}\tERROR\tInvoke Error \t{"errorType":"RangeError","errorMessage":"bad","stack":["RangeError: bad"]}`;
  assert.deepEqual(json(invokeError), {
    timestamp: '2026-11-25T09:59:59.123Z',
    level: 'ERROR',
    requestId: id,
    message: 'Invoke Error',
    errorType: 'RangeError',
    errorMessage: 'bad',
    stack: ['RangeError: bad'],
  });
});

test("the function's own JSON lines (Powertools, metrics) are kept as they are", () => {
  const line = '{"level":"INFO","message":"request completed","_aws":{"Timestamp":1}}';
  assert.equal(toJsonLogLine(line, at), line);
});

test('a timeout message is an ERROR line of its request; any other text an INFO line', () => {
  assert.deepEqual(json(`2026-11-25T09:59:59.123Z ${id} Task timed out after 3.00 seconds`), {
    timestamp: '2026-11-25T09:59:59.123Z',
    level: 'ERROR',
    requestId: id,
    message: 'Task timed out after 3.00 seconds',
  });
  assert.deepEqual(json('Runtime.ExitError'), {
    timestamp: at.toISOString(),
    level: 'INFO',
    message: 'Runtime.ExitError',
  });
});
