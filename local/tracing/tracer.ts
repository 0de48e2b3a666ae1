// Builds one trace per request through the gateway from what the gateway, the Lambda service and
// the DynamoDB guard report (all three run in this process): the gateway hands the Lambda service
// the request's record as its invocation observer, and every DynamoDB call carries back the X-Ray
// trace root the gateway started (the SDK copies `_X_AMZN_TRACE_ID`). While a request runs only
// times and references are recorded; spans are built when read.
import type { DynamoDbCallRecord, RequestObserver, RequestSteps } from '#local/contracts.ts';
import { pooledRandomBytes } from '#src/domain/random-pool.ts';
import { buildSpans, type RecordedRequest, type RecordedStep } from './build-spans.ts';
import type { GrantSuggester } from './dynamodb-span.ts';
import {
  type AttributeValue,
  epochNow,
  type Span,
  type Trace,
  type TraceSummary,
  traceIdOfRoot,
  xrayRootOf,
} from './trace-model.ts';
import { DEFAULT_TRACE_CAPACITY, TraceRing } from './trace-ring.ts';

export interface TracerOptions {
  /** Finished traces kept (`--console-traces`); DEFAULT_TRACE_CAPACITY when absent. */
  readonly capacity?: number;
  /** The declaration change that would grant a denied permission (see grant-suggestion.ts). */
  readonly grantFor?: GrantSuggester;
}

type Writable<T> = { -readonly [K in keyof T]: T[K] };

const NO_STEPS_RECORDED: readonly RecordedStep[] = Object.freeze([]);
const NO_CALLS: readonly DynamoDbCallRecord[] = Object.freeze([]);
const NO_ATTRIBUTES: Readonly<Record<string, AttributeValue>> = Object.freeze({});

/**
 * One request, while it is answered and once it is kept: the steps the gateway reports, what the
 * Lambda service and the guard add, and the trace the console reads. One object per request, every
 * field set when it is made (one shape for all), times as small integers and arrays of exactly
 * their length: 10,000 of them are kept, and what each one holds is what the collector walks.
 */
class TraceRecord implements RequestSteps, RecordedRequest, Trace {
  route: string | undefined = undefined;
  functionName: string | undefined = undefined;
  user: string | undefined = undefined;
  authorizer: 'verified' | 'cached' | 'none' = 'none';
  steps: readonly RecordedStep[] = NO_STEPS_RECORDED;
  calls: readonly DynamoDbCallRecord[] = NO_CALLS;
  hasInvocation = false;
  waitStart = 0;
  runStart = 0;
  runEnd = 0;
  ok = true;
  invocationId: string | undefined = undefined;
  cold: boolean | undefined = undefined;
  handlerMs: number | undefined = undefined;
  initMs: number | undefined = undefined;
  lastEnd = 0;
  end = 0;
  statusCode = 0;
  #spans: Span[] | undefined = undefined;

  constructor(
    /**
     * Its key among the open requests: its X-Ray root, unless another open request has that.
     * Emptied once it is answered (a root cut from a header keeps the whole header alive).
     */
    public openKey: string,
    readonly traceId: string,
    readonly requestId: string,
    readonly method: string,
    readonly path: string,
    readonly start: number,
    readonly finish: (record: TraceRecord, statusCode: number) => void,
    readonly grantFor: GrantSuggester | undefined,
  ) {}

  /** Now, in whole µs after the request's start. */
  elapsed(): number {
    return Math.round((epochNow() - this.start) * 1000);
  }

  // RequestSteps, as the gateway reports them.
  matched(resource: string, functionName: string): void {
    this.route = resource;
    this.functionName = functionName;
  }

  step(name: string): (attributes?: Readonly<Record<string, AttributeValue>>) => void {
    const start = this.elapsed();
    return (attributes = NO_ATTRIBUTES) => {
      const end = this.elapsed();
      const step: RecordedStep = { name, start, end, attributes };
      this.steps = this.steps.length === 0 ? [step] : [...this.steps, step];
      this.lastEnd = end;
      const authorizer = attributes['local.authorizer'];
      if (typeof authorizer === 'string') this.authorizer = authorizer === 'cached' ? 'cached' : 'verified';
    };
  }

  verified(username: string | undefined): void {
    if (username !== undefined) this.user = username;
  }

  invoking(): void {
    this.waitStart = this.elapsed();
    this.runStart = this.waitStart;
  }

  // InvocationObserver, as the Lambda service reports it.
  started(invocationId: string, cold: boolean): void {
    this.runStart = this.elapsed();
    this.invocationId = invocationId;
    this.cold = cold;
  }

  reported(durationMs: number, initDurationMs: number | undefined): void {
    // As the REPORT line writes them: to the hundredth of a ms.
    this.handlerMs = Math.round(durationMs * 100) / 100;
    if (initDurationMs !== undefined) this.initMs = Math.round(initDurationMs * 100) / 100;
  }

  invoked(ok: boolean): void {
    this.runEnd = this.elapsed();
    this.lastEnd = this.runEnd;
    this.ok = ok;
    this.hasInvocation = true;
  }

  answered(statusCode: number): void {
    this.finish(this, statusCode);
  }

  addCall(call: DynamoDbCallRecord): void {
    this.calls = this.calls.length === 0 ? [call] : [...this.calls, call];
  }

  /** What the console lists: built each time it is read, so that a kept trace holds no copy. */
  get summary(): TraceSummary {
    let failedCall = false;
    for (const call of this.calls) if (call.statusCode >= 400 || call.statusCode === 0) failedCall = true;
    const { statusCode } = this;
    const summary: Writable<TraceSummary> = {
      traceId: this.traceId,
      requestId: this.requestId,
      method: this.method,
      path: this.path,
      status: statusCode,
      startTime: this.start,
      durationMs: this.end / 1000,
      error: statusCode >= 500 || statusCode === 0 || (this.hasInvocation && !this.ok) || failedCall,
    };
    if (this.invocationId) summary.invocationId = this.invocationId;
    if (this.route) summary.route = this.route;
    if (this.functionName) summary.function = this.functionName;
    if (this.user) summary.user = this.user;
    if (this.cold !== undefined) summary.cold = this.cold;
    return summary;
  }

  /** Built the first time someone reads them. */
  get spans(): Span[] {
    this.#spans ??= buildSpans(this, this.grantFor);
    return this.#spans;
  }

  /** What the console's API sends: the summary and the spans, nothing recorded on the way. */
  toJSON(): Trace {
    return { summary: this.summary, spans: this.spans };
  }
}

const newTraceId = (): string => pooledRandomBytes(16).toString('hex');

/** What the gateway reports to while recording is paused: nothing kept. */
const NO_STEPS: RequestSteps = {
  matched() {},
  step: () => () => {},
  verified() {},
  invoking() {},
  started() {},
  reported() {},
  invoked() {},
  answered() {},
};

/**
 * The local system's tracer. Hand `observer` to the gateway (it passes each request's steps on to
 * the Lambda service as the invocation's observer) and `onDynamoDbCall` to the guard; finished
 * traces land in `ring` and go to every `subscribe`r.
 *
 * @example
 * const tracer = new Tracer({ capacity: 1000 });
 * tracer.subscribe((trace) => console.log(trace.summary.status, trace.spans.length));
 */
export class Tracer {
  readonly ring: TraceRing;
  /**
   * Whether new requests are traced (the console's `tracing` switch). Paused, the hooks stay in
   * place and keep nothing: a request that began while recording is still finished.
   */
  recording = true;
  readonly #grantFor: GrantSuggester | undefined;
  /** The requests being answered, by their X-Ray root (`1-…-…`), which their DynamoDB calls carry. */
  readonly #open = new Map<string, TraceRecord>();
  readonly #listeners = new Set<(trace: Trace) => void>();

  constructor(options: TracerOptions = {}) {
    this.ring = new TraceRing(options.capacity ?? DEFAULT_TRACE_CAPACITY);
    this.#grantFor = options.grantFor;
  }

  /** Calls `listener` with every finished trace; returns the function that stops it. */
  subscribe(listener: (trace: Trace) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * The trace a gateway or Lambda request id belongs to, while it is open or among those kept.
   * Walked newest first: this answers the console, and the request path keeps no index for it.
   */
  traceIdOf(id: string): string | undefined {
    const matches = (record: TraceRecord) => record.requestId === id || record.invocationId === id;
    for (const record of this.#open.values()) if (matches(record)) return record.traceId;
    return this.ring.find((trace) => matches(trace as TraceRecord))?.traceId;
  }

  readonly observer: RequestObserver = {
    begin: ({ requestId, traceHeader, method, path }) => {
      if (!this.recording) return NO_STEPS;
      const root = xrayRootOf(traceHeader);
      // A client may send the same trace header twice at once: the later request gets a trace of
      // its own, which its DynamoDB calls cannot name.
      const shared = root === undefined || this.#open.has(root);
      const traceId = (shared ? undefined : traceIdOfRoot(root)) ?? newTraceId();
      const record = new TraceRecord(
        shared ? traceId : root,
        traceId,
        requestId,
        method,
        path,
        epochNow(),
        this.#finish,
        this.#grantFor,
      );
      this.#open.set(record.openKey, record);
      return record;
    },
  };

  /** What the DynamoDB guard saw of one call: kept with its request, a span once read. */
  readonly onDynamoDbCall = (call: DynamoDbCallRecord): void => {
    if (this.#open.size === 0) return;
    const root = xrayRootOf(call.traceHeader);
    if (root !== undefined) this.#open.get(root)?.addCall(call);
  };

  /** Made once: every request's `answered` calls it. */
  readonly #finish = (record: TraceRecord, statusCode: number): void => {
    if (this.#open.get(record.openKey) !== record) return; // already finished
    this.#open.delete(record.openKey);
    record.openKey = '';
    record.end = record.elapsed();
    record.statusCode = statusCode;
    this.ring.add(record);
    for (const listener of this.#listeners) {
      try {
        listener(record);
      } catch {
        // A listener's failure (a closed stream) is its own; the request is answered already.
      }
    }
  };
}
