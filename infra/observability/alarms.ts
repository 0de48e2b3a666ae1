import { Duration } from 'aws-cdk-lib';
import type { Stage } from 'aws-cdk-lib/aws-apigateway';
import {
  type Alarm,
  AlarmRule,
  AnomalyDetectionAlarm,
  ComparisonOperator,
  CompositeAlarm,
  type IAlarm,
  MathExpression,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { pascalCase } from '../logical-names.ts';
import { functionMetric, type ObservedFunction } from './function-metrics.ts';
import { API_THRESHOLDS, FUNCTION_THRESHOLDS } from './thresholds.ts';

const ONE_MINUTE = Duration.minutes(1);
const FIVE_MINUTES = Duration.minutes(5);
// No traffic means no data: that is not a failure (and an idle API must not page anyone).
const quiet = TreatMissingData.NOT_BREACHING;

/** The alarms of one function, by what they watch. Every one notifies the stack's topic. */
export interface FunctionAlarms {
  readonly serverErrorRate: Alarm;
  readonly errors: Alarm;
  readonly throttles: Alarm;
  readonly durationNearTimeout: Alarm;
  readonly dynamoDbThrottles: Alarm;
}

/** Creates a function's alarms under `scope`, named `<stack>-<function>-<what>`. */
export function functionAlarms(
  scope: Construct,
  stackName: string,
  fn: ObservedFunction,
  lambda: IFunction,
): FunctionAlarms {
  const t = FUNCTION_THRESHOLDS;
  const id = pascalCase(fn.name);
  const name = (what: string) => `${stackName}-${fn.name}-${what}`;
  const serverErrorRate = new MathExpression({
    expression: `IF(requests >= ${t.minimumRequestsPerMinute}, 100 * errors / requests, 0)`,
    usingMetrics: {
      requests: functionMetric(fn, 'requests'),
      errors: functionMetric(fn, 'serverErrors'),
    },
    period: ONE_MINUTE,
    label: `${fn.name} 5xx %`,
  });
  const timeoutMs = fn.timeoutSeconds * 1000;
  return {
    serverErrorRate: serverErrorRate.createAlarm(scope, `${id}ServerErrorRate`, {
      alarmName: name('5xx-rate'),
      alarmDescription: `More than ${t.serverErrorPercent}% of ${fn.name}'s requests answered 5xx (docs/operations.md#5xx-rate)`,
      threshold: t.serverErrorPercent,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      treatMissingData: quiet,
    }),
    errors: lambda
      .metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' })
      .createAlarm(scope, `${id}Errors`, {
        alarmName: name('errors'),
        alarmDescription: `${fn.name} failed invocations: crash, timeout, out of memory or init (docs/operations.md#errors)`,
        threshold: t.lambdaErrorsPer5Minutes,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: quiet,
      }),
    throttles: lambda
      .metricThrottles({ period: FIVE_MINUTES, statistic: 'Sum' })
      .createAlarm(scope, `${id}Throttles`, {
        alarmName: name('throttles'),
        alarmDescription: `Lambda refused to run ${fn.name}: no concurrency left (docs/operations.md#throttles)`,
        threshold: t.lambdaThrottlesPer5Minutes,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: quiet,
      }),
    durationNearTimeout: lambda
      .metricDuration({ period: ONE_MINUTE, statistic: 'p99' })
      .createAlarm(scope, `${id}DurationNearTimeout`, {
        alarmName: name('duration-near-timeout'),
        alarmDescription: `${fn.name}'s p99 duration is over ${t.durationShareOfTimeout * 100}% of its ${fn.timeoutSeconds} s timeout (docs/operations.md#duration-near-timeout)`,
        threshold: Math.round(timeoutMs * t.durationShareOfTimeout),
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 3,
        datapointsToAlarm: 3,
        treatMissingData: quiet,
      }),
    dynamoDbThrottles: functionMetric(fn, 'dynamoDbThrottles').createAlarm(scope, `${id}DynamoDbThrottles`, {
      alarmName: name('dynamodb-throttles'),
      alarmDescription: `DynamoDB refuses ${fn.name}'s requests for throughput (docs/operations.md#dynamodb-throttles)`,
      threshold: t.dynamoDbThrottlesPerMinute,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      treatMissingData: quiet,
    }),
  };
}

/** The API stage's alarms: its 5xx rate, and p99 latency both unusual and slow. */
export interface ApiAlarms {
  readonly serverErrorRate: Alarm;
  readonly latencyAnomaly: AnomalyDetectionAlarm;
  readonly latencyOverFloor: Alarm;
  /** Notifies: latency above its usual band and above the floor at once. */
  readonly latency: CompositeAlarm;
  /** The alarms that notify the topic (the composite's parts do not). */
  readonly notifying: readonly IAlarm[];
}

export function apiAlarms(scope: Construct, stackName: string, stage: Stage): ApiAlarms {
  const t = API_THRESHOLDS;
  const name = (what: string) => `${stackName}-api-${what}`;
  const serverErrorRate = new MathExpression({
    expression: `IF(requests >= ${t.minimumRequestsPerMinute}, 100 * errors / requests, 0)`,
    usingMetrics: {
      requests: stage.metricCount({ period: ONE_MINUTE, statistic: 'SampleCount' }),
      errors: stage.metricServerError({ period: ONE_MINUTE, statistic: 'Sum' }),
    },
    period: ONE_MINUTE,
    label: 'API 5xx %',
  }).createAlarm(scope, 'ApiServerErrorRate', {
    alarmName: name('5xx-rate'),
    alarmDescription: `More than ${t.serverErrorPercent}% of the API's requests answered 5xx (docs/operations.md#api-5xx-rate)`,
    threshold: t.serverErrorPercent,
    comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 5,
    datapointsToAlarm: 3,
    treatMissingData: quiet,
  });
  const p99 = stage.metricLatency({ period: FIVE_MINUTES, statistic: 'p99' });
  const latencyAnomaly = new AnomalyDetectionAlarm(scope, 'ApiLatencyAnomaly', {
    alarmName: name('p99-latency-anomaly'),
    alarmDescription: 'Part of the API p99 latency alarm: p99 above its usual band',
    metric: p99,
    stdDevs: t.latencyAnomalyBand,
    comparisonOperator: ComparisonOperator.GREATER_THAN_UPPER_THRESHOLD,
    evaluationPeriods: 3,
    datapointsToAlarm: 3,
    treatMissingData: quiet,
  });
  const latencyOverFloor = p99.createAlarm(scope, 'ApiLatencyOverFloor', {
    alarmName: name('p99-latency-over-floor'),
    alarmDescription: `Part of the API p99 latency alarm: p99 over ${t.p99LatencyFloorMs} ms`,
    threshold: t.p99LatencyFloorMs,
    comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 3,
    datapointsToAlarm: 3,
    treatMissingData: quiet,
  });
  const latency = new CompositeAlarm(scope, 'ApiLatency', {
    compositeAlarmName: name('p99-latency'),
    alarmDescription:
      'API p99 latency is both unusual for the time of day and over the floor (docs/operations.md#api-p99-latency)',
    alarmRule: AlarmRule.allOf(latencyAnomaly, latencyOverFloor),
  });
  return {
    serverErrorRate,
    latencyAnomaly,
    latencyOverFloor,
    latency,
    notifying: [serverErrorRate, latency],
  };
}
