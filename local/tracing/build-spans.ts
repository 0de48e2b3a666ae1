// A finished request's spans, built from what was recorded while it ran. Built only when someone
// reads them (the console opens the trace, the OTLP exporter sends it): the request path records
// numbers and references, nothing more.
import type { DynamoDbCallRecord } from '#local/contracts.ts';
import { pooledRandomBytes } from '#src/domain/random-pool.ts';
import { dynamoDbSpan, type GrantSuggester } from './dynamodb-span.ts';
import type { AttributeValue, Span } from './trace-model.ts';

export interface RecordedStep {
  readonly name: string;
  readonly start: number;
  readonly end: number;
  readonly attributes: Readonly<Record<string, AttributeValue>>;
}

export interface RecordedInvocation {
  readonly functionName: string;
  readonly waitStart: number;
  readonly started: number;
  readonly ended: number;
  readonly ok: boolean;
  readonly invocationId?: string;
  readonly cold?: boolean;
  /** From the invocation's REPORT line. */
  readonly report?: { readonly durationMs: number; readonly initMs?: number };
}

/** Everything recorded about one request. */
export interface RecordedRequest {
  readonly requestId: string;
  readonly method: string;
  readonly path: string;
  readonly route?: string;
  readonly user?: string;
  readonly authorizer: 'verified' | 'cached' | 'none';
  readonly start: number;
  readonly end: number;
  readonly statusCode: number;
  readonly steps: readonly RecordedStep[];
  readonly invocation?: RecordedInvocation;
  readonly calls: readonly DynamoDbCallRecord[];
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
  const { statusCode } = request;
  const root = span(
    undefined,
    'gateway',
    'server',
    request.start,
    request.end,
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
    spans.push(span(root.spanId, step.name, 'internal', step.start, step.end, step.attributes));
  const invocation = request.invocation;
  if (invocation) {
    const { functionName, waitStart, started, ended } = invocation;
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
        'faas.coldstart': invocation.cold ?? false,
        ...(invocation.invocationId ? { 'faas.invocation_id': invocation.invocationId } : {}),
        ...(invocation.report ? { 'local.handler_ms': invocation.report.durationMs } : {}),
      },
      invocation.ok ? 'ok' : 'error',
    );
    spans.push(invoke);
    const initMs = invocation.report?.initMs;
    if (invocation.cold && initMs !== undefined)
      spans.push(
        span(invoke.spanId, 'init', 'internal', started, Math.min(ended, started + initMs), {
          'faas.name': functionName,
        }),
      );
    for (const call of request.calls) spans.push(dynamoDbSpan(call, invoke.spanId, newSpanId(), grantFor));
  }
  spans.push(
    span(root.spanId, 'response', 'internal', request.lastEnd, request.end, {
      'http.response.status_code': statusCode,
    }),
  );
  return spans;
}
