import { Duration } from 'aws-cdk-lib';
import { Metric, type MetricOptions } from 'aws-cdk-lib/aws-cloudwatch';
import type { Operation } from 'aws-cdk-lib/aws-dynamodb';
import { METRIC_DIMENSIONS, METRICS, METRICS_NAMESPACE, type MetricKey } from '#src/http/metrics.ts';

/** A deployed function as its metrics know it. */
export interface ObservedFunction {
  /** Declared service name: the `service` dimension. */
  readonly service: string;
  /** Declared function name, e.g. `products-create`: labels and construct ids. */
  readonly name: string;
  /** Physical function name, e.g. `ServerlessMicroservices-products-create`: the `function_name` dimension. */
  readonly deployedName: string;
  readonly timeoutSeconds: number;
  /** The DynamoDB operations it may call, e.g. `GetItem`: the table metrics to show. */
  readonly operations: readonly Operation[];
}

/**
 * One of the metrics the function writes in EMF (src/http/metrics.ts), with the dimensions its
 * log line carries. One-minute periods unless `options` say otherwise.
 *
 * @example
 * functionMetric(fn, 'latency', { statistic: 'p99' });
 */
export function functionMetric(fn: ObservedFunction, key: MetricKey, options: MetricOptions = {}): Metric {
  return new Metric({
    namespace: METRICS_NAMESPACE,
    metricName: METRICS[key].name,
    dimensionsMap: {
      [METRIC_DIMENSIONS.service]: fn.service,
      [METRIC_DIMENSIONS.function]: fn.deployedName,
    },
    statistic: 'Sum',
    period: Duration.minutes(1),
    label: fn.name,
    ...options,
  });
}
