// Every cdk-nag (AwsSolutions) finding this app acknowledges, each on the narrowest construct it
// concerns and with the reason a security reviewer needs. Anything not listed here fails synthesis.
import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { ServicesRestApi } from './rest-api.ts';
import type { ServiceFunction } from './service-function.ts';

export interface Acknowledgement {
  /** cdk-nag rule id, with the finding in brackets for granular rules such as IAM5. */
  readonly id: string;
  readonly reason: string;
}

/** On each function's role: the X-Ray statement, the only `*` resource a function has. */
export const XRAY_RESOURCE_WILDCARD: Acknowledgement = {
  id: 'AwsSolutions-IAM5[Resource::*]',
  reason:
    'Only the statement granting xray:PutTraceSegments and xray:PutTelemetryRecords (active tracing) uses "*": ' +
    'these two actions support no resource-level permissions, so IAM accepts no narrower resource ' +
    '(Service Authorization Reference, AWS X-Ray). DynamoDB and log statements name exact ARNs.',
};

/** On the API Gateway CloudWatch role (see ApiGatewayAccount). */
export const API_GATEWAY_LOG_GROUPS_WILDCARD: Acknowledgement = {
  id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:*]',
  reason:
    'This is the account-and-region-wide API Gateway CloudWatch role, used by every REST API in the region ' +
    'for execution logs (log groups API Gateway creates and names itself) and access logs; the last stack ' +
    'to set it serves them all, so scoping it to this stack would break logging of other APIs. It is ' +
    'write-only (no read or delete actions) and limited to this account and region, unlike the AWS ' +
    'managed AmazonAPIGatewayPushToCloudWatchLogs policy it replaces.',
};

const AUTHORIZATION_PENDING =
  'Authentication and authorization of the API are a separate, tracked piece of work; until it lands ' +
  'the API is deliberately public, protected by WAF, request validation and stage throttling.';

/** On every method of the API (CORS preflights excepted, which browsers send without credentials): no authorizer yet. */
export const NO_AUTHORIZER: readonly Acknowledgement[] = [
  { id: 'AwsSolutions-APIG4', reason: AUTHORIZATION_PENDING },
  { id: 'AwsSolutions-COG4', reason: AUTHORIZATION_PENDING },
];

/** On the stage, only when a throwaway dev stack turned WAF off (`-c waf=false`, needs `-c ephemeral=true`). */
export const WAF_OFF_FOR_DEV_STACK: Acknowledgement = {
  id: 'AwsSolutions-APIG3',
  reason:
    'WAF was switched off explicitly for an ephemeral dev stack (settings refuse waf=false unless ' +
    'ephemeral=true): it holds no real data and is deleted after use. Every other stack has the web ACL.',
};

export interface AcknowledgedParts {
  readonly functions: Iterable<ServiceFunction>;
  readonly restApi: ServicesRestApi;
}

/** Records the acknowledgements above on the constructs they concern. */
export function acknowledgeFindings({ functions, restApi }: AcknowledgedParts): void {
  for (const fn of functions) acknowledge(fn.role, XRAY_RESOURCE_WILDCARD);
  if (restApi.account) acknowledge(restApi.account.role, API_GATEWAY_LOG_GROUPS_WILDCARD);
  for (const method of restApi.api.methods) {
    if (method.httpMethod !== 'OPTIONS') acknowledge(method, ...NO_AUTHORIZER);
  }
  if (!restApi.webAcl) acknowledge(restApi.api.deploymentStage, WAF_OFF_FOR_DEV_STACK);
}

function acknowledge(scope: IConstruct, ...acknowledgements: readonly Acknowledgement[]): void {
  Validations.of(scope).acknowledge(...acknowledgements.map(({ id, reason }) => ({ id, reason })));
}
