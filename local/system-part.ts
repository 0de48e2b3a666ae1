// The local system's start-up as an ordered list of parts (declarations, stack, engine, bundles,
// tables, functions, gateway, watcher …), each starting and stopping itself. A part starts as soon
// as it is added and awaits only the parts it needs, so independent parts overlap (DynamoDB
// Local's JVM boots while the bundles build); stopping goes in the reverse order of adding.

interface Entry {
  readonly name: string;
  readonly ready: Promise<unknown>;
  readonly stop: ((value: never) => Promise<void> | void) | undefined;
  ms: number | undefined;
}

export interface PartTiming {
  readonly name: string;
  /** From its start until it was ready, in ms (waiting on the parts it needs included). */
  readonly ms: number;
}

/**
 * Parts started in the order they are added.
 *
 * @example
 * const parts = new SystemParts();
 * const engine = parts.add('engine', () => startEngine(), (e) => e.stop());
 * parts.add('tables', async () => createTables(await engine));
 * await parts.ready(); // on a failure every part started is stopped, last first, and the error thrown
 * await parts.stop();
 */
export class SystemParts {
  readonly #entries: Entry[] = [];
  #stopping: Promise<void> | undefined;

  /** Starts a part now; its value is what later parts await. */
  add<T>(name: string, start: () => Promise<T>, stop?: (value: T) => Promise<void> | void): Promise<T> {
    if (this.#stopping) throw new Error(`Cannot start ${name}: the system is stopping`);
    const began = performance.now();
    const ready = start();
    const entry: Entry = { name, ready, stop: stop as Entry['stop'], ms: undefined };
    // Awaited by ready() or stop(); until then a failure must not go unobserved.
    ready.then(
      () => {
        entry.ms = Math.round(performance.now() - began);
      },
      () => {},
    );
    this.#entries.push(entry);
    return ready;
  }

  /** The parts, in the order they start. */
  get names(): readonly string[] {
    return this.#entries.map((entry) => entry.name);
  }

  /** How long each part took to be ready, in start order (parts not ready yet are left out). */
  timings(): readonly PartTiming[] {
    return this.#entries.flatMap(({ name, ms }) => (ms === undefined ? [] : [{ name, ms }]));
  }

  /** Resolves once every part is ready; if one fails, stops them all and throws its error. */
  async ready(): Promise<void> {
    const results = await Promise.allSettled(this.#entries.map((entry) => entry.ready));
    const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed) {
      await this.stop();
      throw failed.reason;
    }
  }

  /**
   * Stops every part that started, in the reverse order: each after any part still starting has
   * settled, so nothing is torn down under a part that uses it. A failing stop does not keep the
   * others from stopping. Calling it again returns the same promise.
   */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      const results = await Promise.allSettled(this.#entries.map((entry) => entry.ready));
      for (let i = this.#entries.length - 1; i >= 0; i--) {
        const entry = this.#entries[i];
        const result = results[i];
        if (!entry?.stop || result?.status !== 'fulfilled') continue;
        try {
          await entry.stop(result.value as never);
        } catch {
          // Stopping is best effort: the next part still stops.
        }
      }
    })();
    return this.#stopping;
  }
}
