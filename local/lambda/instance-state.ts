// The life of one function instance as one table: which states there are and which moves between
// them are allowed. FunctionInstance moves only through `to`, so an event that arrives in a state
// where it makes no sense (a reply after the instance was killed, an invocation sent to a stopped
// instance) is refused here instead of silently corrupting the instance's bookkeeping.

/**
 * - `initializing`: the process is importing the bundle; the invocation that started it waits.
 * - `invoking`: one invocation runs (Lambda runs one at a time per execution environment).
 * - `idle`: init done, no invocation: the pool may send the next one.
 * - `stopping`: killed (timeout, failed init, full temp folder, shutdown); its last output is
 *   still being read, and nothing may be sent to it.
 * - `gone`: the process has exited.
 */
export type LifecycleState = 'initializing' | 'invoking' | 'idle' | 'stopping' | 'gone';

export const TRANSITIONS: Readonly<Record<LifecycleState, readonly LifecycleState[]>> = {
  // The process can also die on its own (process.exit at import, out of memory): straight to gone.
  initializing: ['invoking', 'stopping', 'gone'],
  invoking: ['idle', 'stopping', 'gone'],
  idle: ['invoking', 'stopping', 'gone'],
  stopping: ['gone'],
  gone: [],
};

/** What the pool needs to know: may it send an invocation, is the instance occupied, or is it over. */
export type InstanceState = 'busy' | 'idle' | 'gone';

const POOL_VIEW: Readonly<Record<LifecycleState, InstanceState>> = {
  initializing: 'busy',
  invoking: 'busy',
  idle: 'idle',
  stopping: 'gone',
  gone: 'gone',
};

export class IllegalTransitionError extends Error {
  readonly from: LifecycleState;
  readonly to: LifecycleState;

  constructor(from: LifecycleState, to: LifecycleState, what: string) {
    super(`${what} cannot go from ${from} to ${to}`);
    this.name = 'IllegalTransitionError';
    this.from = from;
    this.to = to;
  }
}

export class InstanceLifecycle {
  #state: LifecycleState = 'initializing';
  readonly #what: string;

  /** `what` names the instance in the error of an illegal move. */
  constructor(what: string) {
    this.#what = what;
  }

  get state(): LifecycleState {
    return this.#state;
  }

  get poolView(): InstanceState {
    return POOL_VIEW[this.#state];
  }

  can(next: LifecycleState): boolean {
    return TRANSITIONS[this.#state].includes(next);
  }

  /** Moves to `next`, or throws IllegalTransitionError (and stays) when the table does not allow it. */
  to(next: LifecycleState): void {
    if (!this.can(next)) throw new IllegalTransitionError(this.#state, next, this.#what);
    this.#state = next;
  }
}
