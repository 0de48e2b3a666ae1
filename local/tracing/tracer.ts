// Builds one trace per request through the gateway from what the gateway, the Lambda service and
// the DynamoDB guard report (all three run in this process), correlated by the X-Ray trace root
// the gateway starts and every DynamoDB call carries back (the SDK copies `_X_AMZN_TRACE_ID`).
// While a request runs only times and references are recorded; spans are built when read.
import type {
  DynamoDbCallRecord,
  Invoker,
  LogSink,
  RequestObserver,
  RequestSteps,
} from '#local/contracts.ts';
import { pooledRandomBytes } from '#src/domain/random-pool.ts';
import { buildSpans, type RecordedInvocation, type RecordedStep } from './build-spans.ts';
import type { GrantSuggester } from './dynamodb-span.ts';
import {
  type AttributeValue,
  epochNow,
  type Span,
  type Trace,
  type TraceSummary,
  traceIdOfXRay,
} from './trace-model.ts';
import { DEFAULT_TRACE_CAPACITY, TraceRing } from './trace-ring.ts';

export interface TracerOptions {
  /** Finished traces kept (`--console-traces`); DEFAULT_TRACE_CAPACITY when absent. */
  readonly capacity?: number;
  /** The declaration change that would grant a denied permission (see grant-suggestion.ts). */
  readonly grantFor?: GrantSuggester;
}

/**
 * A request still being answered, and the steps the gateway reports on it. A class, so that a
 * request costs one object and no closures but its steps' (the request path's share of tracing).
 */
class OpenTrace implements RequestSteps {
  /** The resource template matched. */
  resource?: string;
  functionName?: string;
  username?: string;
  authorizer: 'verified' | 'cached' | 'none' = 'none';
  readonly steps: RecordedStep[] = [];
  readonly calls: DynamoDbCallRecord[] = [];
  invocationId?: string;
  cold?: boolean;
  report?: RecordedInvocation['report'];
  invocation?: RecordedInvocation;
  lastEnd: number;

  constructor(
    readonly traceId: string,
    readonly requestId: string,
    readonly method: string,
    readonly path: string,
    readonly start: number,
    readonly finish: (open: OpenTrace, statusCode: number) => void,
  ) {
    this.lastEnd = start;
  }

  // RequestSteps, as the gateway reports them.
  route(resource: string, functionName: string): void {
    this.resource = resource;
    this.functionName = functionName;
  }

  step(name: string): (attributes?: Readonly<Record<string, AttributeValue>>) => void {
    const start = epochNow();
    return (attributes = {}) => {
      const end = epochNow();
      this.steps.push({ name, start, end, attributes });
      this.lastEnd = end;
      const authorizer = attributes['local.authorizer'];
      if (typeof authorizer === 'string') this.authorizer = authorizer === 'cached' ? 'cached' : 'verified';
    };
  }

  user(username: string | undefined): void {
    if (username !== undefined) this.username = username;
  }

  end(statusCode: number): void {
    this.finish(this, statusCode);
  }
}

const REPORT = /^REPORT RequestId: (\S+)\tDuration: ([\d.]+) ms/;
const INIT_DURATION = /\tInit Duration: ([\d.]+) ms/;
/** Ids remembered per kept trace for linking log lines to it: the gateway's and Lambda's request ids. */
const REMEMBERED_IDS_PER_TRACE = 2;

const newTraceId = (): string => pooledRandomBytes(16).toString('hex');

/** What the gateway reports to while recording is paused: nothing kept. */
const NO_STEPS: RequestSteps = {
  route() {},
  step: () => () => {},
  user() {},
  end() {},
};

/**
 * The local system's tracer. Hand `observer` to the gateway, `invoker(lambda)` to it as its
 * invoker, `logSink` beside the function logs and `onDynamoDbCall` to the guard; finished traces
 * land in `ring` and go to every `subscribe`r.
 *
 * @example
 * const tracer = new Tracer({ capacity: 1000 });
 * tracer.subscribe((trace) => console.log(trace.summary.status, trace.spans.length));
 */
type Writable<T> = { -readonly [K in keyof T]: T[K] };

/** A finished trace: its summary now, its spans built the first time someone reads them. */
class KeptTrace implements Trace {
  #spans: Span[] | undefined;

  constructor(
    readonly summary: TraceSummary,
    readonly open: OpenTrace,
    readonly end: number,
    readonly statusCode: number,
    readonly grantFor: GrantSuggester | undefined,
  ) {}

  get spans(): Span[] {
    const { open } = this;
    this.#spans ??= buildSpans(
      {
        requestId: open.requestId,
        method: open.method,
        path: open.path,
        ...(open.resource ? { route: open.resource } : {}),
        ...(open.username ? { user: open.username } : {}),
        authorizer: open.authorizer,
        start: open.start,
        end: this.end,
        statusCode: this.statusCode,
        steps: open.steps,
        ...(open.invocation ? { invocation: open.invocation } : {}),
        calls: open.calls,
        lastEnd: open.lastEnd,
      },
      this.grantFor,
    );
    return this.#spans;
  }

  /** What the console's API sends: the summary and the spans, nothing recorded on the way. */
  toJSON(): Trace {
    return { summary: this.summary, spans: this.spans };
  }
}

export class Tracer {
  readonly ring: TraceRing;
  readonly #grantFor: GrantSuggester | undefined;
  readonly #open = new Map<string, OpenTrace>();
  readonly #byRequestId = new Map<string, OpenTrace>();
  readonly #byInvocation = new Map<string, OpenTrace>();
  /** Gateway or Lambda request id → trace id, for the newest traces only (log lines link back through it). */
  readonly #idTrace = new Map<string, string>();
  /**
   * The ids in #idTrace, oldest first from #idNext: a ring, so the oldest link goes in constant
   * time. (Deleting a Map's first key over and over leaves a run of deleted slots that each
   * `keys().next()` walks again: with the default 10,000 traces that cost more than the tracing.)
   */
  readonly #idRing: (string | undefined)[];
  #idNext = 0;
  readonly #listeners = new Set<(trace: Trace) => void>();
  #recording = true;

  constructor(options: TracerOptions = {}) {
    this.ring = new TraceRing(options.capacity ?? DEFAULT_TRACE_CAPACITY);
    this.#idRing = new Array(this.ring.capacity * REMEMBERED_IDS_PER_TRACE);
    this.#grantFor = options.grantFor;
  }

  /**
   * Whether new requests are traced (the console's `tracing` switch). Paused, the hooks stay in
   * place and keep nothing: a request that began while recording is still finished.
   */
  get recording(): boolean {
    return this.#recording;
  }

  set recording(on: boolean) {
    this.#recording = on;
  }

  /** Calls `listener` with every finished trace; returns the function that stops it. */
  subscribe(listener: (trace: Trace) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The trace a gateway or Lambda request id belongs to, while it is open or among the newest. */
  traceIdOf(id: string): string | undefined {
    return this.#idTrace.get(id) ?? this.#byRequestId.get(id)?.traceId;
  }

  readonly observer: RequestObserver = {
    begin: ({ requestId, traceHeader, method, path }) => {
      if (!this.#recording) return NO_STEPS;
      let traceId = traceIdOfXRay(traceHeader) ?? newTraceId();
      // A client may send the same trace header twice at once: the later request gets its own trace.
      if (this.#open.has(traceId)) traceId = newTraceId();
      const open = new OpenTrace(traceId, requestId, method, path, epochNow(), this.#finishOpen);
      this.#open.set(traceId, open);
      this.#byRequestId.set(requestId, open);
      return open;
    },
  };

  /** Made once: every request's `end` calls it. */
  readonly #finishOpen = (open: OpenTrace, statusCode: number): void => this.#finish(open, statusCode);

  /** Wraps the Lambda service so that each invocation's wait, init and run are recorded. */
  invoker(inner: Invoker): Invoker {
    return {
      invoke: async (functionName, event, options) => {
        const open = this.#byRequestId.get(event.requestContext?.requestId ?? '');
        if (!open) return inner.invoke(functionName, event, options);
        const waitStart = epochNow();
        let started = waitStart;
        const outcome = await inner.invoke(functionName, event, {
          ...options,
          onStart: (invocation) => {
            started = epochNow();
            open.invocationId = invocation.invocationId;
            open.cold = invocation.cold;
            this.#byInvocation.set(invocation.invocationId, open);
            options?.onStart?.(invocation);
          },
        });
        const ended = epochNow();
        open.lastEnd = ended;
        const invocation: Writable<RecordedInvocation> = {
          functionName,
          waitStart,
          started,
          ended,
          ok: outcome.kind === 'result',
        };
        if (open.invocationId) invocation.invocationId = open.invocationId;
        if (open.cold !== undefined) invocation.cold = open.cold;
        if (open.report) invocation.report = open.report;
        open.invocation = invocation;
        if (open.invocationId) this.#byInvocation.delete(open.invocationId);
        return outcome;
      },
    };
  }

  /** A tap for the function logs: each invocation's REPORT line gives its init and run times. */
  readonly logSink: LogSink = {
    write: (_functionName, line) => {
      if (this.#byInvocation.size === 0 || !line.startsWith('REPORT RequestId: ')) return;
      const match = REPORT.exec(line);
      const open = match?.[1] ? this.#byInvocation.get(match[1]) : undefined;
      if (!open || !match) return;
      const init = INIT_DURATION.exec(line)?.[1];
      open.report = { durationMs: Number(match[2]), ...(init ? { initMs: Number(init) } : {}) };
    },
  };

  /** What the DynamoDB guard saw of one call: kept with its request, a span once read. */
  readonly onDynamoDbCall = (call: DynamoDbCallRecord): void => {
    if (this.#open.size === 0) return;
    const traceId = traceIdOfXRay(call.traceHeader);
    const open = traceId ? this.#open.get(traceId) : undefined;
    open?.calls.push(call);
  };

  #finish(open: OpenTrace, statusCode: number): void {
    if (this.#open.get(open.traceId) !== open) return; // already finished
    this.#open.delete(open.traceId);
    this.#byRequestId.delete(open.requestId);
    const end = epochNow();
    let failedCall = false;
    for (const call of open.calls) if (call.statusCode >= 400 || call.statusCode === 0) failedCall = true;
    // Built without spreads: this runs for every request.
    const summary: Writable<TraceSummary> = {
      traceId: open.traceId,
      requestId: open.requestId,
      method: open.method,
      path: open.path,
      status: statusCode,
      startTime: open.start,
      durationMs: Math.round((end - open.start) * 1000) / 1000,
      error: statusCode >= 500 || statusCode === 0 || open.invocation?.ok === false || failedCall,
    };
    if (open.invocationId) summary.invocationId = open.invocationId;
    if (open.resource) summary.route = open.resource;
    if (open.functionName) summary.function = open.functionName;
    if (open.username) summary.user = open.username;
    if (open.cold !== undefined) summary.cold = open.cold;
    const trace = new KeptTrace(summary, open, end, statusCode, this.#grantFor);
    this.ring.add(trace);
    this.#remember(open.requestId, open.traceId);
    if (open.invocationId) this.#remember(open.invocationId, open.traceId);
    for (const listener of this.#listeners) {
      try {
        listener(trace);
      } catch {
        // A listener's failure (a closed stream) is its own; the request is answered already.
      }
    }
  }

  #remember(id: string, traceId: string): void {
    // Bounded like the ring: the oldest link goes when its slot is taken.
    const oldest = this.#idRing[this.#idNext];
    if (oldest !== undefined) this.#idTrace.delete(oldest);
    this.#idRing[this.#idNext] = id;
    this.#idNext = (this.#idNext + 1) % this.#idRing.length;
    this.#idTrace.set(id, traceId);
  }
}
