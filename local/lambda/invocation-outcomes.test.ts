import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  crashEnding,
  MAX_PAYLOAD_BYTES,
  replyOutcome,
  runtimeExit,
  timedOutEnding,
} from './invocation-outcomes.ts';

const ID = '8f5a1c3e-2b7d-4e9f-a1c2-3d4e5f6a7b8c';
const report = { requestId: ID, durationMs: 1000.5, memoryMb: 128, maxMemoryUsedMb: 30 };

describe('invocation outcomes', () => {
  it('parses a result the handler returned', () => {
    const reply = {
      type: 'result',
      requestId: ID,
      json: '{"statusCode":200}',
      durationMs: 1,
      maxMemoryUsedMb: 1,
      tmpBytes: 0,
    } as const;
    assert.deepEqual(replyOutcome(reply), { kind: 'result', value: { statusCode: 200 } });
  });

  it('refuses a result of more than 6 MB and accepts one of exactly 6 MB', () => {
    const json = (bytes: number) => JSON.stringify('x'.repeat(bytes - 2));
    const reply = (bytes: number) =>
      ({
        type: 'result',
        requestId: ID,
        json: json(bytes),
        durationMs: 1,
        maxMemoryUsedMb: 1,
        tmpBytes: 0,
      }) as const;
    assert.equal(replyOutcome(reply(MAX_PAYLOAD_BYTES)).kind, 'result');
    assert.deepEqual(replyOutcome(reply(MAX_PAYLOAD_BYTES + 1)), {
      kind: 'payload-too-large',
      direction: 'response',
    });
  });

  it('ends a timed-out invocation with END, REPORT and the timeout line, in that order', () => {
    const { lines, outcome } = timedOutEnding(report);
    assert.equal(lines[0], `END RequestId: ${ID}`);
    assert.match(lines[1] ?? '', /^REPORT RequestId: \S+\tDuration: 1000\.50 ms\tBilled Duration: 1001 ms\t/);
    assert.match(lines[1] ?? '', /\tStatus: timeout$/);
    assert.match(lines[2] ?? '', new RegExp(`Z ${ID} Task timed out after 1\\.00 seconds$`));
    assert.deepEqual(outcome, { kind: 'error', errorType: 'Sandbox.Timedout', errorMessage: lines[2] });
  });

  it('answers with the error that escaped the handler when the runtime reported one before exiting', () => {
    const escaped = { errorType: 'TypeError', errorMessage: 'x is not a function' };
    const { lines, outcome } = crashEnding(report, runtimeExit(129, false), escaped);
    assert.deepEqual(outcome, { kind: 'error', ...escaped });
    assert.match(lines[1] ?? '', /\tStatus: error\tError Type: Runtime\.ExitError$/);
    assert.deepEqual(lines.slice(-2), [
      `RequestId: ${ID} Error: Runtime exited with error: exit status 129`,
      'Runtime.ExitError',
    ]);
  });

  it('answers Runtime.ExitError for an exit without a reported error, and Runtime.OutOfMemory for a kill', () => {
    assert.deepEqual(crashEnding(report, runtimeExit(1, false), undefined).outcome, {
      kind: 'error',
      errorType: 'Runtime.ExitError',
      errorMessage: `RequestId: ${ID} Error: Runtime exited with error: exit status 1`,
    });
    const escaped = { errorType: 'Error', errorMessage: 'reported while dying' };
    const killed = crashEnding(report, runtimeExit(1, true), escaped);
    assert.match(killed.lines[1] ?? '', /\tStatus: error\tError Type: Runtime\.OutOfMemory$/);
    assert.deepEqual(killed.outcome, {
      kind: 'error',
      errorType: 'Runtime.OutOfMemory',
      errorMessage: `RequestId: ${ID} Error: Runtime exited with error: signal: killed`,
    });
  });
});
