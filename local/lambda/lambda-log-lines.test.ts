import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  consoleLine,
  endLine,
  initReportLine,
  reportLine,
  runtimeExitLines,
  startLine,
  timedOutMessage,
} from './lambda-log-lines.ts';

const ID = '8f5a1c3e-2b7d-4e9f-a1c2-3d4e5f6a7b8c';

describe('lambda log lines', () => {
  it('frames an invocation with START and END as Lambda prints them', () => {
    assert.equal(startLine(ID), `START RequestId: ${ID} Version: $LATEST`);
    assert.equal(endLine(ID), `END RequestId: ${ID}`);
  });

  it('prints a warm REPORT tab-separated, billing whole milliseconds rounded up', () => {
    assert.equal(
      reportLine({ requestId: ID, durationMs: 12.341, memoryMb: 256, maxMemoryUsedMb: 45 }),
      `REPORT RequestId: ${ID}\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: 256 MB\tMax Memory Used: 45 MB`,
    );
  });

  it('adds Init Duration to the REPORT of a cold start', () => {
    const line = reportLine({
      requestId: ID,
      durationMs: 3,
      memoryMb: 128,
      maxMemoryUsedMb: 20,
      initDurationMs: 153.987,
    });
    assert.equal(
      line,
      `REPORT RequestId: ${ID}\tDuration: 3.00 ms\tBilled Duration: 3 ms\tMemory Size: 128 MB\tMax Memory Used: 20 MB\tInit Duration: 153.99 ms`,
    );
  });

  it('ends the REPORT of a timed-out invocation with its status, and of a dead instance with the error type', () => {
    const fields = { requestId: ID, durationMs: 3000, memoryMb: 128, maxMemoryUsedMb: 30 };
    assert.match(reportLine({ ...fields, status: 'timeout' }), /\tMax Memory Used: 30 MB\tStatus: timeout$/);
    assert.match(
      reportLine({ ...fields, initDurationMs: 100, status: 'error', errorType: 'Runtime.OutOfMemory' }),
      /\tInit Duration: 100\.00 ms\tStatus: error\tError Type: Runtime\.OutOfMemory$/,
    );
  });

  it('reports a failed init with INIT_REPORT, its phase, status and error type', () => {
    assert.equal(
      initReportLine({ durationMs: 150.789, status: 'error', errorType: 'Runtime.UserCodeSyntaxError' }),
      'INIT_REPORT Init Duration: 150.79 ms\tPhase: init\tStatus: error\tError Type: Runtime.UserCodeSyntaxError',
    );
    assert.equal(
      initReportLine({ durationMs: 10000.4, status: 'timeout', errorType: 'Runtime.InitTimeout' }),
      'INIT_REPORT Init Duration: 10000.40 ms\tPhase: init\tStatus: timeout',
    );
  });

  it('bills at least one millisecond', () => {
    assert.match(
      reportLine({ requestId: ID, durationMs: 0.04, memoryMb: 128, maxMemoryUsedMb: 1 }),
      /\tBilled Duration: 1 ms\t/,
    );
  });

  it('words a timeout as Lambda does', () => {
    const at = new Date('2024-05-01T10:00:03.012Z');
    assert.equal(
      timedOutMessage(ID, 3004.4, at),
      `2024-05-01T10:00:03.012Z ${ID} Task timed out after 3.00 seconds`,
    );
  });

  it('prefixes console output with time, request id and level, keeping one call on one line', () => {
    const at = new Date('2024-05-01T10:00:00.000Z');
    assert.equal(
      consoleLine('INFO', ID, 'two\nlines', at),
      `2024-05-01T10:00:00.000Z\t${ID}\tINFO\ttwo\rlines`,
    );
    assert.equal(
      consoleLine('WARN', undefined, 'at init', at),
      '2024-05-01T10:00:00.000Z\tundefined\tWARN\tat init',
    );
  });

  it('names the reason and the error type after a runtime exit', () => {
    assert.deepEqual(runtimeExitLines(ID, 'exit status 1', 'Runtime.ExitError'), [
      `RequestId: ${ID} Error: Runtime exited with error: exit status 1`,
      'Runtime.ExitError',
    ]);
  });
});
