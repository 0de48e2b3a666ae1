// One function synthesized alone, for what depends on its declaration: its log format.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AttributeType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { allow } from '#src/declaration/access.ts';
import { defineService } from '#src/declaration/define-service.ts';
import type { LogFormat } from '#src/declaration/types.ts';
import { ServiceFunction } from './service-function.ts';

let bundleDir: string;

before(async () => {
  bundleDir = await mkdtemp(path.join(tmpdir(), 'service-function-test-'));
  await writeFile(path.join(bundleDir, 'index.mjs'), 'export const handler = async () => null;\n');
});

after(async () => {
  await rm(bundleDir, { recursive: true, force: true });
});

/** The LoggingConfig of one function declared with `logFormat` (or without one). */
function loggingConfig(logFormat?: LogFormat): Record<string, unknown> {
  const service = defineService({
    name: 'notes',
    table: { name: 'notes', partitionKey: 'id' },
    functions: [
      {
        name: 'notes-get',
        method: 'GET',
        path: '/notes/{id}',
        handler: 'src/handlers/get.ts',
        actions: ['dynamodb:GetItem'],
        access: allow.signedIn(),
        ...(logFormat ? { logFormat } : {}),
      },
    ],
  });
  const [fn] = service.functions;
  assert.ok(fn);
  const stack = new Stack(new App(), 'Test');
  const table = new Table(stack, 'Table', { partitionKey: { name: 'id', type: AttributeType.STRING } });
  new ServiceFunction(stack, 'Fn', {
    service,
    fn,
    table,
    bundle: { functionName: fn.name, dir: bundleDir, file: path.join(bundleDir, 'index.mjs'), bytes: 0 },
    functionName: 'Test-notes-get',
    logLevel: 'DEBUG',
    corsOrigins: ['*'],
    logRetention: RetentionDays.ONE_MONTH,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const functions = Template.fromStack(stack).findResources('AWS::Lambda::Function');
  const [resource] = Object.values(functions) as { Properties: { LoggingConfig: Record<string, unknown> } }[];
  assert.ok(resource);
  const { LogGroup: _logGroup, ...config } = resource.Properties.LoggingConfig;
  return config;
}

describe('a service function', () => {
  test('logs JSON filtered at the stack log level unless its declaration says otherwise', () => {
    const expected = { LogFormat: 'JSON', ApplicationLogLevel: 'DEBUG', SystemLogLevel: 'INFO' };
    assert.deepEqual(loggingConfig(), expected);
    assert.deepEqual(loggingConfig('JSON'), expected);
  });

  test("logs Lambda's text lines, without log levels (which need JSON), when declared Text", () => {
    assert.deepEqual(loggingConfig('Text'), { LogFormat: 'Text' });
  });
});
