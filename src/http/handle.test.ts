import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';

/**
 * Runs one invocation of a wrapped operation in a fresh Node process (the logger reads its level
 * once per process, as per function instance) and returns the JSON lines it logged (stdout and
 * stderr: Lambda keeps both).
 */
function invokeWithLogLevel(
  logLevel: string,
  operation: string,
  eventOverrides = '{}',
): Record<string, unknown>[] {
  return invoke(logLevel, operation, eventOverrides).lines;
}

const REQUEST_ID = '6f1c7a8e-0b2d-4c3e-9f4a-5b6c7d8e9f01';

/** As `invokeWithLogLevel`, and the proxy result the handler resolved with. */
function invoke(
  logLevel: string,
  operation: string,
  eventOverrides = '{}',
): {
  lines: Record<string, unknown>[];
  result: { statusCode: number; headers: Record<string, string>; body: string };
} {
  const script = `
    import { httpHandler } from './src/http/handle.ts';
    const handler = httpHandler(${operation});
    const event = { httpMethod: 'POST', resource: '/things', path: '/things', headers: {},
      body: '{"secret":"do not log me"}', requestContext: { requestId: '${REQUEST_ID}', path: '/things' },
      ...${eventOverrides} };
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
  const resultLine = output.split('\n').find((line) => line.startsWith('RESULT '));
  assert.ok(resultLine, `the handler resolved with a result: ${output}`);
  return {
    result: JSON.parse(resultLine.slice('RESULT '.length)),
    lines: output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

/** A generic 500 problem: its members, nothing about the cause, no stack; the cause in the log. */
function assertGeneric500({ lines, result }: ReturnType<typeof invoke>, cause: RegExp, hidden: RegExp): void {
  assert.equal(result.statusCode, 500);
  assert.equal(result.headers['Content-Type'], 'application/problem+json');
  assert.deepEqual(JSON.parse(result.body), {
    type: 'urn:serverless-microservices:problem:internal-error',
    title: 'Internal Server Error',
    status: 500,
    detail: 'The request could not be completed.',
    instance: `urn:uuid:${REQUEST_ID}`,
  });
  assert.doesNotMatch(result.body, hidden, 'nothing of the cause reaches the client');
  assert.doesNotMatch(result.body, /\bat .+:\d+|stack|\w+Error\b/, 'no stack, no error names');
  const errors = lines.filter((line) => line.level === 'ERROR');
  assert.equal(errors.length, 1);
  assert.equal(errors[0]?.message, 'request failed');
  assert.match(JSON.stringify(errors[0]?.error), cause, 'the cause is in the log');
}

test('writes one INFO line per invocation with the request facts and no body', () => {
  const lines = invokeWithLogLevel('INFO', 'async () => ({ status: 201, body: { ok: true } })');
  assert.equal(lines.length, 1);
  const [line] = lines;
  assert.equal(line?.level, 'INFO');
  assert.equal(line?.message, 'request completed');
  assert.equal(line?.service, 'things');
  assert.equal(line?.correlation_id, REQUEST_ID);
  assert.equal(line?.function_request_id, 'aws-1');
  assert.equal(line?.status, 201);
  assert.equal(line?.route, '/things');
});

test('honours LOG_LEVEL: at WARN a successful invocation writes nothing', () => {
  assert.deepEqual(invokeWithLogLevel('WARN', 'async () => ({ status: 200 })'), []);
});

test('logs an unexpected error with its cause and answers a generic 500', () => {
  const outcome = invoke('WARN', "async () => { throw new TypeError('table exploded in products-table'); }");
  assert.equal(outcome.lines.length, 1);
  assertGeneric500(outcome, /table exploded in products-table/, /exploded|products-table|TypeError/);
});

test('a step before the operation that throws is inside the boundary too: a generic 500, the cause logged', () => {
  // An event without a path: reading the request itself fails, before the operation runs.
  const outcome = invoke(
    'WARN',
    "async () => ({ status: 200, body: 'never reached' })",
    '{ path: undefined, requestContext: { requestId: REQUEST_ID } }'.replace('REQUEST_ID', `'${REQUEST_ID}'`),
  );
  assertGeneric500(outcome, /TypeError|endsWith|undefined/, /endsWith|never reached|TypeError/);
});

test('a response that cannot be serialised is a generic 500, the cause logged', () => {
  const outcome = invoke('WARN', 'async () => ({ status: 200, body: { n: 10n } })');
  assertGeneric500(outcome, /BigInt/i, /BigInt/i);
});
