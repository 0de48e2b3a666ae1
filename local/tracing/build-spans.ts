// A finished request's spans, built from what was recorded while it ran. Built only when someone
// reads them (the console opens the trace, the OTLP exporter sends it): the request path records
// numbers and references, nothing more.
import type { DynamoDbCallRecord } from '#local/contracts.ts';
import { pooledRandomBytes } from '#src/domain/random-pool.ts';
import { dynamoDbSpan, type GrantSuggester } from './dynamodb-span.ts';
import type { AttributeValue, Span } from './trace-model.ts';

/**
 * A step the gateway reported. Its times are whole microseconds after the request's start: small
 * integers, which V8 keeps in the object itself, where an epoch time would be a boxed number more
 * for every kept trace.
 */
export interface RecordedStep {
  readonly name: string;
  readonly start: number;
  readonly end: number;
  readonly attributes: Readonly<Record<string, AttributeValue>>;
}

/**
 * Everything recorded about one request, flat (one object per request is what keeps 10,000 of them
 * cheap). `start` is the epoch in ms; every other time is in whole µs after it.
 */
export interface RecordedRequest {
  readonly requestId: string;
  readonly method: string;
  readonly path: string;
  /** The resource template matched, and its function. */
  readonly route: string | undefined;
  readonly functionName: string | undefined;
  readonly user: string | undefined;
  readonly authorizer: 'verified' | 'cached' | 'none';
  readonly start: number;
  readonly end: number;
  readonly statusCode: number;
  readonly steps: readonly RecordedStep[];
  /** Whether an invocation ended: then it waited from `waitStart`, ran from `runStart` to `runEnd`. */
  readonly hasInvocation: boolean;
  readonly waitStart: number;
  readonly runStart: number;
  readonly runEnd: number;
  readonly ok: boolean;
  readonly invocationId: string | undefined;
  readonly cold: boolean | undefined;
  /** From the invocation's REPORT line, in ms. */
  readonly handlerMs: number | undefined;
  readonly initMs: number | undefined;
  readonly calls: readonly DynamoDbCallRecord[];
  /** When the last thing before the response ended (µs after start). */
  readonly lastEnd: number;
}

/** A span id: 16 hex digits, random. */
export const newSpanId = (): string => pooledRandomBytes(8).toString('hex');
const round = (ms: number): number => Math.round(ms * 1000) / 1000;

function span(
  parentSpanId: string | undefined,
  name: string,
  kind: Span['kind'],
  start: number,
  end: number,
  attributes: Readonly<Record<string, AttributeValue>>,
  status: Span['status'] = 'ok',
): Span {
  return {
    spanId: newSpanId(),
    ...(parentSpanId ? { parentSpanId } : {}),
    name,
    kind,
    startTime: start,
    durationMs: round(Math.max(0, end - start)),
    status,
    attributes,
  };
}

export function buildSpans(request: RecordedRequest, grantFor: GrantSuggester | undefined): Span[] {
  const { statusCode, functionName } = request;
  const at = (us: number) => request.start + us / 1000;
  const end = at(request.end);
  const root = span(
    undefined,
    'gateway',
    'server',
    request.start,
    end,
    {
      'http.request.method': request.method,
      'url.path': request.path,
      ...(request.route ? { 'http.route': request.route } : {}),
      'http.response.status_code': statusCode,
      'aws.request_id': request.requestId,
      'local.authorizer': request.authorizer,
      ...(request.user ? { 'enduser.id': request.user } : {}),
    },
    statusCode >= 500 || statusCode === 0 ? 'error' : 'ok',
  );
  const spans: Span[] = [root];
  for (const step of request.steps)
    spans.push(span(root.spanId, step.name, 'internal', at(step.start), at(step.end), step.attributes));
  if (request.hasInvocation && functionName) {
    const [waitStart, started, ended] = [at(request.waitStart), at(request.runStart), at(request.runEnd)];
    spans.push(
      span(root.spanId, 'wait for instance', 'internal', waitStart, started, {
        'local.wait_ms': round(started - waitStart),
      }),
    );
    const invoke = span(
      root.spanId,
      `invoke ${functionName}`,
      'client',
      started,
      ended,
      {
        'faas.name': functionName,
        'faas.invoked_name': functionName,
        'faas.invoked_provider': 'aws',
        'faas.trigger': 'http',
        'faas.coldstart': request.cold ?? false,
        ...(request.invocationId ? { 'faas.invocation_id': request.invocationId } : {}),
        ...(request.handlerMs !== undefined ? { 'local.handler_ms': request.handlerMs } : {}),
      },
      request.ok ? 'ok' : 'error',
    );
    spans.push(invoke);
    const { initMs } = request;
    if (request.cold && initMs !== undefined)
      spans.push(
        span(invoke.spanId, 'init', 'internal', started, Math.min(ended, started + initMs), {
          'faas.name': functionName,
        }),
      );
    for (const call of request.calls) spans.push(dynamoDbSpan(call, invoke.spanId, newSpanId(), grantFor));
  }
  spans.push(
    span(root.spanId, 'response', 'internal', at(request.lastEnd), end, {
      'http.response.status_code': statusCode,
    }),
  );
  return spans;
}
