// `--otlp <url>`: every finished trace also goes to an OpenTelemetry collector, through the official
// OTLP/HTTP exporter and the SDK's batching processor. The kept spans already follow OpenTelemetry's
// model, so this is a mapping: ids, times as HrTime, kinds, status, attributes.
import { type Attributes, SpanKind, SpanStatusCode, TraceFlags } from '@opentelemetry/api';
import { hrTimeDuration, millisToHrTime } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace';
import packageJson from '../../package.json' with { type: 'json' };
import type { Span, Trace } from './trace-model.ts';

const KINDS = { server: SpanKind.SERVER, internal: SpanKind.INTERNAL, client: SpanKind.CLIENT } as const;

export interface OtlpExport {
  /** Queues a finished trace's spans; they leave in batches. */
  export(trace: Trace): void;
  /** Sends what is queued and stops. */
  shutdown(): Promise<void>;
}

/**
 * Exports traces to the collector at `url` (its traces endpoint, e.g. `http://127.0.0.1:4318/v1/traces`).
 *
 * @example
 * const otlp = otlpExport('http://127.0.0.1:4318/v1/traces');
 * tracer.subscribe((trace) => otlp.export(trace));
 */
export function otlpExport(url: string): OtlpExport {
  const processor = new BatchSpanProcessor({
    exporter: new OTLPTraceExporter({ url }),
    scheduledDelayMillis: 500,
  });
  const resource = resourceFromAttributes({
    'service.name': packageJson.name,
    'service.version': packageJson.version,
    'deployment.environment.name': 'local',
  });
  const scope = { name: 'serverless-microservices/local', version: packageJson.version };
  return {
    export(trace) {
      for (const span of trace.spans)
        processor.onEnd(toReadableSpan(trace.summary.traceId, span, resource, scope));
    },
    shutdown: () => processor.shutdown(),
  };
}

function toReadableSpan(
  traceId: string,
  span: Span,
  resource: ReadableSpan['resource'],
  instrumentationScope: ReadableSpan['instrumentationScope'],
): ReadableSpan {
  const startTime = millisToHrTime(span.startTime);
  const endTime = millisToHrTime(span.startTime + span.durationMs);
  const context = { traceId, spanId: span.spanId, traceFlags: TraceFlags.SAMPLED };
  return {
    name: span.name,
    kind: KINDS[span.kind],
    spanContext: () => context,
    ...(span.parentSpanId
      ? { parentSpanContext: { traceId, spanId: span.parentSpanId, traceFlags: TraceFlags.SAMPLED } }
      : {}),
    startTime,
    endTime,
    status: { code: span.status === 'error' ? SpanStatusCode.ERROR : SpanStatusCode.OK },
    attributes: span.attributes as Attributes,
    links: [],
    events: [],
    duration: hrTimeDuration(startTime, endTime),
    ended: true,
    resource,
    instrumentationScope,
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  };
}
