import type { Stage } from 'aws-cdk-lib/aws-apigateway';
import { CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

/** AWS managed rule groups the web ACL applies, in priority order. */
export const MANAGED_RULE_GROUPS = [
  'AWSManagedRulesCommonRuleSet',
  'AWSManagedRulesKnownBadInputsRuleSet',
] as const;

/**
 * Rules of the common rule set that only count instead of blocking. SizeRestrictions_BODY blocks
 * bodies over 8 KB, but items may be up to DynamoDB's 400 KB and the handlers answer 413 above
 * that, as the HTTP contract says.
 */
export const COUNTED_RULES = ['SizeRestrictions_BODY'] as const;

/**
 * An AWS WAF web ACL in front of the API stage: AWS's common rule set (OWASP-style injection,
 * XSS, bad bots) and known bad inputs (e.g. Log4j exploits), everything else allowed.
 *
 * @example
 * new StageWebAcl(this, 'WebAcl', { stage: api.deploymentStage, metricPrefix: 'ServerlessMicroservices' });
 */
export class StageWebAcl extends Construct {
  readonly webAcl: CfnWebACL;

  constructor(scope: Construct, id: string, props: { stage: Stage; metricPrefix: string }) {
    super(scope, id);
    const visibility = (name: string): CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      metricName: `${props.metricPrefix}-${name}`,
      sampledRequestsEnabled: true,
    });
    this.webAcl = new CfnWebACL(this, 'Acl', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('web-acl'),
      rules: MANAGED_RULE_GROUPS.map((name, priority) => ({
        name,
        priority,
        overrideAction: { none: {} },
        statement: {
          managedRuleGroupStatement: {
            vendorName: 'AWS',
            name,
            ...(name === 'AWSManagedRulesCommonRuleSet'
              ? {
                  ruleActionOverrides: COUNTED_RULES.map((rule) => ({
                    name: rule,
                    actionToUse: { count: {} },
                  })),
                }
              : {}),
          },
        },
        visibilityConfig: visibility(name),
      })),
    });
    new CfnWebACLAssociation(this, 'Association', {
      resourceArn: props.stage.stageArn,
      webAclArn: this.webAcl.attrArn,
    });
  }
}
