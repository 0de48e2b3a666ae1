import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bootstrapSource } from './compile-bootstrap.ts';
import { FunctionPool } from './function-pool.ts';
import { startLambdaService } from './start-lambda-service.ts';
import { handlerFile, recordingSink, testEvent, testFunction } from './test-handlers/test-kit.ts';

async function waitFor(what: string, check: () => boolean, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) assert.fail(`${what} did not happen within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const instanceOf = (outcome: { kind: string; value?: unknown }) =>
  (outcome.value as { instanceId: string }).instanceId;

describe('instance lifecycle', () => {
  it('stops instances left idle for idleTimeoutMs; the next invocation is a cold start', async () => {
    const lambda = startLambdaService({
      functions: [testFunction('whoami', 'whoami')],
      logSink: recordingSink(),
      idleTimeoutMs: 200,
    });
    try {
      const first = await lambda.invoke('whoami', testEvent());
      assert.equal(lambda.stats().whoami?.instances, 1);
      await waitFor('the idle instance stopping', () => lambda.stats().whoami?.instances === 0);
      const second = await lambda.invoke('whoami', testEvent());
      assert.notEqual(instanceOf(second), instanceOf(first));
      assert.equal(lambda.stats().whoami?.coldStarts, 2);
    } finally {
      await lambda.close();
    }
  });

  it('keeps one warm instance for idleTimeoutMs, and stops the extra ones a burst started after scaleInMs', async () => {
    const lambda = startLambdaService({
      functions: [testFunction('whoami', 'whoami')],
      logSink: recordingSink(),
      idleTimeoutMs: 60_000,
      scaleInMs: 200,
    });
    try {
      // Two at once: the second finds the first busy and starts a second instance.
      const burst = await Promise.all([
        lambda.invoke('whoami', testEvent({ waitMs: 300 })),
        lambda.invoke('whoami', testEvent({ waitMs: 300 })),
      ]);
      assert.notEqual(instanceOf(burst[0]), instanceOf(burst[1]));
      assert.equal(lambda.stats().whoami?.instances, 2);
      await waitFor('the extra instance stopping', () => lambda.stats().whoami?.instances === 1);
      // Well past scaleInMs, the one left stays warm.
      await new Promise((resolve) => setTimeout(resolve, 600));
      assert.equal(lambda.stats().whoami?.instances, 1);
      const next = await lambda.invoke('whoami', testEvent());
      assert.ok(burst.map(instanceOf).includes(instanceOf(next)), 'served by a warm instance');
      assert.equal(lambda.stats().whoami?.coldStarts, 2);
    } finally {
      await lambda.close();
    }
  });

  it('keeps a busy instance until its invocation ends, and one used again in time', async () => {
    const lambda = startLambdaService({
      functions: [testFunction('whoami', 'whoami')],
      logSink: recordingSink(),
      idleTimeoutMs: 400,
    });
    try {
      const busy = await lambda.invoke('whoami', testEvent({ waitMs: 800 }));
      const again = await lambda.invoke('whoami', testEvent());
      assert.equal(instanceOf(again), instanceOf(busy));
    } finally {
      await lambda.close();
    }
  });

  it('runs new code in new instances after update, letting the old one finish its invocation', async () => {
    const sink = recordingSink();
    const spec = testFunction('swap', 'whoami');
    const lambda = startLambdaService({ functions: [spec], logSink: sink, idleTimeoutMs: 60_000 });
    try {
      const old = await lambda.invoke('swap', testEvent());
      const running = lambda.invoke('swap', testEvent({ waitMs: 300 }));
      lambda.update([{ ...spec, bundleFile: handlerFile('environment') }]);
      const finished = await running;
      assert.equal(finished.kind, 'result');
      assert.equal(instanceOf(finished), instanceOf(old), 'the old instance finished its invocation');
      const swapped = await lambda.invoke('swap', testEvent());
      assert.equal(swapped.kind, 'result');
      assert.ok('env' in (swapped.kind === 'result' ? (swapped.value as object) : {}), 'the new code ran');
      await waitFor('the old instance retiring', () => lambda.stats().swap?.instances === 1);
      assert.equal(lambda.stats().swap?.coldStarts, 2);
    } finally {
      await lambda.close();
    }
  });

  it('answers an invocation whose instance cannot be started with a ServiceException, and keeps serving', async () => {
    // No local engine or handler can make a worker fail to start; a temp folder root that does
    // not exist makes the instance's own temp folder, and so the instance, impossible to create.
    const pool = new FunctionPool(testFunction('whoami', 'whoami'), {
      region: 'us-east-1',
      logSink: recordingSink(),
      maxInstances: 2,
      idleTimeoutMs: 60_000,
      scaleInMs: 60_000,
      bootstrap: bootstrapSource(),
      tmpRoot: '/nonexistent/serverless-microservices-tmp-root',
    });
    try {
      const outcomes = await Promise.all([pool.invoke('r1', '{}'), pool.invoke('r2', '{}')]);
      for (const outcome of outcomes) {
        assert.equal(outcome.kind, 'error');
        assert.equal(outcome.kind === 'error' && outcome.errorType, 'ServiceException');
        assert.match(outcome.kind === 'error' ? outcome.errorMessage : '', /could not start an instance/);
      }
      assert.deepEqual(pool.stats(), { instances: 0, busy: 0, queued: 0, coldStarts: 0 });
    } finally {
      await pool.close();
    }
  });
});
