import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CfnResource } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AttributeType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { buildApp } from '#infra/build-app.ts';
import {
  API_GATEWAY_LOG_GROUPS_WILDCARD,
  openedBySetting,
  USER_POOL,
  WAF_OFF_FOR_DEV_STACK,
  XRAY_RESOURCE_WILDCARD,
} from '#infra/nag-acknowledgements.ts';
import {
  type Bundled,
  bundleServices,
  CDK_JSON_CONTEXT,
  type CfnJson,
  logicalIdOf,
  removeAll,
  type Synthesized,
  synthesize,
} from './synthesize-stack.ts';

let bundled: Bundled;
let retained: Synthesized;
let ephemeral: Synthesized;
let openTutorial: Synthesized;
let existingPool: Synthesized;

before(async () => {
  bundled = await bundleServices();
  // Built-in CloudFormation validation stays on here: this suite checks what `cdk synth` checks.
  retained = await synthesize(bundled, { cloudFormationValidation: true });
  ephemeral = await synthesize(bundled, {
    context: { ephemeral: 'true', waf: 'false' },
    cloudFormationValidation: true,
  });
  openTutorial = await synthesize(bundled, { context: { openTutorial: 'true' } });
  existingPool = await synthesize(bundled, {
    context: { userPoolId: 'eu-west-1_AbC123xyZ', userPoolClientId: '1example23456789abcdefghij' },
  });
});
after(() =>
  removeAll(bundled?.dir, retained?.outdir, ephemeral?.outdir, openTutorial?.outdir, existingPool?.outdir),
);

const synthesized = () =>
  [
    ['retained', retained],
    ['ephemeral without WAF', ephemeral],
    ['openTutorial', openTutorial],
    ['existing user pool', existingPool],
  ] as const;

/** Acknowledged cdk-nag rule ids per logical id, as written into the template's metadata. */
function acknowledgements(synth: Synthesized): Map<string, { id: string; reason: string }[]> {
  const resources: Record<string, CfnJson> = synth.template.toJSON().Resources;
  return new Map(
    Object.entries(resources)
      .filter(([, resource]) => resource.Metadata?.cdk_nag)
      .map(([id, resource]) => [id, resource.Metadata.cdk_nag.rules_to_suppress]),
  );
}

describe('cdk-nag AwsSolutions checks', () => {
  test('leave no unacknowledged finding, error or warning, in any deployment mode', async () => {
    for (const [mode, synth] of synthesized()) {
      const report = new AwsSolutionsChecks().validateScope(synth.app);
      assert.deepEqual(
        report.violations.map((v) => `${v.ruleName} ${v.violatingResources.map((r) => r.constructPath)}`),
        [],
        mode,
      );
    }
    // Synthesis itself (cdk-nag as a validation plugin, and CloudFormation validation where on) agrees.
    for (const synth of [retained, ephemeral]) {
      const synthReport = JSON.parse(
        await readFile(path.join(synth.outdir, 'validation-report.json'), 'utf8'),
      );
      assert.deepEqual(synthReport.pluginReports, [], 'cdk-nag and CloudFormation validation report nothing');
    }
  });

  test('fails synthesis on a finding nobody acknowledged', async (t) => {
    t.mock.method(console, 'error', () => {}); // CDK prints the report it throws for
    const outdir = path.join(retained.outdir, 'unacknowledged');
    const { services, bundles } = bundled;
    const { stack } = buildApp({
      services,
      bundles,
      context: CDK_JSON_CONTEXT,
      outdir,
      builtinCloudFormationValidation: false,
    });
    new Table(stack, 'TableWithoutBackups', { partitionKey: { name: 'id', type: AttributeType.STRING } });
    assert.throws(() => Template.fromStack(stack), /Validation failed/);
    const report = await readFile(path.join(outdir, 'validation-report.json'), 'utf8');
    assert.match(report, /AwsSolutions-DDB3/);
  });

  test('acknowledge each finding with its exact id and a reason, on the resources it concerns', () => {
    const byResource = acknowledgements(retained);
    const expected = new Map<string, string[]>();
    // An acknowledgement covers the CloudFormation resources inside the construct it is made on.
    const add = (scope: IConstruct, ...rules: { id: string }[]) => {
      for (const resource of scope.node.findAll().filter(CfnResource.isCfnResource)) {
        expected.set(logicalIdOf(resource), rules.map((rule) => rule.id).sort());
      }
    };
    for (const fn of retained.stack.functions.values()) add(fn.role, XRAY_RESOURCE_WILDCARD);
    const account = retained.stack.restApi.account;
    assert.ok(account);
    add(account.role, API_GATEWAY_LOG_GROUPS_WILDCARD);
    const pool = retained.stack.userPool.created?.node.defaultChild;
    assert.ok(pool, 'the stack creates a user pool by default');
    add(pool, ...USER_POOL);
    const actual = new Map([...byResource].map(([id, rules]) => [id, rules.map((rule) => rule.id).sort()]));
    assert.deepEqual(actual, expected);
    for (const rules of byResource.values()) {
      for (const { id, reason } of rules) {
        assert.match(id, /^AwsSolutions-[A-Z]+\d+(\[.+\])?$/);
        assert.ok(reason.length > 80, `${id} has a reason a reviewer can judge`);
        if (id.startsWith('AwsSolutions-IAM5'))
          assert.match(id, /\[Resource::.+\]$/, 'wildcards are acknowledged one by one');
      }
    }
  });

  test('acknowledge a missing authorizer (APIG4, COG4) only on the methods a setting made public', () => {
    const byResource = (synth: Synthesized) =>
      [...acknowledgements(synth)].filter(([, rules]) =>
        rules.some((rule) => /^AwsSolutions-(APIG4|COG4)$/.test(rule.id)),
      );
    assert.deepEqual(byResource(retained), [], 'no method is public by default');
    assert.deepEqual(byResource(existingPool), []);
    const managerMethod = openTutorial.stack.restApi.api.methods.find(
      (method) => method.httpMethod === 'POST' && method.resource.path === '/DynamoDBManager',
    );
    assert.ok(managerMethod);
    assert.deepEqual(byResource(openTutorial), [
      [logicalIdOf(managerMethod), openedBySetting('openTutorial', 'dynamodb-manager')],
    ]);
    assert.match(openedBySetting('openTutorial', 'dynamodb-manager')[0]?.reason ?? '', /openTutorial=true/);
  });

  test('acknowledge the Cognito findings on the pool the stack creates, and none for an existing pool', () => {
    const cognito = (synth: Synthesized) =>
      [...acknowledgements(synth)].flatMap(([id, rules]) =>
        rules.filter((rule) => rule.id.startsWith('AwsSolutions-COG')).map((rule) => `${id} ${rule.id}`),
      );
    const pool = retained.stack.userPool.created;
    assert.ok(pool);
    assert.deepEqual(cognito(retained), [
      `${logicalIdOf(pool)} AwsSolutions-COG2`,
      `${logicalIdOf(pool)} AwsSolutions-COG8`,
    ]);
    assert.deepEqual(cognito(existingPool), []);
  });

  test('acknowledge the missing WAF only on the stage of an ephemeral stack that switched it off', () => {
    const stageId = logicalIdOf(ephemeral.stack.restApi.api.deploymentStage);
    assert.deepEqual(
      acknowledgements(ephemeral)
        .get(stageId)
        ?.map((rule) => rule.id),
      [WAF_OFF_FOR_DEV_STACK.id],
    );
    const retainedStage = logicalIdOf(retained.stack.restApi.api.deploymentStage);
    assert.equal(acknowledgements(retained).get(retainedStage), undefined);
  });
});
