import type { InvocationObserver, InvokeOutcome, LogSink } from '#local/contracts.ts';
import { FunctionInstance } from './function-instance.ts';
import type { FunctionSpec } from './function-spec.ts';
import type { InspectorPorts } from './inspector-ports.ts';
import { SHUTDOWN_OUTCOME } from './invocation-outcomes.ts';
import type { InstanceRuntime } from './spawn-instance.ts';
import type { StandbyProcesses } from './standby-processes.ts';

export interface FunctionStats {
  /** Instances alive now, busy or idle. */
  readonly instances: number;
  readonly busy: number;
  /**
   * Invocations waiting: because every instance is busy and no more may start, or (counted by the
   * Lambda service) for their function's bundle to be built.
   */
  readonly queued: number;
  /** Instances ever started: each one's first invocation was a cold start. */
  readonly coldStarts: number;
}

export interface PoolOptions {
  readonly region: string;
  readonly logSink: LogSink;
  readonly maxInstances: number;
  /** A function's last idle instance is stopped after this long, and its memory returned. */
  readonly idleTimeoutMs: number;
  /** Extra instances (started while the others were busy) are stopped after this long idle. */
  readonly scaleInMs: number;
  /** The Node.js binary instances run on, and its flags (default: the deployed major's). */
  readonly runtime?: InstanceRuntime;
  /** Source of instance-bootstrap.ts, compiled (see compile-bootstrap.ts). */
  readonly bootstrap: string;
  /** The service's scratch folder, which holds each instance's temp folder. */
  readonly tmpRoot: string;
  /** With `--inspect`: the inspector ports of the service's instances. */
  readonly inspector?: InspectorPorts;
  /** Processes started ahead of need (see standby-processes.ts); none with `--inspect`. */
  readonly standbys?: StandbyProcesses;
}

interface Waiting {
  readonly requestId: string;
  readonly eventJson: string;
  readonly traceRoot: string | undefined;
  readonly observer: InvocationObserver | undefined;
  readonly resolve: (outcome: InvokeOutcome) => void;
}

interface Idle {
  readonly instance: FunctionInstance;
  readonly since: number;
}

/**
 * The instances of one function, scaled as Lambda scales them: an invocation goes to an idle
 * instance; if none is idle a new one starts (a cold start), up to `maxInstances`; beyond that
 * invocations wait in order. Instances that time out or crash leave the pool, and the next
 * waiting invocation starts a replacement. Idle instances are stopped: all but one after
 * `scaleInMs`, the last after `idleTimeoutMs`, as Lambda scales a function in after a burst and
 * keeps a warm instance a while longer. `replace` swaps the function's code: old instances retire
 * once their invocation is done.
 */
export class FunctionPool {
  #spec: FunctionSpec;
  readonly #options: PoolOptions;
  readonly #instances = new Set<FunctionInstance>();
  /** Instances of an older code version: they finish their invocation, then stop. */
  readonly #retiring = new Set<FunctionInstance>();
  /** Most recently used last: the warmest instance is reused first, the coldest retires first. */
  #idle: Idle[] = [];
  readonly #waiting: Waiting[] = [];
  readonly #sweeper: NodeJS.Timeout;
  #coldStarts = 0;
  #closed = false;

  constructor(spec: FunctionSpec, options: PoolOptions) {
    this.#spec = spec;
    this.#options = options;
    const every = Math.max(50, Math.min(1_000, options.idleTimeoutMs / 2, options.scaleInMs / 2));
    this.#sweeper = setInterval(() => this.#retireIdle(), every).unref();
  }

  /** The spec new instances run. */
  get spec(): FunctionSpec {
    return this.#spec;
  }

  /**
   * Runs `spec` (new code, environment or limits) from now on: idle instances stop at once,
   * busy ones after their invocation, and the next invocation starts a new instance.
   */
  replace(spec: FunctionSpec): void {
    this.#spec = spec;
    for (const instance of this.#instances) this.#retiring.add(instance);
    for (const { instance } of this.#idle.splice(0)) void instance.terminate();
    this.#dispatch();
  }

  invoke(
    requestId: string,
    eventJson: string,
    traceRoot?: string,
    observer?: InvocationObserver,
  ): Promise<InvokeOutcome> {
    if (this.#closed) return Promise.resolve(SHUTDOWN_OUTCOME);
    return new Promise((resolve) => {
      this.#waiting.push({ requestId, eventJson, traceRoot, observer, resolve });
      this.#dispatch();
    });
  }

  stats(): FunctionStats {
    const instances = [...this.#instances].filter((instance) => instance.state !== 'gone');
    return {
      instances: instances.length,
      busy: instances.filter((instance) => instance.state === 'busy').length,
      queued: this.#waiting.length,
      coldStarts: this.#coldStarts,
    };
  }

  /** Answers waiting invocations with SHUTDOWN_OUTCOME and terminates every instance. */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#sweeper);
    for (const waiting of this.#waiting.splice(0)) waiting.resolve(SHUTDOWN_OUTCOME);
    this.#idle = [];
    await Promise.all([...this.#instances].map((instance) => instance.terminate()));
  }

  #dispatch(): void {
    while (!this.#closed && this.#waiting.length > 0) {
      let instance: FunctionInstance | undefined;
      let cold = false;
      try {
        instance = this.#takeIdle();
        if (!instance) {
          // Told before the process is spawned: its start is the cold start's init, not a wait.
          const first = this.#waiting[0];
          instance = this.#startInstance(() => first?.observer?.started(first.requestId, true));
          cold = instance !== undefined;
        }
      } catch (error) {
        // No instance could be made (no thread, no temp folder): this invocation fails, the pool serves on.
        this.#waiting.shift()?.resolve(startFailure(this.#spec.name, error));
        continue;
      }
      const next = instance && this.#waiting.shift();
      if (!instance || !next) return;
      if (!cold) next.observer?.started(next.requestId, false);
      void this.#run(instance, next);
    }
  }

  #takeIdle(): FunctionInstance | undefined {
    let idle = this.#idle.pop();
    while (idle && idle.instance.state !== 'idle') idle = this.#idle.pop();
    return idle?.instance;
  }

  /** Stops idle instances, the least recently used first, as their idle time runs out. */
  #retireIdle(): void {
    const { idleTimeoutMs, scaleInMs } = this.#options;
    const now = performance.now();
    for (let oldest = this.#idle[0]; oldest; oldest = this.#idle[0]) {
      const limit = this.#alive() > 1 ? Math.min(scaleInMs, idleTimeoutMs) : idleTimeoutMs;
      if (now - oldest.since < limit) return;
      this.#idle.shift();
      void oldest.instance.terminate();
    }
  }

  /** Instances that can take an invocation now or after their current one. */
  #alive(): number {
    let alive = 0;
    for (const instance of this.#instances)
      if (instance.state !== 'gone' && !this.#retiring.has(instance)) alive += 1;
    return alive;
  }

  #startInstance(starting?: () => void): FunctionInstance | undefined {
    // An instance that is gone but still flushing its logs, or retiring after its last
    // invocation, no longer counts against the limit.
    if (this.#alive() >= this.#options.maxInstances) return undefined;
    starting?.();
    const instance = new FunctionInstance({ spec: this.#spec, ...this.#options });
    this.#instances.add(instance);
    this.#coldStarts += 1;
    void instance.gone.then(() => {
      this.#instances.delete(instance);
      this.#retiring.delete(instance);
      this.#idle = this.#idle.filter((idle) => idle.instance !== instance);
      this.#dispatch();
    });
    return instance;
  }

  async #run(instance: FunctionInstance, waiting: Waiting): Promise<void> {
    const outcome = await instance.invoke(
      waiting.requestId,
      waiting.eventJson,
      waiting.traceRoot,
      waiting.observer,
    );
    if (this.#retiring.has(instance)) void instance.terminate();
    else if (instance.state === 'idle') this.#idle.push({ instance, since: performance.now() });
    waiting.resolve(outcome);
    this.#dispatch();
  }
}

/** The outcome of an invocation for which no instance could be started, as a Lambda service fault. */
function startFailure(functionName: string, error: unknown): InvokeOutcome {
  const reason = error instanceof Error ? error.message : String(error);
  return {
    kind: 'error',
    errorType: 'ServiceException',
    errorMessage: `The local Lambda service could not start an instance of ${functionName}: ${reason}`,
  };
}
