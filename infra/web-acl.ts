import type { Stage } from 'aws-cdk-lib/aws-apigateway';
import { CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { GATEWAY_RESPONSES } from '#src/declaration/gateway-responses.ts';
import type { StackSettings } from './settings.ts';

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

/** The lowest limit AWS WAF accepts for a rate-based rule, in requests per window. */
export const WAF_MIN_RATE_LIMIT = 10;

/** The settings the per-client limit is derived from. */
export type ClientRateSettings = Pick<
  StackSettings,
  'throttlingRateLimit' | 'wafClientRatePercent' | 'wafRateWindowSeconds'
>;

/**
 * Requests one client IP may send per evaluation window: its share of the stage's steady rate
 * over the window, rounded down, and never below WAF's minimum. The stage's throttle counts every
 * client together; this keeps one of them from using it all up. WAF counts approximately and
 * looks back a whole window, so a client is blocked within seconds of passing its share, not at
 * the exact request.
 *
 * @example
 * clientRateLimit({ throttlingRateLimit: 100, wafClientRatePercent: 25, wafRateWindowSeconds: 60 }); // 1500
 */
export function clientRateLimit(settings: ClientRateSettings): number {
  const share =
    (settings.throttlingRateLimit * settings.wafRateWindowSeconds * settings.wafClientRatePercent) / 100;
  return Math.max(WAF_MIN_RATE_LIMIT, Math.floor(share));
}

/** The rate rule's name, and the key of the body it blocks with. */
const RATE_RULE = 'RateLimitPerClientIp';
const TOO_MANY_REQUESTS = 'TooManyRequests';

/**
 * An AWS WAF web ACL in front of the API stage: first a rate limit per client IP (429 with the
 * stage's own throttling body), then AWS's common rule set (OWASP-style injection, XSS, bad bots)
 * and known bad inputs (e.g. Log4j exploits); everything else allowed.
 *
 * @example
 * new StageWebAcl(this, 'WebAcl', { stage: api.deploymentStage, metricPrefix: 'ServerlessMicroservices', settings });
 */
export class StageWebAcl extends Construct {
  readonly webAcl: CfnWebACL;

  constructor(
    scope: Construct,
    id: string,
    props: { stage: Stage; metricPrefix: string; settings: ClientRateSettings },
  ) {
    super(scope, id);
    const visibility = (name: string): CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      metricName: `${props.metricPrefix}-${name}`,
      sampledRequestsEnabled: true,
    });
    const rateRule: CfnWebACL.RuleProperty = {
      name: RATE_RULE,
      priority: 0,
      action: {
        block: {
          customResponse: {
            responseCode: GATEWAY_RESPONSES.throttled.statusCode,
            customResponseBodyKey: TOO_MANY_REQUESTS,
          },
        },
      },
      statement: {
        rateBasedStatement: {
          aggregateKeyType: 'IP',
          evaluationWindowSec: props.settings.wafRateWindowSeconds,
          limit: clientRateLimit(props.settings),
        },
      },
      visibilityConfig: visibility(RATE_RULE),
    };
    this.webAcl = new CfnWebACL(this, 'Acl', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('web-acl'),
      // A client blocked by WAF reads the same answer as one over the stage's throttle.
      customResponseBodies: {
        [TOO_MANY_REQUESTS]: { contentType: 'APPLICATION_JSON', content: GATEWAY_RESPONSES.throttled.body },
      },
      rules: [
        rateRule,
        ...MANAGED_RULE_GROUPS.map((name, index) => ({
          name,
          priority: index + 1,
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
      ],
    });
    new CfnWebACLAssociation(this, 'Association', {
      resourceArn: props.stage.stageArn,
      webAclArn: this.webAcl.attrArn,
    });
  }
}
