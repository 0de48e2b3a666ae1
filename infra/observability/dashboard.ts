import type { Stage } from 'aws-cdk-lib/aws-apigateway';
import {
  AlarmStatusWidget,
  Dashboard,
  GraphWidget,
  type IAlarm,
  type IWidget,
  TextWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { functionMetric, type ObservedFunction } from './function-metrics.ts';

/** What the dashboard shows of one service. */
export interface ObservedService {
  readonly name: string;
  readonly table: ITable;
  readonly functions: readonly { readonly fn: ObservedFunction; readonly lambda: IFunction }[];
  readonly alarms: readonly IAlarm[];
}

const WIDTH = 24;
const graph = (title: string, props: Omit<ConstructorParameters<typeof GraphWidget>[0], 'title'>) =>
  new GraphWidget({ title, width: 8, height: 6, ...props });

/** The rows of one service: traffic, errors, latency, cold starts, DynamoDB and its alarms. */
function serviceRows({ name, table, functions, alarms }: ObservedService): IWidget[][] {
  const each = (key: Parameters<typeof functionMetric>[1], statistic = 'Sum') =>
    functions.map(({ fn }) => functionMetric(fn, key, { statistic }));
  return [
    [new TextWidget({ markdown: `## ${name}`, width: WIDTH, height: 1 })],
    [
      graph('Requests', { left: each('requests') }),
      graph('Errors: 4xx (left), 5xx and failed invocations (right)', {
        left: each('clientErrors'),
        right: [
          ...each('serverErrors'),
          ...functions.map(({ fn, lambda }) => lambda.metricErrors({ label: `${fn.name} failed` })),
        ],
      }),
      graph('Latency p50 (left) and p99 (right), ms', {
        left: each('latency', 'p50'),
        right: each('latency', 'p99'),
      }),
    ],
    [
      graph('Time in DynamoDB per request, p50 (left) and p99 (right), ms', {
        left: each('dynamoDbTime', 'p50'),
        right: each('dynamoDbTime', 'p99'),
      }),
      graph('Cold starts', { left: each('coldStarts') }),
      graph('DynamoDB consumed capacity units', {
        left: [
          table.metricConsumedReadCapacityUnits({ label: 'read', statistic: 'Sum' }),
          table.metricConsumedWriteCapacityUnits({ label: 'write', statistic: 'Sum' }),
        ],
      }),
    ],
    [
      graph('DynamoDB throttles: attempts by function (left), table requests (right)', {
        left: each('dynamoDbThrottles'),
        right: [
          table.metricThrottledRequestsForOperations({
            operations: [...new Set(functions.flatMap(({ fn }) => fn.operations))],
            label: 'table',
          }),
        ],
      }),
      graph('DynamoDB retries by the SDK', { left: each('dynamoDbRetries') }),
      new AlarmStatusWidget({ title: `${name} alarms`, alarms: [...alarms], width: 8, height: 6 }),
    ],
  ];
}

/** The API stage's rows: requests, errors, latency and its alarms. */
function apiRows(stage: Stage, alarms: readonly IAlarm[]): IWidget[][] {
  return [
    [new TextWidget({ markdown: '## API (all routes)', width: WIDTH, height: 1 })],
    [
      graph('Requests', { left: [stage.metricCount({ statistic: 'SampleCount', label: 'requests' })] }),
      graph('4xx and 5xx', {
        left: [
          stage.metricClientError({ statistic: 'Sum', label: '4xx' }),
          stage.metricServerError({ statistic: 'Sum', label: '5xx' }),
        ],
      }),
      graph('Latency, ms', {
        left: ['p50', 'p99'].map((statistic) => stage.metricLatency({ statistic, label: statistic })),
      }),
    ],
    [new AlarmStatusWidget({ title: 'API alarms', alarms: [...alarms], width: WIDTH, height: 2 })],
  ];
}

/** One dashboard per stack, named after it, with a section per declared service. */
export function servicesDashboard(
  scope: Construct,
  stackName: string,
  stage: Stage,
  apiAlarms: readonly IAlarm[],
  services: readonly ObservedService[],
): Dashboard {
  return new Dashboard(scope, 'Dashboard', {
    dashboardName: stackName,
    widgets: [...apiRows(stage, apiAlarms), ...services.flatMap(serviceRows)],
  });
}
