import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { metricValues, readEmf } from '../../test/support/emf.ts';
import { METRIC_DIMENSIONS, METRICS, METRICS_NAMESPACE, metricFields } from './metrics.ts';

/** Invokes a wrapped operation twice in a fresh process (a fresh instance) and returns its JSON lines. */
function invokeTwice(operation: string): string[] {
  const script = `
    import { httpHandler } from './src/http/handle.ts';
    const handler = httpHandler(${operation});
    const event = { httpMethod: 'PUT', resource: '/things/{id}', path: '/things/1', headers: {},
      requestContext: { requestId: 'req-1', path: '/things/1' } };
    const context = { awsRequestId: 'aws-1', functionName: 'Stack-things-replace',
      functionVersion: '$LATEST', memoryLimitInMB: '256', invokedFunctionArn: 'arn', getRemainingTimeInMillis: () => 1000 };
    await handler(event, context);
    await handler(event, context);`;
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH,
      LOG_LEVEL: 'INFO',
      POWERTOOLS_SERVICE_NAME: 'things',
      AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
      ACCESS_RULE: 'public',
    },
  });
  assert.equal(run.status, 0, run.stderr);
  return `${run.stdout}\n${run.stderr}`.split('\n').filter((line) => line.startsWith('{'));
}

test('the request line is an EMF document with every metric, by service and function', () => {
  const lines = invokeTwice('async () => ({ status: 201 })');
  assert.equal(lines.length, 2);
  const metrics = readEmf(lines[0] ?? '');
  assert.ok(metrics);
  assert.deepEqual(
    metrics.map((m) => m.name).sort(),
    Object.values(METRICS)
      .map((m) => m.name)
      .sort(),
  );
  for (const metric of metrics) {
    assert.equal(metric.namespace, METRICS_NAMESPACE);
    assert.deepEqual(metric.dimensions, {
      [METRIC_DIMENSIONS.service]: 'things',
      [METRIC_DIMENSIONS.function]: 'Stack-things-replace',
    });
  }
  const first = metricValues(metrics);
  assert.equal(first.Requests, 1);
  assert.equal(first.Status4xx, 0);
  assert.equal(first.Status5xx, 0);
  assert.equal(first.ColdStart, 1);
  assert.ok((first.Latency ?? -1) >= 0);
  assert.equal(metricValues(readEmf(lines[1] ?? '') ?? []).ColdStart, 0, 'only the first is cold');
  assert.deepEqual(
    lines.map((line) => JSON.parse(line).cold_start),
    [true, false],
    "agrees with Powertools' cold_start",
  );
});

test('counts 412s as client errors and conflicts, thrown errors as 5xx', () => {
  const conflict = `async () => { const { PreconditionFailedError } = await import('./src/domain/errors.ts');
    throw new PreconditionFailedError('lost'); }`;
  const [line] = invokeTwice(conflict);
  assert.deepEqual(
    {
      ...metricValues(readEmf(line ?? '') ?? []),
      Latency: 0,
    },
    {
      Requests: 1,
      Status4xx: 1,
      Status5xx: 0,
      Status412: 1,
      Latency: 0,
      ColdStart: 1,
      DynamoDbThrottles: 0,
      DynamoDbRetries: 0,
      DynamoDbTime: 0,
    },
  );
  const failed = invokeTwice("async () => { throw new Error('boom'); }").map((l) => readEmf(l));
  const values = failed.filter((m) => m !== undefined).map((m) => metricValues(m));
  assert.deepEqual(
    values.map((v) => v.Status5xx),
    [1, 1],
  );
});

test('declares units CloudWatch knows and zero for what did not happen', () => {
  const fields = metricFields({ status: 200, durationMs: 3.5, coldStart: false }, 1_700_000_000_000);
  assert.equal((fields._aws as { Timestamp: number }).Timestamp, 1_700_000_000_000);
  assert.equal(fields.Latency, 3.5);
  assert.equal(fields.Status5xx, 0);
  assert.equal(fields.DynamoDbRetries, 0);
});
