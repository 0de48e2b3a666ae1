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
  NO_AUTHORIZER,
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

before(async () => {
  bundled = await bundleServices();
  // Built-in CloudFormation validation stays on here: this suite checks what `cdk synth` checks.
  retained = await synthesize(bundled, { cloudFormationValidation: true });
  ephemeral = await synthesize(bundled, {
    context: { ephemeral: 'true', waf: 'false' },
    cloudFormationValidation: true,
  });
});
after(() => removeAll(bundled?.dir, retained?.outdir, ephemeral?.outdir));

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
  for (const mode of ['retained', 'ephemeral without WAF'] as const) {
    test(`leave no unacknowledged finding, error or warning, on a ${mode} stack`, async () => {
      const synth = mode === 'retained' ? retained : ephemeral;
      const report = new AwsSolutionsChecks().validateScope(synth.app);
      assert.deepEqual(
        report.violations.map((v) => `${v.ruleName} ${v.violatingResources.map((r) => r.constructPath)}`),
        [],
      );
      const synthReport = JSON.parse(
        await readFile(path.join(synth.outdir, 'validation-report.json'), 'utf8'),
      );
      assert.deepEqual(synthReport.pluginReports, [], 'cdk-nag and CloudFormation validation report nothing');
    });
  }

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
    for (const method of retained.stack.restApi.api.methods) {
      if (method.httpMethod !== 'OPTIONS') add(method, ...NO_AUTHORIZER);
    }
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
