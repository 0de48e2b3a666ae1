// Stopping the local system: requests in flight are answered within the grace period, and
// cut (not left hanging) beyond it.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import { startLocalSystem } from '#local/start-local-system.ts';
import { PROJECT_ROOT } from '#src/declaration/load-services.ts';

const start = (shutdownGraceMs: number) =>
  startLocalSystem({
    port: 0,
    engine: 'dynalite',
    dataDir: path.join(PROJECT_ROOT, '.data'),
    inMemory: true,
    logLevel: 'WARN',
    logSink: { write: () => {} },
    servicesDirs: [path.join(PROJECT_ROOT, 'test/fixtures/services')],
    shutdownGraceMs,
  });

describe('shutdown', { timeout: 60_000 }, () => {
  test('lets a request in flight finish within the grace period', async () => {
    const system = await start(5_000);
    const inFlight = fetch(`${system.url}/probe/hang?do=sleep&ms=1000`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const stopping = performance.now();
    await system.stop();
    assert.ok(performance.now() - stopping < 4_000, 'stop() waited past the answered request');
    const response = await inFlight;
    assert.equal(response.status, 200);
    assert.match(await response.text(), /"instance"/);
  });

  test('cuts a request still running when the grace period ends', async () => {
    const system = await start(300);
    const inFlight = fetch(`${system.url}/probe/hang?do=hang`).then(
      (response) => response.status,
      () => 'cut',
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    const stopping = performance.now();
    await system.stop();
    assert.ok(performance.now() - stopping < 5_000, 'stop() waited for the hanging request');
    assert.equal(await inFlight, 'cut');
  });
});
