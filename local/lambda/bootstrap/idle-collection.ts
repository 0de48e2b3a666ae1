// An instance that has answered and has nothing to do hands back the memory its invocations
// left behind: once it has been idle for IDLE_COLLECTION_DELAY_MS it runs one thorough garbage
// collection, which shrinks its heap and returns the freed pages to the machine. On Lambda an
// idle environment is frozen and its memory costs no one else; here a dozen idle instances
// share a laptop with the editor. The instance's Node.js runs with `--expose-gc`, as Lambda's
// does, and without V8's memory reducer (see INSTANCE_GC_FLAGS in spawn-instance.ts).

/** How long an instance waits with nothing to do before it collects. */
export const IDLE_COLLECTION_DELAY_MS = 1_000;

type Collect = (options?: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void;

// Node.js 24's `gc` takes options: its last-resort collection also compacts and releases pooled
// pages. Node.js 20 (instances on the machine's Node.js) ignores them, and its plain call is the
// full collection.
const LAST_RESORT =
  Number(process.versions.node.split('.')[0]) >= 24
    ? ({ type: 'major', execution: 'sync', flavor: 'last-resort' } as const)
    : undefined;

export class IdleCollection {
  // Taken before the function's code loads: whatever it does to its global `gc` changes nothing here.
  readonly #collect = (globalThis as { gc?: Collect }).gc;
  #timer: NodeJS.Timeout | undefined;

  /** An invocation starts: no collection until the instance is idle again. */
  busy(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** The instance has answered: it collects unless another invocation comes first. */
  idle(): void {
    this.busy();
    const collect = this.#collect;
    if (!collect) return;
    this.#timer = setTimeout(() => collect(LAST_RESORT), IDLE_COLLECTION_DELAY_MS);
    // The IPC channel keeps the process; the timer must not keep it once that is gone.
    this.#timer.unref();
  }
}
