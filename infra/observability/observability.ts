import { Annotations, type RemovalPolicy } from 'aws-cdk-lib';
import type { AlarmBase, Dashboard } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { Operation, Table } from 'aws-cdk-lib/aws-dynamodb';
import type { QueryDefinition } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { ServiceDeclaration } from '#src/declaration/types.ts';
import { deployedFunctionName } from '../logical-names.ts';
import type { ServicesRestApi } from '../rest-api.ts';
import type { ServiceFunction } from '../service-function.ts';
import type { StackSettings } from '../settings.ts';
import { AlarmTopic } from './alarm-topic.ts';
import { type ApiAlarms, apiAlarms, type FunctionAlarms, functionAlarms } from './alarms.ts';
import { servicesDashboard } from './dashboard.ts';
import { savedLogQueries } from './log-queries.ts';

export interface ObservabilityProps {
  readonly services: readonly ServiceDeclaration[];
  /** Deployed functions by declared function name. */
  readonly functions: ReadonlyMap<string, ServiceFunction>;
  /** Tables by service name. */
  readonly tables: ReadonlyMap<string, Table>;
  readonly restApi: ServicesRestApi;
  readonly settings: StackSettings;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The operations side of the stack, derived from the declarations like everything else: alarms
 * per function and for the API, all notifying one encrypted SNS topic; one dashboard; the saved
 * Logs Insights queries. A new declaration file gets all of it with no other edit.
 */
export class Observability extends Construct {
  readonly alarmTopic: AlarmTopic;
  /** Alarms by declared function name. */
  readonly functionAlarms = new Map<string, FunctionAlarms>();
  readonly apiAlarms: ApiAlarms;
  readonly dashboard: Dashboard;
  readonly queries: readonly QueryDefinition[];

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    const { services, functions, tables, restApi, settings } = props;
    const { stackName } = settings;
    if (settings.logLevel === 'WARN' || settings.logLevel === 'ERROR') {
      // Lambda drops INFO lines at these levels, and the metrics travel on an INFO line.
      Annotations.of(this).addWarningV2(
        'sm:metricsNeedInfoLogs',
        `logLevel ${settings.logLevel} drops the request lines that carry the functions' metrics: the 5xx-rate and DynamoDB-throttle alarms and most of the dashboard go blind (docs/operations.md)`,
      );
    }
    this.alarmTopic = new AlarmTopic(this, 'Alarms', {
      stackName,
      email: settings.alarmEmail,
      removalPolicy: props.removalPolicy,
    });
    const notify = new SnsAction(this.alarmTopic.topic);
    // Both state changes notify: responders learn when it is over, too.
    const wire = (alarm: AlarmBase) => {
      alarm.addAlarmAction(notify);
      alarm.addOkAction(notify);
    };

    const stage = restApi.api.deploymentStage;
    this.apiAlarms = apiAlarms(this, stackName, stage);
    wire(this.apiAlarms.serverErrorRate);
    wire(this.apiAlarms.latency);

    const observed = services.map((service) => {
      const table = tables.get(service.name);
      if (!table) throw new Error(`No table for service ${service.name}`);
      const deployed = service.functions.map((declared) => {
        const lambda = functions.get(declared.name)?.function;
        if (!lambda) throw new Error(`No deployed function ${declared.name}`);
        const fn = {
          service: service.name,
          name: declared.name,
          deployedName: deployedFunctionName(stackName, declared.name),
          timeoutSeconds: declared.timeoutSeconds,
          // `dynamodb:GetItem` → `GetItem`, the Operation dimension of DynamoDB's own metrics.
          operations: declared.actions.map((action) => action.replace('dynamodb:', '') as Operation),
        };
        const alarms = functionAlarms(this, stackName, fn, lambda);
        for (const alarm of Object.values(alarms)) wire(alarm);
        this.functionAlarms.set(declared.name, alarms);
        return { fn, lambda, alarms };
      });
      return {
        name: service.name,
        table,
        functions: deployed,
        alarms: deployed.flatMap(({ alarms }) => Object.values(alarms)),
      };
    });
    this.dashboard = servicesDashboard(this, stackName, stage, this.apiAlarms.notifying, observed);
    this.queries = savedLogQueries(
      this,
      stackName,
      [...functions.values()].map((fn) => fn.logGroup),
      restApi.accessLogs,
    );
  }
}
