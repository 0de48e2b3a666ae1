// The metrics every invocation reports, in CloudWatch Embedded Metric Format (EMF) on the one
// log line it already writes: CloudWatch Logs extracts them, no API call is made. The CDK app
// builds its alarms and dashboard from the same names (infra/observability/).
import { dynamoDbCalls } from '../store/call-counters.ts';

/** The CloudWatch namespace of every function's metrics. Stacks differ by function name. */
export const METRICS_NAMESPACE = 'ServerlessMicroservices';

/**
 * Dimensions of every metric: keys the log line carries anyway — Powertools' `service` and the
 * function's own (deployed) name, as Lambda's context gives it.
 */
export const METRIC_DIMENSIONS = { service: 'service', function: 'function_name' } as const;

/** Each metric: its name in CloudWatch (also its key on the log line) and its unit. */
export const METRICS = {
  requests: { name: 'Requests', unit: 'Count' },
  clientErrors: { name: 'Status4xx', unit: 'Count' },
  serverErrors: { name: 'Status5xx', unit: 'Count' },
  /** Conditional writes that lost to another writer (If-Match / If-None-Match): contention. */
  preconditionFailed: { name: 'Status412', unit: 'Count' },
  latency: { name: 'Latency', unit: 'Milliseconds' },
  coldStarts: { name: 'ColdStart', unit: 'Count' },
  /** DynamoDB attempts refused with a throttling error (retried by the SDK or not). */
  dynamoDbThrottles: { name: 'DynamoDbThrottles', unit: 'Count' },
  /** DynamoDB attempts beyond the first of each call: the SDK's retries. */
  dynamoDbRetries: { name: 'DynamoDbRetries', unit: 'Count' },
  /** Time the request spent waiting on DynamoDB: what a DynamoDB trace segment would show. */
  dynamoDbTime: { name: 'DynamoDbTime', unit: 'Milliseconds' },
} as const;

export type MetricKey = keyof typeof METRICS;

export interface InvocationFacts {
  readonly status: number;
  readonly durationMs: number;
  readonly coldStart: boolean;
}

/**
 * The fields that make a log line an EMF document: `_aws` metadata naming the metrics and their
 * dimensions, and one numeric field per metric (0 when nothing happened, so that the Average of
 * a count is a rate). The dimension values are the line's own `service` and `function_name`.
 *
 * @example
 * logger.info('request completed', { status: 200, ...metricFields({ status: 200, durationMs: 12, coldStart: false }) });
 */
export function metricFields(facts: InvocationFacts, now = Date.now()): Record<string, unknown> {
  const calls = dynamoDbCalls();
  const values: Record<MetricKey, number> = {
    requests: 1,
    clientErrors: facts.status >= 400 && facts.status < 500 ? 1 : 0,
    serverErrors: facts.status >= 500 ? 1 : 0,
    preconditionFailed: facts.status === 412 ? 1 : 0,
    latency: facts.durationMs,
    coldStarts: facts.coldStart ? 1 : 0,
    dynamoDbThrottles: calls.throttles,
    dynamoDbRetries: calls.attempts - calls.calls,
    dynamoDbTime: Math.round(calls.elapsedMs * 100) / 100,
  };
  const fields: Record<string, unknown> = {
    _aws: {
      Timestamp: now,
      CloudWatchMetrics: [
        {
          Namespace: METRICS_NAMESPACE,
          Dimensions: [Object.values(METRIC_DIMENSIONS)],
          Metrics: Object.values(METRICS).map(({ name, unit }) => ({ Name: name, Unit: unit })),
        },
      ],
    },
  };
  for (const [key, { name }] of Object.entries(METRICS)) fields[name] = values[key as MetricKey];
  return fields;
}
