import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  type Bundled,
  bundleServices,
  type CfnJson,
  removeAll,
  resourceOf,
  resourcesOfType,
  type Synthesized,
  synthesize,
} from './synthesize-stack.ts';

let bundled: Bundled;
let retained: Synthesized;
let ephemeral: Synthesized;
/** A retained stack whose WAF rate rule is set away from its defaults. */
let rateTuned: Synthesized;

/** A throwaway dev stack with every setting away from its default, as `-c key=value` gives them. */
const DEV_CONTEXT = {
  stackName: 'SmDev',
  ephemeral: 'true',
  waf: 'false',
  stageName: 'dev',
  logLevel: 'debug',
  logRetentionDays: '7',
  throttlingRateLimit: '5',
  throttlingBurstLimit: '10',
  corsOrigins: 'https://console.example.com',
};

before(async () => {
  bundled = await bundleServices();
  retained = await synthesize(bundled);
  ephemeral = await synthesize(bundled, { context: DEV_CONTEXT });
  rateTuned = await synthesize(bundled, {
    context: { throttlingRateLimit: '10', wafClientRatePercent: '50', wafRateWindowSeconds: '120' },
  });
});
after(() => removeAll(bundled?.dir, retained?.outdir, ephemeral?.outdir, rateTuned?.outdir));

const tables = (synth: Synthesized) =>
  bundled.services.map(({ service }) => {
    const table = synth.stack.tables.get(service.name);
    assert.ok(table);
    return { service, resource: resourceOf(synth.template, table) as CfnJson };
  });

describe('tables', () => {
  test('keys each table on its declared partition key and sort key, strings, billed on demand', () => {
    for (const { service, resource } of tables(retained)) {
      const { KeySchema, AttributeDefinitions, BillingMode } = resource.Properties;
      const { partitionKey, sortKey } = service.table;
      const keys = [
        { AttributeName: partitionKey, KeyType: 'HASH' },
        ...(sortKey ? [{ AttributeName: sortKey, KeyType: 'RANGE' }] : []),
      ];
      assert.deepEqual(KeySchema, keys, service.name);
      // The table's key attributes, then those its indexes add (test/infra/indexes.test.ts checks those).
      assert.deepEqual(
        (AttributeDefinitions as unknown[]).slice(0, keys.length),
        keys.map(({ AttributeName }) => ({ AttributeName, AttributeType: 'S' })),
        service.name,
      );
      assert.equal(BillingMode, 'PAY_PER_REQUEST');
    }
  });

  test("keys the owner-scoped orders table on the caller's identity, then the order id", () => {
    const orders = tables(retained).find(({ service }) => service.name === 'orders');
    assert.ok(orders, 'orders is shipped');
    assert.deepEqual(orders.resource.Properties.KeySchema, [
      { AttributeName: 'owner', KeyType: 'HASH' },
      { AttributeName: 'id', KeyType: 'RANGE' },
    ]);
  });

  test('retains tables, with deletion protection, point-in-time recovery and encryption, by default', () => {
    for (const { resource } of tables(retained)) {
      assert.equal(resource.DeletionPolicy, 'Retain');
      assert.equal(resource.UpdateReplacePolicy, 'Retain');
      assert.equal(resource.Properties.DeletionProtectionEnabled, true);
      assert.deepEqual(resource.Properties.PointInTimeRecoverySpecification, {
        PointInTimeRecoveryEnabled: true,
      });
      // SSE enabled with no key given: the AWS managed key aws/dynamodb.
      assert.deepEqual(resource.Properties.SSESpecification, { SSEEnabled: true });
    }
  });

  test('deletes tables with an ephemeral stack and lifts their deletion protection, keeping backups and encryption', () => {
    for (const { resource } of tables(ephemeral)) {
      assert.equal(resource.DeletionPolicy, 'Delete');
      assert.equal(resource.Properties.DeletionProtectionEnabled, false);
      assert.deepEqual(resource.Properties.PointInTimeRecoverySpecification, {
        PointInTimeRecoveryEnabled: true,
      });
      assert.deepEqual(resource.Properties.SSESpecification, { SSEEnabled: true });
    }
  });
});

describe('log groups', () => {
  test('retains every log group by default and deletes them with an ephemeral stack', () => {
    for (const [synth, policy] of [
      [retained, 'Retain'],
      [ephemeral, 'Delete'],
    ] as const) {
      const groups = resourcesOfType(synth.template, 'AWS::Logs::LogGroup');
      assert.equal(groups.length, synth.stack.functions.size + 1);
      for (const [id, group] of groups) assert.equal(group.DeletionPolicy, policy, id);
    }
  });

  test('applies the configured retention to every log group', () => {
    for (const [, group] of resourcesOfType(ephemeral.template, 'AWS::Logs::LogGroup')) {
      assert.equal(group.Properties.RetentionInDays, 7);
    }
  });
});

describe('settings from context', () => {
  test('names the stack and prefixes function names with it', () => {
    assert.equal(ephemeral.stack.stackName, 'SmDev');
    for (const [, fn] of resourcesOfType(ephemeral.template, 'AWS::Lambda::Function')) {
      assert.match(fn.Properties.FunctionName, /^SmDev-/);
    }
  });

  test('wires LOG_LEVEL and Lambda application log filtering to the same level', () => {
    for (const [, fn] of resourcesOfType(ephemeral.template, 'AWS::Lambda::Function')) {
      assert.equal(fn.Properties.Environment.Variables.LOG_LEVEL, 'DEBUG');
      assert.equal(fn.Properties.LoggingConfig.ApplicationLogLevel, 'DEBUG');
      assert.equal(fn.Properties.LoggingConfig.SystemLogLevel, 'INFO');
    }
  });

  test('applies the stage name and throttling limits', () => {
    const stage: CfnJson = resourceOf(ephemeral.template, ephemeral.stack.restApi.api.deploymentStage);
    assert.equal(stage.Properties.StageName, 'dev');
    assert.equal(stage.Properties.MethodSettings[0].ThrottlingRateLimit, 5);
    assert.equal(stage.Properties.MethodSettings[0].ThrottlingBurstLimit, 10);
  });

  test('allows only the configured CORS origin, also on errors API Gateway answers itself', () => {
    const origin = "'https://console.example.com'";
    const preflights = resourcesOfType(ephemeral.template, 'AWS::ApiGateway::Method').filter(
      ([, method]) => method.Properties.HttpMethod === 'OPTIONS',
    );
    assert.ok(preflights.length > 0);
    for (const [, method] of preflights) {
      const headers = method.Properties.Integration.IntegrationResponses[0].ResponseParameters;
      assert.equal(headers['method.response.header.Access-Control-Allow-Origin'], origin);
    }
    const responses = resourcesOfType(ephemeral.template, 'AWS::ApiGateway::GatewayResponse');
    assert.deepEqual(responses.map(([, r]) => r.Properties.ResponseType).sort(), [
      'BAD_REQUEST_BODY',
      'DEFAULT_4XX',
      'DEFAULT_5XX',
      'UNAUTHORIZED',
    ]);
    for (const [, response] of responses) {
      assert.equal(
        response.Properties.ResponseParameters['gatewayresponse.header.Access-Control-Allow-Origin'],
        origin,
      );
    }
  });

  test("derives the WAF's per-client rate limit from the stage throttle and the settings", () => {
    const [, acl] = resourcesOfType(rateTuned.template, 'AWS::WAFv2::WebACL')[0] ?? assert.fail();
    const rule = acl.Properties.Rules.find((r: CfnJson) => r.Statement.RateBasedStatement);
    // 10 requests a second, half of it for one client, over two minutes.
    assert.deepEqual(rule.Statement.RateBasedStatement, {
      AggregateKeyType: 'IP',
      EvaluationWindowSec: 120,
      Limit: 600,
    });
  });

  test('leaves out the web ACL only when an ephemeral stack switches WAF off', () => {
    assert.equal(resourcesOfType(retained.template, 'AWS::WAFv2::WebACL').length, 1);
    assert.equal(resourcesOfType(ephemeral.template, 'AWS::WAFv2::WebACL').length, 0);
    assert.equal(resourcesOfType(ephemeral.template, 'AWS::WAFv2::WebACLAssociation').length, 0);
  });
});
