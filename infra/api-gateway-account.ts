import { Aws, RemovalPolicy } from 'aws-cdk-lib';
import { CfnAccount } from 'aws-cdk-lib/aws-apigateway';
import { PolicyDocument, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/** What API Gateway does with CloudWatch Logs when it writes access and execution logs. */
export const API_GATEWAY_LOG_ACTIONS = [
  'logs:CreateLogGroup',
  'logs:CreateLogStream',
  'logs:DescribeLogGroups',
  'logs:DescribeLogStreams',
  'logs:PutLogEvents',
] as const;

/**
 * The region's API Gateway account setting: the role API Gateway assumes to write execution and
 * access logs. Built here with an inline policy instead of CDK's `cloudWatchRole: true`, which
 * attaches the AWS managed policy (every log group in every region, read actions included).
 *
 * The setting is one per account and region, shared by every REST API there, so the policy
 * covers the log groups of this account and region, not only this stack's: the last stack to
 * set it serves every API. Both the role and the setting are retained when the stack is
 * deleted, because deleting them would silently stop other APIs' logs.
 */
export class ApiGatewayAccount extends Construct {
  readonly role: Role;
  readonly account: CfnAccount;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.role = new Role(this, 'CloudWatchRole', {
      assumedBy: new ServicePrincipal('apigateway.amazonaws.com'),
      description: 'Lets API Gateway write REST API access and execution logs in this account and region',
      inlinePolicies: {
        'write-api-logs': new PolicyDocument({
          statements: [
            new PolicyStatement({
              sid: 'WriteApiLogsInThisRegion',
              actions: [...API_GATEWAY_LOG_ACTIONS],
              resources: [`arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:log-group:*`],
            }),
          ],
        }),
      },
    });
    this.role.applyRemovalPolicy(RemovalPolicy.RETAIN);
    this.account = new CfnAccount(this, 'Setting', { cloudWatchRoleArn: this.role.roleArn });
    this.account.applyRemovalPolicy(RemovalPolicy.RETAIN);
  }
}
