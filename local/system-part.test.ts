import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SystemParts } from './system-part.ts';

describe('SystemParts', () => {
  it('stops the parts in the reverse order they started', async () => {
    const order: string[] = [];
    const parts = new SystemParts();
    const engine = parts.add(
      'engine',
      async () => 'engine',
      (value) => {
        order.push(`stop ${value}`);
      },
    );
    parts.add(
      'tables',
      async () => `tables on ${await engine}`,
      (value) => {
        order.push(`stop ${value}`);
      },
    );
    parts.add(
      'gateway',
      async () => 'gateway',
      async () => {
        order.push('stop gateway');
      },
    );
    await parts.ready();
    assert.deepEqual(parts.names, ['engine', 'tables', 'gateway']);
    assert.deepEqual(
      parts.timings().map((t) => t.name),
      ['engine', 'tables', 'gateway'],
    );
    await parts.stop();
    assert.deepEqual(order, ['stop gateway', 'stop tables on engine', 'stop engine']);
  });

  it('on a failed part stops those that started, after the ones still starting have settled, and throws its error', async () => {
    const order: string[] = [];
    let finishBuild: (value: string) => void = () => {};
    const parts = new SystemParts();
    parts.add(
      'engine',
      async () => 'engine',
      () => {
        order.push('stop engine');
      },
    );
    parts.add(
      'build',
      () =>
        new Promise<string>((resolve) => {
          finishBuild = resolve;
        }),
      () => {
        order.push('stop build');
      },
    );
    parts.add(
      'tables',
      async () => {
        throw new Error('data folder in use');
      },
      () => {
        order.push('stop tables');
      },
    );
    const ready = parts.ready();
    // The build is still running when the tables fail: it ends before anything stops.
    queueMicrotask(() => finishBuild('built'));
    await assert.rejects(ready, /data folder in use/);
    assert.deepEqual(order, ['stop build', 'stop engine']);
  });

  it('keeps stopping the other parts when one fails to stop, and refuses new parts once stopping', async () => {
    const order: string[] = [];
    const parts = new SystemParts();
    parts.add(
      'engine',
      async () => 1,
      () => {
        order.push('stop engine');
      },
    );
    parts.add(
      'gateway',
      async () => 2,
      () => {
        throw new Error('already closed');
      },
    );
    await parts.ready();
    await parts.stop();
    await parts.stop();
    assert.deepEqual(order, ['stop engine']);
    assert.throws(() => parts.add('late', async () => 3), /stopping/);
  });
});
