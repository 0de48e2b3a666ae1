import type { Trace, TraceSummary } from './trace-model.ts';

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
 * arrives and memory stays bounded however long the system runs.
 */
export class TraceRing {
  readonly capacity: number;
  readonly #slots: (Trace | undefined)[];
  readonly #byId = new Map<string, Trace>();
  #next = 0;

  constructor(capacity = DEFAULT_TRACE_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error('A trace ring holds at least one trace');
    this.capacity = capacity;
    this.#slots = new Array(capacity);
  }

  get size(): number {
    return this.#byId.size;
  }

  add(trace: Trace): void {
    const old = this.#slots[this.#next];
    if (old && this.#byId.get(old.summary.traceId) === old) this.#byId.delete(old.summary.traceId);
    this.#slots[this.#next] = trace;
    this.#byId.set(trace.summary.traceId, trace);
    this.#next = (this.#next + 1) % this.capacity;
  }

  get(traceId: string): Trace | undefined {
    return this.#byId.get(traceId);
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
