// Every cdk-nag (AwsSolutions) finding this app acknowledges, each on the narrowest construct it
// concerns and with the reason a security reviewer needs. Anything not listed here fails synthesis.
import { Validations } from 'aws-cdk-lib';
import type { Method } from 'aws-cdk-lib/aws-apigateway';
import type { IConstruct } from 'constructs';
import type { AccessRule, AccessSwitch } from '#src/declaration/access.ts';
import { environmentName } from '#src/declaration/api-settings.ts';
import type { ServicesRestApi } from './rest-api.ts';
import type { ServiceFunction } from './service-function.ts';
import type { ServicesUserPool } from './user-pool.ts';

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

/**
 * On a method that is public because this deployment's settings opened its rule
 * (`allow.groups(...).publicWhen('openTutorial')` with `-c openTutorial=true`): no authorizer.
 */
export function openedBySetting(setting: AccessSwitch, functionName: string): readonly Acknowledgement[] {
  const reason =
    `${functionName} is declared for a group but public while the "${setting}" setting is on, and this ` +
    `deployment turned it on (-c ${setting}=true or ${environmentName(setting)}=true) so that the AWS tutorial's ` +
    'unsigned requests work verbatim. It is off by default, and then this method has the Cognito authorizer. ' +
    "The function stays confined to its own table by its role; WAF, request validation and the stage's throttling still apply.";
  return [
    { id: 'AwsSolutions-APIG4', reason },
    { id: 'AwsSolutions-COG4', reason },
  ];
}

/** On a method whose declaration says `allow.public()`: callable without a token by design. */
export function declaredPublic(functionName: string): readonly Acknowledgement[] {
  const reason =
    `${functionName} is declared allow.public() in its service declaration: anyone may call it without a ` +
    'token, on purpose and reviewed there. Every other method has the Cognito user pool authorizer; WAF, ' +
    "request validation and the stage's throttling apply to this one too.";
  return [
    { id: 'AwsSolutions-APIG4', reason },
    { id: 'AwsSolutions-COG4', reason },
  ];
}

/** On the user pool the stack creates. */
export const USER_POOL: readonly Acknowledgement[] = [
  {
    id: 'AwsSolutions-COG2',
    reason:
      'MFA is OPTIONAL with TOTP (authenticator apps; SMS is off, so no SMS cost and no SIM-swap exposure): every ' +
      'user can enrol and is then always asked for a code. It is not REQUIRED because users are created by an ' +
      'administrator for scripted sign-in (initiate-auth USER_PASSWORD_AUTH in the README), and a required second ' +
      'factor would block that flow until each user pairs an app. Passwords are 12+ characters of every class, ' +
      'self sign-up is off. To require it, set mfa: Mfa.REQUIRED in infra/user-pool.ts.',
  },
  {
    id: 'AwsSolutions-COG8',
    reason:
      'The pool is on the Essentials feature plan, not Plus: threat protection (compromised-credential checks, ' +
      'adaptive authentication) is billed per monthly active user on top of Essentials, a cost this project does ' +
      'not impose on every deployment. Sign-up is closed (administrators create users), passwords are strong and ' +
      'MFA is available. To enable it, set featurePlan: FeaturePlan.PLUS and standardThreatProtectionMode: ' +
      'StandardThreatProtectionMode.FULL_FUNCTION in infra/user-pool.ts (docs/deploy.md).',
  },
];

/** On the stage, only when a throwaway dev stack turned WAF off (`-c waf=false`, needs `-c ephemeral=true`). */
export const WAF_OFF_FOR_DEV_STACK: Acknowledgement = {
  id: 'AwsSolutions-APIG3',
  reason:
    'WAF was switched off explicitly for an ephemeral dev stack (settings refuse waf=false unless ' +
    'ephemeral=true): it holds no real data and is deleted after use. Every other stack has the web ACL.',
};

/** A method without an authorizer: its function's rule in force is public. */
export interface PublicMethod {
  readonly method: Method;
  readonly functionName: string;
  /** The rule as declared, before the settings: says why the method is public. */
  readonly declared: AccessRule;
}

export interface AcknowledgedParts {
  readonly functions: Iterable<ServiceFunction>;
  readonly restApi: ServicesRestApi;
  readonly userPool: ServicesUserPool;
  readonly publicMethods: readonly PublicMethod[];
}

/** The acknowledgements a public method gets: why it has no authorizer. */
export function publicMethodAcknowledgements({
  functionName,
  declared,
}: PublicMethod): readonly Acknowledgement[] {
  return declared.allow === 'groups' && declared.publicWhen
    ? openedBySetting(declared.publicWhen, functionName)
    : declaredPublic(functionName);
}

/** Records the acknowledgements above on the constructs they concern. */
export function acknowledgeFindings({
  functions,
  restApi,
  userPool,
  publicMethods,
}: AcknowledgedParts): void {
  for (const fn of functions) acknowledge(fn.role, XRAY_RESOURCE_WILDCARD);
  if (restApi.account) acknowledge(restApi.account.role, API_GATEWAY_LOG_GROUPS_WILDCARD);
  // Only the methods that are public on purpose; CORS preflights (OPTIONS) are exempt in cdk-nag itself.
  // On the method's own resource, not its children (the Lambda permissions API Gateway invokes with).
  for (const publicMethod of publicMethods) {
    acknowledge(
      publicMethod.method.node.defaultChild ?? publicMethod.method,
      ...publicMethodAcknowledgements(publicMethod),
    );
  }
  // On the pool's own resource, not the construct: its app client is a child and is not concerned.
  const pool = userPool.created?.node.defaultChild;
  if (pool) acknowledge(pool, ...USER_POOL);
  if (!restApi.webAcl) acknowledge(restApi.api.deploymentStage, WAF_OFF_FOR_DEV_STACK);
}

function acknowledge(scope: IConstruct, ...acknowledgements: readonly Acknowledgement[]): void {
  Validations.of(scope).acknowledge(...acknowledgements.map(({ id, reason }) => ({ id, reason })));
}
