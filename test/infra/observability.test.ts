import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { buildApp } from '#infra/build-app.ts';
import { deployedFunctionName } from '#infra/logical-names.ts';
import { LOG_QUERIES } from '#infra/observability/log-queries.ts';
import { FUNCTION_THRESHOLDS } from '#infra/observability/thresholds.ts';
import { METRICS, METRICS_NAMESPACE } from '#src/http/metrics.ts';
import {
  arnOf,
  CDK_JSON_CONTEXT,
  type CfnJson,
  logicalIdOf,
  refOf,
  resourceOf,
  resourcesOfType,
  synthesizeForFile,
} from './synthesize-stack.ts';

const EMAIL = 'ops@example.com';
const file = synthesizeForFile({ context: { alarmEmail: EMAIL } });
const declared = () => file.bundled.services.flatMap(({ service }) => service.functions);
const observability = () => file.synth.stack.observability;
const topicRef = () => refOf(observability().alarmTopic.topic);

/** Every alarm action and OK action of an alarm notifies the stack's topic, and nothing else. */
function assertNotifiesTopic(alarm: CfnJson, name: string): void {
  assert.deepEqual(alarm.Properties.AlarmActions, [topicRef()], `${name} alarm action`);
  assert.deepEqual(alarm.Properties.OKActions, [topicRef()], `${name} OK action`);
}

describe('observability', () => {
  test('gives every declared function its five alarms, all notifying the one topic', () => {
    const { template } = file.synth;
    assert.equal(resourcesOfType(template, 'AWS::SNS::Topic').length, 1);
    for (const fn of declared()) {
      const alarms = observability().functionAlarms.get(fn.name);
      assert.ok(alarms, fn.name);
      assert.deepEqual(Object.keys(alarms).sort(), [
        'durationNearTimeout',
        'dynamoDbThrottles',
        'errors',
        'serverErrorRate',
        'throttles',
      ]);
      for (const [what, alarm] of Object.entries(alarms)) {
        const resource: CfnJson = resourceOf(template, alarm);
        assertNotifiesTopic(resource, `${fn.name} ${what}`);
        assert.match(
          resource.Properties.AlarmName,
          new RegExp(`^${file.synth.settings.stackName}-${fn.name}-`),
        );
      }
      const duration: CfnJson = resourceOf(template, alarms.durationNearTimeout);
      assert.equal(
        duration.Properties.Threshold,
        fn.timeoutSeconds * 1000 * FUNCTION_THRESHOLDS.durationShareOfTimeout,
      );
      assert.deepEqual(duration.Properties.Dimensions, [
        {
          Name: 'FunctionName',
          Value: refOf(file.synth.stack.functions.get(fn.name)?.function ?? assert.fail()),
        },
      ]);
      // The EMF-based alarms read the metrics the function writes, by its deployed name.
      const throttles: CfnJson = resourceOf(template, alarms.dynamoDbThrottles);
      // A labelled metric is rendered as a one-metric query.
      const metric = throttles.Properties.Metrics[0].MetricStat.Metric;
      assert.equal(metric.Namespace, METRICS_NAMESPACE);
      assert.equal(metric.MetricName, METRICS.dynamoDbThrottles.name);
      assert.deepEqual(
        metric.Dimensions.find((d: CfnJson) => d.Name === 'function_name')?.Value,
        deployedFunctionName(file.synth.settings.stackName, fn.name),
      );
      const rate = JSON.stringify(resourceOf(template, alarms.serverErrorRate).Properties.Metrics);
      assert.match(rate, /IF\(requests >= \d+, 100 \* errors \/ requests, 0\)/);
    }
  });

  test('alarms on the API 5xx rate, and on p99 latency only when both unusual and slow', () => {
    const { template } = file.synth;
    const api = observability().apiAlarms;
    assertNotifiesTopic(resourceOf(template, api.serverErrorRate), 'API 5xx');
    const composite: CfnJson = resourceOf(template, api.latency);
    assertNotifiesTopic(composite, 'API latency');
    const rule = JSON.stringify(composite.Properties.AlarmRule);
    assert.match(rule, /ALARM\(/);
    assert.ok(
      rule.includes(logicalIdOf(api.latencyAnomaly)) && rule.includes(logicalIdOf(api.latencyOverFloor)),
    );
    assert.match(rule, / AND /);
    for (const part of [api.latencyAnomaly, api.latencyOverFloor]) {
      const resource: CfnJson = resourceOf(template, part);
      assert.equal(
        resource.Properties.AlarmActions,
        undefined,
        'the parts stay silent; the composite notifies',
      );
    }
    const anomaly: CfnJson = resourceOf(template, api.latencyAnomaly);
    assert.equal(anomaly.Properties.ComparisonOperator, 'GreaterThanUpperThreshold');
    assert.equal(resourcesOfType(template, 'AWS::CloudWatch::Alarm').length, declared().length * 5 + 3);
  });

  test('encrypts the topic with a rotating key CloudWatch may use, allows only TLS, subscribes the email', () => {
    const { template } = file.synth;
    const { topic, key } = observability().alarmTopic;
    const resource: CfnJson = resourceOf(template, topic);
    assert.deepEqual(resource.Properties.KmsMasterKeyId, arnOf(key));
    const keyResource: CfnJson = resourceOf(template, key);
    assert.equal(keyResource.Properties.EnableKeyRotation, true);
    const cloudwatch = keyResource.Properties.KeyPolicy.Statement.find(
      (s: CfnJson) => s.Principal?.Service === 'cloudwatch.amazonaws.com',
    );
    assert.deepEqual(new Set([cloudwatch?.Action].flat()), new Set(['kms:Decrypt', 'kms:GenerateDataKey*']));
    const policies = resourcesOfType(template, 'AWS::SNS::TopicPolicy').map(([, p]) => JSON.stringify(p));
    assert.ok(policies.some((p) => p.includes('"aws:SecureTransport":"false"') && p.includes('"Deny"')));
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: EMAIL,
      TopicArn: topicRef(),
    });
  });

  test('shows every function, table and alarm on one dashboard named after the stack', () => {
    const { template, settings } = file.synth;
    const dashboards = resourcesOfType(template, 'AWS::CloudWatch::Dashboard');
    assert.equal(dashboards.length, 1);
    const [, dashboard] = dashboards[0] ?? assert.fail();
    assert.equal(dashboard.Properties.DashboardName, settings.stackName);
    const body = JSON.stringify(dashboard.Properties.DashboardBody);
    for (const fn of declared()) {
      assert.ok(body.includes(deployedFunctionName(settings.stackName, fn.name)), `${fn.name} metrics`);
      for (const alarm of Object.values(observability().functionAlarms.get(fn.name) ?? {})) {
        assert.ok(body.includes(logicalIdOf(alarm)), `${fn.name} alarm on the dashboard`);
      }
    }
    for (const table of file.synth.stack.tables.values()) assert.ok(body.includes(logicalIdOf(table)));
    for (const metric of [
      'Requests',
      'Status5xx',
      'Latency',
      'ColdStart',
      'DynamoDbThrottles',
      'DynamoDbTime',
      'ConsumedReadCapacityUnits',
      'ThrottledRequests',
    ]) {
      assert.ok(body.includes(metric), metric);
    }
    for (const service of file.bundled.services) assert.ok(body.includes(`## ${service.service.name}`));
  });

  test('saves the four Logs Insights queries on the function logs (and the access log to follow a request)', () => {
    const { template, stack, settings } = file.synth;
    const definitions = resourcesOfType(template, 'AWS::Logs::QueryDefinition').map(([, d]) => d);
    assert.equal(definitions.length, Object.keys(LOG_QUERIES).length);
    const functionLogs = [...stack.functions.values()].map((fn) => refOf(fn.logGroup));
    for (const { title, logs } of Object.values(LOG_QUERIES)) {
      const definition = definitions.find((d) => d.Properties.Name === `${settings.stackName}/${title}`);
      assert.ok(definition, title);
      const expected = logs === 'all' ? [refOf(stack.restApi.accessLogs), ...functionLogs] : functionLogs;
      assert.deepEqual(definition.Properties.LogGroupNames, expected, title);
    }
    const slowest = definitions.find((d) => d.Properties.Name.endsWith('slowest requests'));
    assert.match(slowest?.Properties.QueryString, /sort durationMs desc/);
  });

  test('warns at synthesis when the log level would drop the lines that carry the metrics', () => {
    const { services, bundles } = file.bundled;
    const warn = buildApp({
      services,
      bundles,
      context: { ...CDK_JSON_CONTEXT, logLevel: 'WARN' },
      outdir: `${file.synth.outdir}/warn`,
      builtinCloudFormationValidation: false,
    });
    Annotations.fromStack(warn.stack).hasWarning('*', Match.stringLikeRegexp('drops the request lines'));
    Annotations.fromStack(file.synth.stack).hasNoWarning(
      '*',
      Match.stringLikeRegexp('drops the request lines'),
    );
  });
});
