import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { bootstrapSource } from './compile-bootstrap.ts';
import { FunctionInstance } from './function-instance.ts';
import {
  IllegalTransitionError,
  InstanceLifecycle,
  type LifecycleState,
  TRANSITIONS,
} from './instance-state.ts';
import { recordingSink, testFunction } from './test-handlers/test-kit.ts';

const STATES = Object.keys(TRANSITIONS) as LifecycleState[];

/** Walks a fresh lifecycle along `path` (each move allowed), ending in its last state. */
function lifecycleAt(...moves: LifecycleState[]): InstanceLifecycle {
  const lifecycle = new InstanceLifecycle('test instance');
  for (const state of moves) lifecycle.to(state);
  return lifecycle;
}

/** One allowed way from `initializing` to each state. */
const REACH: Record<LifecycleState, LifecycleState[]> = {
  initializing: [],
  invoking: ['invoking'],
  idle: ['invoking', 'idle'],
  stopping: ['stopping'],
  gone: ['gone'],
};

describe('the function instance state machine', () => {
  it('starts initializing, and every allowed move is taken', () => {
    assert.equal(new InstanceLifecycle('test instance').state, 'initializing');
    for (const from of STATES) {
      for (const to of TRANSITIONS[from]) {
        const lifecycle = lifecycleAt(...REACH[from]);
        lifecycle.to(to);
        assert.equal(lifecycle.state, to, `${from} -> ${to}`);
      }
    }
  });

  it('refuses every move the table does not list, and stays where it was', () => {
    let refused = 0;
    for (const from of STATES) {
      for (const to of STATES.filter((state) => !TRANSITIONS[from].includes(state))) {
        const lifecycle = lifecycleAt(...REACH[from]);
        assert.throws(
          () => lifecycle.to(to),
          (error) =>
            error instanceof IllegalTransitionError &&
            error.from === from &&
            error.to === to &&
            error.message === `test instance cannot go from ${from} to ${to}`,
        );
        assert.equal(lifecycle.state, from);
        refused += 1;
      }
    }
    // Among them: nothing comes back from gone, a stopping instance is never invoked or idle
    // again, and no instance initializes twice.
    assert.equal(refused, 15);
    assert.deepEqual(TRANSITIONS.gone, []);
    assert.deepEqual(TRANSITIONS.stopping, ['gone']);
  });

  it('shows the pool busy while initializing or invoking, and gone as soon as it is stopping', () => {
    assert.equal(lifecycleAt().poolView, 'busy');
    assert.equal(lifecycleAt('invoking').poolView, 'busy');
    assert.equal(lifecycleAt('invoking', 'idle').poolView, 'idle');
    assert.equal(lifecycleAt('stopping').poolView, 'gone');
    assert.equal(lifecycleAt('stopping', 'gone').poolView, 'gone');
  });

  it('a real instance that was terminated refuses an invocation with the illegal move', async () => {
    const tmpRoot = await mkdtemp(path.join(os.tmpdir(), 'instance-state-'));
    try {
      const instance = new FunctionInstance({
        spec: testFunction('whoami', 'whoami'),
        region: 'us-east-1',
        logSink: recordingSink(),
        bootstrap: bootstrapSource(),
        tmpRoot,
      });
      await instance.terminate();
      assert.equal(instance.state, 'gone');
      await assert.rejects(
        instance.invoke('r1', '{}'),
        (error) =>
          error instanceof IllegalTransitionError && error.from === 'gone' && error.to === 'invoking',
      );
    } finally {
      await rm(tmpRoot, { recursive: true, force: true });
    }
  });
});
