import type { InvokeOutcome, LogSink } from '#local/contracts.ts';
import { FunctionInstance } from './function-instance.ts';
import { SHUTDOWN_OUTCOME } from './invocation-outcomes.ts';
import type { FunctionSpec } from './start-lambda-service.ts';

export interface FunctionStats {
  /** Instances alive now, busy or idle. */
  readonly instances: number;
  readonly busy: number;
  /** Invocations waiting because every instance is busy and no more may start. */
  readonly queued: number;
  /** Instances ever started: each one's first invocation was a cold start. */
  readonly coldStarts: number;
}

export interface PoolOptions {
  readonly region: string;
  readonly logSink: LogSink;
  readonly maxInstances: number;
  readonly bootstrap: string;
}

interface Waiting {
  readonly requestId: string;
  readonly eventJson: string;
  readonly resolve: (outcome: InvokeOutcome) => void;
}

/**
 * The instances of one function, scaled as Lambda scales them: an invocation goes to an idle
 * instance; if none is idle a new one starts (a cold start), up to `maxInstances`; beyond that
 * invocations wait in order. Instances that time out or crash leave the pool, and the next
 * waiting invocation starts a replacement.
 */
export class FunctionPool {
  readonly #spec: FunctionSpec;
  readonly #options: PoolOptions;
  readonly #instances = new Set<FunctionInstance>();
  /** Most recently used last: the warmest instance is reused first. */
  #idle: FunctionInstance[] = [];
  readonly #waiting: Waiting[] = [];
  #coldStarts = 0;
  #closed = false;

  constructor(spec: FunctionSpec, options: PoolOptions) {
    this.#spec = spec;
    this.#options = options;
  }

  invoke(requestId: string, eventJson: string): Promise<InvokeOutcome> {
    if (this.#closed) return Promise.resolve(SHUTDOWN_OUTCOME);
    return new Promise((resolve) => {
      this.#waiting.push({ requestId, eventJson, resolve });
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
    for (const waiting of this.#waiting.splice(0)) waiting.resolve(SHUTDOWN_OUTCOME);
    this.#idle = [];
    await Promise.all([...this.#instances].map((instance) => instance.terminate()));
  }

  #dispatch(): void {
    while (!this.#closed && this.#waiting.length > 0) {
      const instance = this.#takeIdle() ?? this.#startInstance();
      const next = instance && this.#waiting.shift();
      if (!instance || !next) return;
      void this.#run(instance, next);
    }
  }

  #takeIdle(): FunctionInstance | undefined {
    let instance = this.#idle.pop();
    while (instance && instance.state !== 'idle') instance = this.#idle.pop();
    return instance;
  }

  #startInstance(): FunctionInstance | undefined {
    // An instance that is gone but still flushing its logs no longer counts against the limit.
    const alive = [...this.#instances].filter((instance) => instance.state !== 'gone').length;
    if (alive >= this.#options.maxInstances) return undefined;
    const instance = new FunctionInstance({ spec: this.#spec, ...this.#options });
    this.#instances.add(instance);
    this.#coldStarts += 1;
    void instance.gone.then(() => {
      this.#instances.delete(instance);
      this.#idle = this.#idle.filter((idle) => idle !== instance);
      this.#dispatch();
    });
    return instance;
  }

  async #run(instance: FunctionInstance, waiting: Waiting): Promise<void> {
    const outcome = await instance.invoke(waiting.requestId, waiting.eventJson);
    if (instance.state === 'idle') this.#idle.push(instance);
    waiting.resolve(outcome);
    this.#dispatch();
  }
}
