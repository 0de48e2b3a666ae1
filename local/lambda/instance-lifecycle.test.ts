import assert from 'node:assert/strict';
import { mkdtemp, readdir, readlink, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { openLogStore } from '#local/logs/log-store.ts';
import { bootstrapSource } from './compile-bootstrap.ts';
import { FunctionPool } from './function-pool.ts';
import { startLambdaService } from './start-lambda-service.ts';
import { handlerFile, recordingSink, testEvent, testFunction } from './test-handlers/test-kit.ts';

/**
 * A log sink that tells when instances are gone: an instance ends its log stream once it has
 * stopped and its last lines are written, so the tests wait on that event, not on a clock.
 */
function lifecycleSink() {
  const streams = new Set<string>();
  const ended: string[] = [];
  const waiting: { count: number; resolve: () => void }[] = [];
  return {
    write(_functionName: string, _line: string, stream?: string) {
      if (stream) streams.add(stream);
    },
    end(_functionName: string, stream: string) {
      ended.push(stream);
      for (const wait of waiting.filter((w) => ended.length >= w.count)) {
        waiting.splice(waiting.indexOf(wait), 1);
        wait.resolve();
      }
    },
    /** Streams written so far, one per instance started. */
    streams,
    /** Streams ended so far, in order: the instances gone. */
    ended,
    /** Resolves once `count` instances in all are gone. */
    gone(count: number): Promise<void> {
      if (ended.length >= count) return Promise.resolve();
      return new Promise((resolve) => waiting.push({ count, resolve }));
    },
  };
}

const instanceOf = (outcome: { kind: string; value?: unknown }) =>
  (outcome.value as { instanceId: string }).instanceId;

/** Descriptors of this process open on files under `dir` (Linux's /proc/self/fd). */
async function descriptorsUnder(dir: string): Promise<number> {
  let count = 0;
  for (const fd of await readdir('/proc/self/fd')) {
    const target = await readlink(`/proc/self/fd/${fd}`).catch(() => '');
    if (target.startsWith(`${dir}${path.sep}`)) count++;
  }
  return count;
}

describe('instance lifecycle', () => {
  it('stops instances left idle for idleTimeoutMs; the next invocation is a cold start', async () => {
    const sink = lifecycleSink();
    const lambda = startLambdaService({
      functions: [testFunction('whoami', 'whoami')],
      logSink: sink,
      idleTimeoutMs: 200,
    });
    try {
      const first = await lambda.invoke('whoami', testEvent());
      assert.equal(lambda.stats().whoami?.instances, 1);
      await sink.gone(1);
      assert.equal(lambda.stats().whoami?.instances, 0);
      const second = await lambda.invoke('whoami', testEvent());
      assert.notEqual(instanceOf(second), instanceOf(first));
      assert.equal(lambda.stats().whoami?.coldStarts, 2);
    } finally {
      await lambda.close();
    }
  });

  it('keeps one warm instance for idleTimeoutMs, and stops the extra ones a burst started after scaleInMs', async () => {
    const sink = lifecycleSink();
    const lambda = startLambdaService({
      functions: [testFunction('whoami', 'whoami')],
      logSink: sink,
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
      await sink.gone(1);
      // Both went idle together; the extra one was stopped for it, the last one was not.
      assert.equal(lambda.stats().whoami?.instances, 1);
      const next = await lambda.invoke('whoami', testEvent());
      assert.ok(burst.map(instanceOf).includes(instanceOf(next)), 'served by a warm instance');
      assert.equal(lambda.stats().whoami?.coldStarts, 2);
      assert.equal(sink.ended.length, 1, 'only the extra instance is gone');
    } finally {
      await lambda.close();
    }
  });

  it('keeps a busy instance past idleTimeoutMs until its invocation ends, and serves the next one on it', async () => {
    const sink = lifecycleSink();
    const lambda = startLambdaService({
      functions: [testFunction('whoami', 'whoami')],
      logSink: sink,
      idleTimeoutMs: 200,
      maxInstancesPerFunction: 1,
    });
    try {
      // Busy for four idle timeouts; the next invocation waits for it and runs right after.
      const busy = lambda.invoke('whoami', testEvent({ waitMs: 800 }));
      const again = lambda.invoke('whoami', testEvent());
      const [first, second] = await Promise.all([busy, again]);
      assert.equal(first.kind, 'result');
      assert.equal(instanceOf(second), instanceOf(first));
      assert.equal(second.kind === 'result' && (second.value as { count: number }).count, 2);
      assert.equal(lambda.stats().whoami?.coldStarts, 1);
      assert.deepEqual(sink.ended, [], 'no instance stopped');
    } finally {
      await lambda.close();
    }
  });

  it('runs new code in new instances after update, letting the old one finish its invocation', async () => {
    const sink = lifecycleSink();
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
      await sink.gone(1);
      assert.equal(lambda.stats().swap?.instances, 1);
      assert.equal(lambda.stats().swap?.coldStarts, 2);
    } finally {
      await lambda.close();
    }
  });

  it('ends the log stream of every instance gone: the kept logs hold one file per live instance', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sm-generations-'));
    const store = openLogStore({ dir });
    const sink = lifecycleSink();
    const spec = testFunction('generations', 'whoami');
    const lambda = startLambdaService({
      functions: [spec],
      logSink: {
        write: (fn, line, stream) => {
          sink.write(fn, line, stream);
          store.write(fn, line, stream);
        },
        end: (fn, stream) => {
          store.end(fn, stream);
          sink.end(fn, stream);
        },
      },
      idleTimeoutMs: 60_000,
    });
    const generations = 8;
    try {
      for (let i = 0; i < generations; i++) {
        assert.equal((await lambda.invoke('generations', testEvent())).kind, 'result');
        // New code (the same file, as a hot reload serves it): the idle instance retires.
        if (i < generations - 1) {
          lambda.update([{ ...spec }]);
          await sink.gone(i + 1);
        }
      }
      await store.settled();
      assert.equal(sink.streams.size, generations, 'one stream per instance');
      assert.equal(sink.ended.length, generations - 1);
      assert.equal(store.openFiles(), 1, 'the live instance’s stream only');
      if (process.platform === 'linux') assert.equal(await descriptorsUnder(dir), 1);
    } finally {
      await lambda.close();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
    assert.equal(sink.ended.length, generations, 'closing the service ends the last stream too');
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
