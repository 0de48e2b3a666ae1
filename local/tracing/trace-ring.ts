import type { Trace, TraceSummary } from './trace-model.ts';

/** A kept trace, with its id at hand (its summary may be built each time it is read). */
export interface RingTrace extends Trace {
  readonly traceId: string;
}

/** How many finished traces are kept by default (`--console-traces`). */
export const DEFAULT_TRACE_CAPACITY = 10_000;

export interface TraceQuery {
  readonly route?: string;
  readonly status?: number;
  readonly function?: string;
  readonly user?: string;
  readonly limit?: number;
}

/**
 * The finished traces, at most `capacity` of them: a ring, so the oldest goes when a new one
 * arrives and memory stays bounded however long the system runs. Nothing is indexed: a trace is
 * found by walking the ring (10,000 in well under a millisecond), which the console does on a
 * click, while an index would cost every request its upkeep.
 */
export class TraceRing {
  readonly capacity: number;
  readonly #slots: (RingTrace | undefined)[];
  #next = 0;
  #size = 0;

  constructor(capacity = DEFAULT_TRACE_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error('A trace ring holds at least one trace');
    this.capacity = capacity;
    this.#slots = new Array(capacity);
  }

  get size(): number {
    return this.#size;
  }

  add(trace: RingTrace): void {
    if (this.#slots[this.#next] === undefined) this.#size += 1;
    this.#slots[this.#next] = trace;
    this.#next = (this.#next + 1) % this.capacity;
  }

  get(traceId: string): RingTrace | undefined {
    return this.find((trace) => trace.traceId === traceId);
  }

  /** The newest trace that passes `test`, or undefined. */
  find(test: (trace: RingTrace) => boolean): RingTrace | undefined {
    for (let i = 1; i <= this.capacity; i += 1) {
      const trace = this.#slots[(this.#next - i + this.capacity) % this.capacity];
      if (!trace) return undefined;
      if (test(trace)) return trace;
    }
    return undefined;
  }

  /** Summaries passing every filter given, newest first. */
  list(query: TraceQuery = {}): TraceSummary[] {
    const limit = query.limit ?? 100;
    const found: TraceSummary[] = [];
    for (let i = 1; i <= this.capacity && found.length < limit; i += 1) {
      const trace = this.#slots[(this.#next - i + this.capacity) % this.capacity];
      if (!trace) break;
      const s = trace.summary;
      if (query.route !== undefined && s.route !== query.route) continue;
      if (query.status !== undefined && s.status !== query.status) continue;
      if (query.function !== undefined && s.function !== query.function) continue;
      if (query.user !== undefined && s.user !== query.user) continue;
      found.push(s);
    }
    return found;
  }
}
