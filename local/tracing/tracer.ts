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
import { epochNow, type Span, type Trace, type TraceSummary, traceIdOfXRay } from './trace-model.ts';
import { DEFAULT_TRACE_CAPACITY, TraceRing } from './trace-ring.ts';

export interface TracerOptions {
  /** Finished traces kept (`--console-traces`); DEFAULT_TRACE_CAPACITY when absent. */
  readonly capacity?: number;
  /** The declaration change that would grant a denied permission (see grant-suggestion.ts). */
  readonly grantFor?: GrantSuggester;
}

/** A request still being answered. */
interface OpenTrace {
  readonly traceId: string;
  readonly requestId: string;
  readonly method: string;
  readonly path: string;
  readonly start: number;
  route?: string;
  functionName?: string;
  user?: string;
  authorizer: 'verified' | 'cached' | 'none';
  readonly steps: RecordedStep[];
  readonly calls: DynamoDbCallRecord[];
  invocationId?: string;
  cold?: boolean;
  report?: RecordedInvocation['report'];
  invocation?: RecordedInvocation;
  lastEnd: number;
}

const REPORT = /^REPORT RequestId: (\S+)\tDuration: ([\d.]+) ms/;
const INIT_DURATION = /\tInit Duration: ([\d.]+) ms/;
/** Ids remembered per kept trace for linking log lines to it: the gateway's and Lambda's request ids. */
const REMEMBERED_IDS_PER_TRACE = 2;

const newTraceId = (): string => pooledRandomBytes(16).toString('hex');

/**
 * The local system's tracer. Hand `observer` to the gateway, `invoker(lambda)` to it as its
 * invoker, `logSink` beside the function logs and `onDynamoDbCall` to the guard; finished traces
 * land in `ring` and go to every `subscribe`r.
 *
 * @example
 * const tracer = new Tracer({ capacity: 1000 });
 * tracer.subscribe((trace) => console.log(trace.summary.status, trace.spans.length));
 */
export class Tracer {
  readonly ring: TraceRing;
  readonly #grantFor: GrantSuggester | undefined;
  readonly #open = new Map<string, OpenTrace>();
  readonly #byRequestId = new Map<string, OpenTrace>();
  readonly #byInvocation = new Map<string, OpenTrace>();
  /** Gateway or Lambda request id → trace id, for the newest traces only (log lines link back through it). */
  readonly #idTrace = new Map<string, string>();
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

  /** The trace a gateway or Lambda request id belongs to, while it is open or among the newest. */
  traceIdOf(id: string): string | undefined {
    return this.#idTrace.get(id) ?? this.#byRequestId.get(id)?.traceId;
  }

  readonly observer: RequestObserver = {
    begin: ({ requestId, traceHeader, method, path }) => {
      let traceId = traceIdOfXRay(traceHeader) ?? newTraceId();
      // A client may send the same trace header twice at once: the later request gets its own trace.
      if (this.#open.has(traceId)) traceId = newTraceId();
      const start = epochNow();
      const open: OpenTrace = {
        traceId,
        requestId,
        method,
        path,
        start,
        authorizer: 'none',
        steps: [],
        calls: [],
        lastEnd: start,
      };
      this.#open.set(traceId, open);
      this.#byRequestId.set(requestId, open);
      return this.#steps(open);
    },
  };

  #steps(open: OpenTrace): RequestSteps {
    return {
      route(resource, functionName) {
        open.route = resource;
        open.functionName = functionName;
      },
      step(name) {
        const start = epochNow();
        return (attributes = {}) => {
          const end = epochNow();
          open.steps.push({ name, start, end, attributes });
          open.lastEnd = end;
          if (typeof attributes['local.authorizer'] === 'string')
            open.authorizer = attributes['local.authorizer'] === 'cached' ? 'cached' : 'verified';
        };
      },
      user(username) {
        if (username !== undefined) open.user = username;
      },
      end: (statusCode) => this.#finish(open, statusCode),
    };
  }

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
        open.invocation = {
          functionName,
          waitStart,
          started,
          ended,
          ok: outcome.kind === 'result',
          ...(open.invocationId ? { invocationId: open.invocationId } : {}),
          ...(open.cold !== undefined ? { cold: open.cold } : {}),
          ...(open.report ? { report: open.report } : {}),
        };
        if (open.invocationId) this.#byInvocation.delete(open.invocationId);
        return outcome;
      },
    };
  }

  /** A tap for the function logs: each invocation's REPORT line gives its init and run times. */
  readonly logSink: LogSink = {
    write: (_functionName, line) => {
      if (!line.startsWith('REPORT RequestId: ')) return;
      const match = REPORT.exec(line);
      const open = match?.[1] ? this.#byInvocation.get(match[1]) : undefined;
      if (!open || !match) return;
      const init = INIT_DURATION.exec(line)?.[1];
      open.report = { durationMs: Number(match[2]), ...(init ? { initMs: Number(init) } : {}) };
    },
  };

  /** What the DynamoDB guard saw of one call: kept with its request, a span once read. */
  readonly onDynamoDbCall = (call: DynamoDbCallRecord): void => {
    const traceId = traceIdOfXRay(call.traceHeader);
    const open = traceId ? this.#open.get(traceId) : undefined;
    open?.calls.push(call);
  };

  #finish(open: OpenTrace, statusCode: number): void {
    if (this.#open.get(open.traceId) !== open) return; // already finished
    this.#open.delete(open.traceId);
    this.#byRequestId.delete(open.requestId);
    const end = epochNow();
    const failedCall = open.calls.some((call) => call.statusCode >= 400 || call.statusCode === 0);
    const summary: TraceSummary = {
      traceId: open.traceId,
      requestId: open.requestId,
      ...(open.invocationId ? { invocationId: open.invocationId } : {}),
      method: open.method,
      path: open.path,
      ...(open.route ? { route: open.route } : {}),
      status: statusCode,
      startTime: open.start,
      durationMs: Math.round((end - open.start) * 1000) / 1000,
      ...(open.functionName ? { function: open.functionName } : {}),
      ...(open.user ? { user: open.user } : {}),
      ...(open.cold !== undefined ? { cold: open.cold } : {}),
      error: statusCode >= 500 || statusCode === 0 || open.invocation?.ok === false || failedCall,
    };
    const grantFor = this.#grantFor;
    let spans: Span[] | undefined;
    const trace: Trace = {
      summary,
      get spans() {
        spans ??= buildSpans({ ...open, end, statusCode }, grantFor);
        return spans;
      },
    };
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
    this.#idTrace.set(id, traceId);
    // Bounded like the ring: the oldest links go first (a Map iterates in insertion order).
    const bound = this.ring.capacity * REMEMBERED_IDS_PER_TRACE;
    while (this.#idTrace.size > bound) {
      const oldest = this.#idTrace.keys().next().value;
      if (oldest === undefined) break;
      this.#idTrace.delete(oldest);
    }
  }
}
