// Builds one trace per request through the gateway from what the gateway, the Lambda service and
// the DynamoDB guard report (all three run in this process), correlated by the X-Ray trace root
// the gateway starts and every DynamoDB call carries back (the SDK copies `_X_AMZN_TRACE_ID`).
import type {
  DynamoDbCallRecord,
  Invoker,
  LogSink,
  RequestObserver,
  RequestSteps,
} from '#local/contracts.ts';
import { pooledRandomBytes } from '#src/domain/random-pool.ts';
import { dynamoDbSpan, type GrantSuggester } from './dynamodb-span.ts';
import { type AttributeValue, epochNow, type Span, type Trace, traceIdOfXRay } from './trace-model.ts';
import { DEFAULT_TRACE_CAPACITY, TraceRing } from './trace-ring.ts';

export interface TracerOptions {
  /** Finished traces kept (`--console-traces`); DEFAULT_TRACE_CAPACITY when absent. */
  readonly capacity?: number;
  /** The declaration change that would grant a denied permission (see grant-suggestion.ts). */
  readonly grantFor?: GrantSuggester;
}

interface Step {
  readonly name: string;
  readonly start: number;
  readonly end: number;
  readonly attributes: Readonly<Record<string, AttributeValue>>;
}

/** A request still being answered. */
interface OpenTrace {
  readonly traceId: string;
  readonly requestId: string;
  readonly method: string;
  readonly path: string;
  readonly start: number;
  readonly rootSpanId: string;
  /** Made up front: DynamoDB calls arrive while the invocation runs, and hang under it. */
  readonly invokeSpanId: string;
  route?: string;
  functionName?: string;
  user?: string;
  authorizer: 'verified' | 'cached' | 'none';
  readonly steps: Step[];
  readonly spans: Span[];
  invocationId?: string;
  cold?: boolean;
  report?: { readonly durationMs: number; readonly initMs?: number };
  lastEnd: number;
}

const REPORT = /^REPORT RequestId: (\S+)\tDuration: ([\d.]+) ms/;
const INIT_DURATION = /\tInit Duration: ([\d.]+) ms/;
/** Ids remembered per kept trace for linking log lines to it: the gateway's and Lambda's request ids. */
const REMEMBERED_IDS_PER_TRACE = 2;

export const newSpanId = (): string => pooledRandomBytes(8).toString('hex');
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
  readonly #invocationTrace = new Map<string, string>();
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

  /** The trace an invocation (Lambda request id) or a gateway request id belongs to, if still kept. */
  traceIdOf(id: string): string | undefined {
    return this.#invocationTrace.get(id) ?? this.#byRequestId.get(id)?.traceId;
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
        rootSpanId: newSpanId(),
        invokeSpanId: newSpanId(),
        authorizer: 'none',
        steps: [],
        spans: [],
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

  /** Wraps the Lambda service so that each invocation's wait, init and run become spans. */
  invoker(inner: Invoker): Invoker {
    return {
      invoke: async (functionName, event, options) => {
        const open = this.#byRequestId.get(event.requestContext?.requestId ?? '');
        if (!open) return inner.invoke(functionName, event, options);
        const waitStart = epochNow();
        let started: number | undefined;
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
        this.#invocationSpans(open, functionName, waitStart, started ?? waitStart, ended, outcome.kind);
        if (open.invocationId) this.#byInvocation.delete(open.invocationId);
        return outcome;
      },
    };
  }

  #invocationSpans(
    open: OpenTrace,
    functionName: string,
    waitStart: number,
    started: number,
    ended: number,
    outcome: string,
  ): void {
    open.spans.push(
      span(open.rootSpanId, 'wait for instance', 'internal', waitStart, started, {
        'local.wait_ms': round(started - waitStart),
      }),
    );
    const initMs = open.report?.initMs;
    if (open.cold && initMs !== undefined)
      open.spans.push(
        span(open.invokeSpanId, 'init', 'internal', started, Math.min(ended, started + initMs), {
          'faas.name': functionName,
        }),
      );
    open.spans.push({
      ...span(open.rootSpanId, `invoke ${functionName}`, 'client', started, ended, {
        'faas.name': functionName,
        'faas.invoked_name': functionName,
        'faas.invoked_provider': 'aws',
        'faas.trigger': 'http',
        'faas.coldstart': open.cold ?? false,
        ...(open.invocationId ? { 'faas.invocation_id': open.invocationId } : {}),
        ...(open.report ? { 'local.handler_ms': open.report.durationMs } : {}),
      }),
      spanId: open.invokeSpanId,
      status: outcome === 'result' ? 'ok' : 'error',
    });
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

  /** What the DynamoDB guard saw of one call: a span under its invocation. */
  readonly onDynamoDbCall = (call: DynamoDbCallRecord): void => {
    const traceId = traceIdOfXRay(call.traceHeader);
    const open = traceId ? this.#open.get(traceId) : undefined;
    if (!open) return;
    open.spans.push(dynamoDbSpan(call, open.invokeSpanId, newSpanId(), this.#grantFor));
  };

  #finish(open: OpenTrace, statusCode: number): void {
    if (this.#open.get(open.traceId) !== open) return; // already finished
    this.#open.delete(open.traceId);
    this.#byRequestId.delete(open.requestId);
    const end = epochNow();
    const spans: Span[] = [
      {
        ...span(undefined, 'gateway', 'server', open.start, end, {
          'http.request.method': open.method,
          'url.path': open.path,
          ...(open.route ? { 'http.route': open.route } : {}),
          'http.response.status_code': statusCode,
          'aws.request_id': open.requestId,
          'local.authorizer': open.authorizer,
          ...(open.user ? { 'enduser.id': open.user } : {}),
        }),
        spanId: open.rootSpanId,
        status: statusCode >= 500 || statusCode === 0 ? 'error' : 'ok',
      },
      ...open.steps.map((step) =>
        span(open.rootSpanId, step.name, 'internal', step.start, step.end, step.attributes),
      ),
      ...open.spans,
      span(open.rootSpanId, 'response', 'internal', open.lastEnd, end, {
        'http.response.status_code': statusCode,
      }),
    ];
    const trace: Trace = {
      summary: {
        traceId: open.traceId,
        requestId: open.requestId,
        ...(open.invocationId ? { invocationId: open.invocationId } : {}),
        method: open.method,
        path: open.path,
        ...(open.route ? { route: open.route } : {}),
        status: statusCode,
        startTime: open.start,
        durationMs: round(end - open.start),
        ...(open.functionName ? { function: open.functionName } : {}),
        ...(open.user ? { user: open.user } : {}),
        ...(open.cold !== undefined ? { cold: open.cold } : {}),
        error: statusCode >= 500 || spans.some((s) => s.status === 'error'),
      },
      spans,
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
    this.#invocationTrace.set(id, traceId);
    // Bounded like the ring: the oldest links go first (a Map iterates in insertion order).
    const bound = this.ring.capacity * REMEMBERED_IDS_PER_TRACE;
    while (this.#invocationTrace.size > bound) {
      const oldest = this.#invocationTrace.keys().next().value;
      if (oldest === undefined) break;
      this.#invocationTrace.delete(oldest);
    }
  }
}

const round = (ms: number): number => Math.round(ms * 1000) / 1000;

function span(
  parentSpanId: string | undefined,
  name: string,
  kind: Span['kind'],
  start: number,
  end: number,
  attributes: Readonly<Record<string, AttributeValue>>,
): Span {
  return {
    spanId: newSpanId(),
    ...(parentSpanId ? { parentSpanId } : {}),
    name,
    kind,
    startTime: start,
    durationMs: round(Math.max(0, end - start)),
    status: 'ok',
    attributes,
  };
}
