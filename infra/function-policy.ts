import { PolicyDocument, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { IDEMPOTENCY_ACTIONS } from '#src/declaration/idempotency.ts';
import type { DynamoDbAction } from '#src/declaration/types.ts';

/** Writing a function's own logs: a stream per instance, then its events. */
export const LOG_ACTIONS = ['logs:CreateLogStream', 'logs:PutLogEvents'] as const;
/** Sending trace segments to X-Ray (active tracing). */
export const XRAY_ACTIONS = ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'] as const;

export interface FunctionPolicyInput {
  /** Exactly the DynamoDB actions the declaration grants the function. */
  readonly actions: readonly DynamoDbAction[];
  /** ARN of the function's own table. */
  readonly tableArn: string;
  /** Indexes of that table the function queries: `dynamodb:Query` on each index's ARN only. */
  readonly indexes?: readonly string[];
  /** ARN of the function's own log group (CloudFormation's, ending in `:*`: its log streams). */
  readonly logGroupArn: string;
  /** ARN of the idempotency persistence table, for a create that honours `Idempotency-Key`. */
  readonly idempotencyTableArn?: string;
}

/**
 * The one inline policy of a function's role: the declared DynamoDB actions on its own table,
 * log writes to its own log group, and X-Ray. Nothing else, and no `*` except where IAM offers
 * no narrower resource.
 *
 * @example
 * functionPolicy({ actions: ['dynamodb:GetItem'], tableArn: table.tableArn, logGroupArn: logs.logGroupArn });
 */
export function functionPolicy({
  actions,
  tableArn,
  indexes = [],
  logGroupArn,
  idempotencyTableArn,
}: FunctionPolicyInput): PolicyDocument {
  const statements = [
    new PolicyStatement({ sid: 'WriteOwnLogGroup', actions: [...LOG_ACTIONS], resources: [logGroupArn] }),
    // PutTraceSegments and PutTelemetryRecords support no resource-level permissions: `*` is the only resource IAM accepts.
    new PolicyStatement({ sid: 'SendTraces', actions: [...XRAY_ACTIONS], resources: ['*'] }),
  ];
  if (actions.length > 0) {
    statements.unshift(
      new PolicyStatement({ sid: 'UseOwnTable', actions: [...actions], resources: [tableArn] }),
    );
  }
  // After the own-table statement: the indexes it queries, then the idempotency records.
  const extra = [
    ...(indexes.length > 0
      ? [
          new PolicyStatement({
            sid: 'QueryOwnIndexes',
            actions: ['dynamodb:Query'],
            resources: indexes.map((index) => `${tableArn}/index/${index}`),
          }),
        ]
      : []),
    ...(idempotencyTableArn
      ? [
          new PolicyStatement({
            sid: 'UseIdempotencyRecords',
            actions: [...IDEMPOTENCY_ACTIONS],
            resources: [idempotencyTableArn],
          }),
        ]
      : []),
  ];
  statements.splice(actions.length > 0 ? 1 : 0, 0, ...extra);
  return new PolicyDocument({ statements });
}
