import assert from 'node:assert/strict';
import { afterEach, beforeEach, mock, test } from 'node:test';
import { whenQuiet } from './when-quiet.ts';

beforeEach(() => mock.timers.enable({ apis: ['setInterval'] }));
afterEach(() => mock.timers.reset());

/** Whether the promise has settled, after pending callbacks ran. */
async function settled(promise: Promise<void>): Promise<boolean> {
  let done = false;
  void promise.then(() => {
    done = true;
  });
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}

test('resolves once nothing has been busy for the whole quiet time', async () => {
  const quiet = whenQuiet(() => false, 1_000, 100);
  mock.timers.tick(900);
  assert.equal(await settled(quiet.promise), false);
  mock.timers.tick(100);
  assert.equal(await settled(quiet.promise), true);
});

test('each busy check starts the quiet time again', async () => {
  let busy = true;
  const quiet = whenQuiet(() => busy, 1_000, 100);
  mock.timers.tick(5_000);
  assert.equal(await settled(quiet.promise), false, 'never quiet while busy');
  busy = false;
  mock.timers.tick(600);
  busy = true;
  mock.timers.tick(100);
  busy = false;
  mock.timers.tick(900);
  assert.equal(await settled(quiet.promise), false, 'the busy check at 700 ms reset the wait');
  mock.timers.tick(200);
  assert.equal(await settled(quiet.promise), true);
});

test('a cancelled wait never resolves', async () => {
  const quiet = whenQuiet(() => false, 1_000, 100);
  quiet.cancel();
  mock.timers.tick(10_000);
  assert.equal(await settled(quiet.promise), false);
});
