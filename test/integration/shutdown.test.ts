// Stopping the local system: requests in flight are answered within the grace period, and
// cut (not left hanging) beyond it. Each test waits for its request to start running (the
// function's START line), and asserts what happened, in what order, never how long it took.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import { startLocalSystem } from '#local/start-local-system.ts';
import { PROJECT_ROOT } from '#src/declaration/load-services.ts';

/** Starts the probe service; `started(name)` resolves at the next invocation of that function. */
async function start(shutdownGraceMs: number) {
  const waiting: { name: string; resolve: () => void }[] = [];
  const system = await startLocalSystem({
    port: 0,
    engine: 'dynalite',
    dataDir: path.join(PROJECT_ROOT, '.data'),
    inMemory: true,
    logLevel: 'WARN',
    logSink: {
      write: (functionName, line) => {
        if (!line.startsWith('START RequestId:')) return;
        for (const waiter of waiting.splice(0)) {
          if (waiter.name === functionName) waiter.resolve();
          else waiting.push(waiter);
        }
      },
    },
    servicesDirs: [path.join(PROJECT_ROOT, 'test/fixtures/services')],
    shutdownGraceMs,
  });
  const started = (name: string) => new Promise<void>((resolve) => waiting.push({ name, resolve }));
  return { system, started };
}

describe('shutdown', { timeout: 60_000 }, () => {
  test('lets a request in flight finish within the grace period, and stops once it is answered', async () => {
    // A grace longer than this test may run: stop() must end when the request is answered, not at the grace.
    const { system, started } = await start(10 * 60_000);
    const order: string[] = [];
    const running = started('probe-hang');
    const inFlight = fetch(`${system.url}/probe/hang?do=sleep&ms=1000`).then(async (response) => {
      order.push('answered');
      return { status: response.status, text: await response.text() };
    });
    await running;
    await system.stop();
    order.push('stopped');
    const response = await inFlight;
    assert.equal(response.status, 200);
    assert.match(response.text, /"instance"/);
    assert.deepEqual(order, ['answered', 'stopped']);
  });

  test('cuts a request still running when the grace period ends', async () => {
    const { system, started } = await start(300);
    const running = started('probe-hang');
    // It never answers (until its 20 s function timeout, whose 502 would be an answer, not a cut).
    const inFlight = fetch(`${system.url}/probe/hang?do=hang`).then(
      (response) => response.status,
      () => 'cut',
    );
    await running;
    await system.stop();
    assert.equal(await inFlight, 'cut');
  });
});
