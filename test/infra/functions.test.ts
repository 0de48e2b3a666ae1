import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import { Runtime, RuntimeFamily } from 'aws-cdk-lib/aws-lambda';
import { LAMBDA_RUNTIME } from '#infra/service-function.ts';
import { INTEGRATION_TIMEOUT_SECONDS } from '#src/declaration/define-service.ts';
import { functionEnvironment } from '#src/declaration/function-environment.ts';
import { IDEMPOTENCY_TABLE_ENV } from '#src/declaration/idempotency.ts';
import { type CfnJson, refOf, resourceOf, resourcesOfType, synthesizeForFile } from './synthesize-stack.ts';

const stack = synthesizeForFile();

/** Every declared function with its service and its synthesized Lambda function. */
function declared() {
  return stack.bundled.services.flatMap(({ service }) =>
    service.functions.map((fn) => {
      const deployed = stack.synth.stack.functions.get(fn.name);
      assert.ok(deployed, `${fn.name} is deployed`);
      const lambda: CfnJson = resourceOf(stack.synth.template, deployed.function);
      return { service, fn, deployed, props: lambda.Properties };
    }),
  );
}

describe('Lambda functions', () => {
  test('deploys one function per declared function, named after the stack and the declaration', () => {
    const all = declared();
    assert.equal(resourcesOfType(stack.synth.template, 'AWS::Lambda::Function').length, all.length);
    for (const { fn, props } of all)
      assert.equal(props.FunctionName, `${stack.synth.settings.stackName}-${fn.name}`);
  });

  test('runs every function on arm64 with the newest Node.js runtime aws-cdk-lib knows', () => {
    const version = (runtime: Runtime) => Number(/^nodejs(\d+)\.x$/.exec(runtime.name)?.[1] ?? 0);
    const newest = Runtime.ALL.filter((r) => r.family === RuntimeFamily.NODEJS).sort(
      (a, b) => version(b) - version(a),
    )[0];
    assert.equal(LAMBDA_RUNTIME.name, newest?.name);
    assert.ok(version(LAMBDA_RUNTIME) >= 22);
    for (const { props } of declared()) {
      assert.equal(props.Runtime, LAMBDA_RUNTIME.name);
      assert.deepEqual(props.Architectures, ['arm64']);
    }
  });

  test('deploys exactly the esbuild bundle of each function, with handler index.handler', async () => {
    for (const { fn, props } of declared()) {
      assert.equal(props.Handler, 'index.handler');
      const bundle = stack.bundled.bundles.find((b) => b.functionName === fn.name);
      assert.ok(bundle);
      const assetHash = String(props.Code.S3Key).replace(/\.zip$/, '');
      const staged = await readFile(path.join(stack.synth.outdir, `asset.${assetHash}`, 'index.mjs'));
      assert.ok(staged.equals(await readFile(bundle.file)), `${fn.name} deploys its own bundle`);
    }
  });

  test('takes memory and timeout from the declaration, the timeout below the integration timeout', () => {
    for (const { fn, props } of declared()) {
      assert.equal(props.MemorySize, fn.memoryMb);
      assert.equal(props.Timeout, fn.timeoutSeconds);
      assert.ok(props.Timeout < INTEGRATION_TIMEOUT_SECONDS);
    }
  });

  test('gives each function the environment derived from its declaration and its own table', () => {
    for (const { service, fn, props } of declared()) {
      const table = stack.synth.stack.tables.get(service.name);
      assert.ok(table);
      const records = stack.synth.stack.idempotencyTable;
      const expected = functionEnvironment(service, fn, {
        tableName: 'TABLE',
        logLevel: 'INFO',
        corsOrigins: ['*'],
        idempotencyTableName: 'RECORDS',
      });
      assert.deepEqual(props.Environment.Variables, {
        ...expected,
        TABLE_NAME: refOf(table),
        ...(fn.idempotency && records ? { [IDEMPOTENCY_TABLE_ENV]: refOf(records) } : {}),
      });
    }
  });

  test('logs JSON at the configured level to a log group of its own, with a retention', () => {
    const logGroups = new Set<string>();
    for (const { deployed, props } of declared()) {
      assert.deepEqual(props.LoggingConfig, {
        LogFormat: 'JSON',
        ApplicationLogLevel: 'INFO',
        SystemLogLevel: 'INFO',
        LogGroup: refOf(deployed.logGroup),
      });
      logGroups.add(props.LoggingConfig.LogGroup.Ref);
      const logGroup: CfnJson = resourceOf(stack.synth.template, deployed.logGroup);
      assert.equal(logGroup.Properties.RetentionInDays, 30);
    }
    assert.equal(logGroups.size, declared().length);
  });

  test('traces every function with X-Ray', () => {
    for (const { props } of declared()) assert.deepEqual(props.TracingConfig, { Mode: 'Active' });
  });
});
