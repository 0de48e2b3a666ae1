import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';

/**
 * Runs one invocation of a wrapped operation in a fresh Node process (the logger reads its level
 * once per process, as per function instance) and returns the JSON lines it logged (stdout and
 * stderr: Lambda keeps both).
 */
function invokeWithLogLevel(logLevel: string, operation: string): Record<string, unknown>[] {
  const script = `
    import { httpHandler } from './src/http/handle.ts';
    const handler = httpHandler(${operation});
    const event = { httpMethod: 'POST', resource: '/things', path: '/things', headers: {},
      body: '{"secret":"do not log me"}', requestContext: { requestId: 'req-1', path: '/things' } };
    const result = await handler(event, { awsRequestId: 'aws-1', functionName: 'things-create',
      functionVersion: '$LATEST', memoryLimitInMB: '256', invokedFunctionArn: 'arn', getRemainingTimeInMillis: () => 1000 });
    process.stdout.write('RESULT ' + JSON.stringify(result) + '\\n');`;
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH,
      LOG_LEVEL: logLevel,
      POWERTOOLS_SERVICE_NAME: 'things',
      ACCESS_RULE: 'public',
    },
  });
  assert.equal(run.status, 0, run.stderr);
  const output = `${run.stdout}\n${run.stderr}`;
  assert.doesNotMatch(output, /do not log me/);
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

test('writes one INFO line per invocation with the request facts and no body', () => {
  const lines = invokeWithLogLevel('INFO', 'async () => ({ status: 201, body: { ok: true } })');
  assert.equal(lines.length, 1);
  const [line] = lines;
  assert.equal(line?.level, 'INFO');
  assert.equal(line?.message, 'request completed');
  assert.equal(line?.service, 'things');
  assert.equal(line?.correlation_id, 'req-1');
  assert.equal(line?.function_request_id, 'aws-1');
  assert.equal(line?.status, 201);
  assert.equal(line?.route, '/things');
});

test('honours LOG_LEVEL: at WARN a successful invocation writes nothing', () => {
  assert.deepEqual(invokeWithLogLevel('WARN', 'async () => ({ status: 200 })'), []);
});

test('logs an unexpected error with its cause and answers a generic 500', () => {
  const lines = invokeWithLogLevel('WARN', "async () => { throw new Error('table exploded'); }");
  assert.equal(lines.length, 1);
  assert.equal(lines[0]?.level, 'ERROR');
  assert.match(JSON.stringify(lines[0]?.error), /table exploded/);
});
