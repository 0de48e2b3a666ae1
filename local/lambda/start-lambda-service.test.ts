import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LOCAL_ACCOUNT_ID } from '#local/local-account.ts';
import { RUNTIME_API_ADDRESS, RUNTIME_DIR } from './lambda-environment.ts';
import { EXPOSE_GC_FLAG, instanceRuntime, SOURCE_MAPS_FLAG } from './spawn-instance.ts';
import { type LambdaService, startLambdaService } from './start-lambda-service.ts';
import {
  handlerFile,
  type RecordingSink,
  recordingSink,
  testEvent,
  testFunction,
} from './test-handlers/test-kit.ts';

const REPORT =
  /^REPORT RequestId: [0-9a-f-]{36}\tDuration: \d+\.\d\d ms\tBilled Duration: \d+ ms\tMemory Size: 128 MB\tMax Memory Used: \d+ MB(\tInit Duration: \d+\.\d\d ms)?$/;

function resultOf(outcome: Awaited<ReturnType<LambdaService['invoke']>>): Record<string, unknown> {
  assert.equal(outcome.kind, 'result', JSON.stringify(outcome));
  assert.ok(outcome.kind === 'result' && typeof outcome.value === 'object' && outcome.value !== null);
  return outcome.value as Record<string, unknown>;
}

describe('startLambdaService', () => {
  let lambda: LambdaService;
  let sink: RecordingSink;
  const hostVariables = { HOST_ONLY_SETTING: 'from the host', AWS_ACCESS_KEY_ID: 'AKIAHOSTDEVELOPER' };

  before(() => {
    Object.assign(process.env, hostVariables);
    sink = recordingSink();
    lambda = startLambdaService({
      functions: [
        testFunction('alpha', 'environment', {
          environment: { ALPHA_ONLY: 'a', AWS_ACCESS_KEY_ID: 'AKIAALPHA', AWS_REGION: 'ignored' },
        }),
        testFunction('beta', 'environment', { environment: { BETA_ONLY: 'b' } }),
        testFunction('whoami', 'whoami'),
        testFunction('wide', 'whoami'),
        testFunction('narrow', 'whoami'),
        testFunction('chatty', 'chatty'),
        testFunction('chatty-debug', 'chatty', { logLevel: 'DEBUG' }),
        testFunction('chatty-text', 'chatty', { logFormat: 'Text', logLevel: 'ERROR' }),
        testFunction('misbehave', 'misbehave'),
      ],
      region: 'eu-west-1',
      logSink: sink,
      maxInstancesPerFunction: 4,
    });
  });

  after(async () => {
    for (const name of Object.keys(hostVariables)) delete process.env[name];
    await lambda.close();
  });

  it('gives each function only its own variables plus those Lambda sets', async () => {
    const alpha = resultOf(await lambda.invoke('alpha', testEvent()));
    const {
      AWS_LAMBDA_LOG_STREAM_NAME: logStream,
      _X_AMZN_TRACE_ID: traceId,
      TMPDIR: tmpDir,
      TEMP: temp,
      TMP: tmp,
      PATH: runtimePath,
      ...env
    } = alpha.env as Record<string, string>;
    assert.match(logStream ?? '', /^\d{4}\/\d\d\/\d\d\/\[\$LATEST\][0-9a-f]{32}$/);
    assert.match(traceId ?? '', /^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0$/);
    assert.equal(alpha.tmpdir, tmpDir);
    assert.deepEqual([temp, tmp], [tmpDir, tmpDir]);
    assert.ok(runtimePath?.split(path.delimiter).includes(path.dirname(process.execPath)));
    assert.deepEqual(env, {
      ALPHA_ONLY: 'a',
      AWS_ACCESS_KEY_ID: 'AKIAALPHA',
      AWS_LAMBDA_FUNCTION_NAME: 'alpha',
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '128',
      AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/alpha',
      AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
      AWS_REGION: 'eu-west-1',
      AWS_DEFAULT_REGION: 'eu-west-1',
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
      AWS_LAMBDA_LOG_FORMAT: 'JSON',
      AWS_LAMBDA_LOG_LEVEL: 'INFO',
      AWS_LAMBDA_RUNTIME_API: RUNTIME_API_ADDRESS,
      _HANDLER: 'index.handler',
      LAMBDA_TASK_ROOT: path.dirname(handlerFile('environment')),
      LAMBDA_RUNTIME_DIR: RUNTIME_DIR,
      LANG: 'en_US.UTF-8',
      TZ: ':UTC',
    });
    const beta = resultOf(await lambda.invoke('beta', testEvent()));
    const betaEnv = beta.env as Record<string, string>;
    assert.equal(betaEnv.BETA_ONLY, 'b');
    assert.equal(betaEnv.ALPHA_ONLY, undefined);
    assert.equal(betaEnv.AWS_ACCESS_KEY_ID, undefined);
    assert.equal(betaEnv.HOST_ONLY_SETTING, undefined);
  });

  it('sets _X_AMZN_TRACE_ID per invocation, continuing the trace of the X-Amzn-Trace-Id header', async () => {
    const root = 'Root=1-66704cad-0123456789abcdef01234567';
    const event = testEvent();
    const traced = resultOf(
      await lambda.invoke('alpha', { ...event, headers: { ...event.headers, 'x-amzn-trace-id': root } }),
    );
    const traceId = (traced.env as Record<string, string>)._X_AMZN_TRACE_ID;
    assert.match(traceId ?? '', /^Root=1-66704cad-0123456789abcdef01234567;Parent=[0-9a-f]{16};Sampled=0$/);
    const next = resultOf(await lambda.invoke('alpha', testEvent()));
    const nextId = (next.env as Record<string, string>)._X_AMZN_TRACE_ID;
    assert.doesNotMatch(nextId ?? '', /0123456789abcdef01234567/);
  });

  it('shows the task root as the working directory, which threads cannot change', async () => {
    const { cwd } = resultOf(await lambda.invoke('alpha', testEvent()));
    assert.equal(cwd, path.dirname(handlerFile('environment')));
  });

  it('runs the bundle under bare Node, without the loader flags of the host: only source maps, gc and its memory bound', async () => {
    const { execArgv } = resultOf(await lambda.invoke('alpha', testEvent()));
    assert.deepEqual(execArgv, [
      SOURCE_MAPS_FLAG,
      EXPOSE_GC_FLAG,
      ...instanceRuntime().flags,
      '--max-semi-space-size=6',
      '--max-old-space-size=116',
    ]);
  });

  it('passes the Lambda context of the invocation', async () => {
    const { context } = resultOf(await lambda.invoke('alpha', testEvent()));
    const { awsRequestId, logStreamName, remainingMs, ...fixed } = context as Record<string, unknown>;
    assert.match(
      String(awsRequestId),
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    assert.match(String(logStreamName), /^\d{4}\/\d\d\/\d\d\/\[\$LATEST\][0-9a-f]{32}$/);
    assert.ok(typeof remainingMs === 'number' && remainingMs > 0 && remainingMs <= 10_000);
    assert.deepEqual(fixed, {
      functionName: 'alpha',
      functionVersion: '$LATEST',
      invokedFunctionArn: `arn:aws:lambda:eu-west-1:${LOCAL_ACCOUNT_ID}:function:alpha`,
      memoryLimitInMB: '128',
      logGroupName: '/aws/lambda/alpha',
      callbackWaitsForEmptyEventLoop: true,
    });
    assert.ok(
      sink.lines('alpha').some((line) => line === `START RequestId: ${awsRequestId} Version: $LATEST`),
    );
  });

  it('keeps module state across the warm invocations of one instance', async () => {
    const first = resultOf(await lambda.invoke('whoami', testEvent()));
    const second = resultOf(await lambda.invoke('whoami', testEvent()));
    const third = resultOf(await lambda.invoke('whoami', testEvent()));
    assert.deepEqual([first.count, second.count, third.count], [1, 2, 3]);
    assert.equal(new Set([first.instanceId, second.instanceId, third.instanceId]).size, 1);
    assert.equal(lambda.stats().whoami?.coldStarts, 1);
  });

  it('starts a new instance for each concurrent invocation, each with its own module state', async () => {
    const pending = [1, 2, 3].map(() => lambda.invoke('wide', testEvent()));
    assert.deepEqual(lambda.stats().wide, { instances: 3, busy: 3, queued: 0, coldStarts: 3 });
    const results = (await Promise.all(pending)).map(resultOf);
    assert.equal(new Set(results.map((result) => result.instanceId)).size, 3);
    assert.deepEqual(
      results.map((result) => result.count),
      [1, 1, 1],
    );
    const warm = resultOf(await lambda.invoke('wide', testEvent()));
    assert.equal(warm.count, 2);
    assert.deepEqual(lambda.stats().wide, { instances: 3, busy: 0, queued: 0, coldStarts: 3 });
  });

  it('queues invocations beyond the instance limit and serves them on warm instances', async () => {
    const pending = Array.from({ length: 7 }, () => lambda.invoke('narrow', testEvent({ waitMs: 20 })));
    assert.deepEqual(lambda.stats().narrow, { instances: 4, busy: 4, queued: 3, coldStarts: 4 });
    const results = (await Promise.all(pending)).map(resultOf);
    const servedBy = new Map<unknown, number>();
    for (const { instanceId, count } of results) {
      servedBy.set(instanceId, Math.max(Number(count), servedBy.get(instanceId) ?? 0));
    }
    assert.equal(servedBy.size, 4);
    assert.equal(
      [...servedBy.values()].reduce((sum, served) => sum + served, 0),
      7,
    );
    assert.deepEqual(lambda.stats().narrow, { instances: 4, busy: 0, queued: 0, coldStarts: 4 });
  });

  it('reports Init Duration on the first invocation of an instance only', async () => {
    await lambda.invoke('chatty', testEvent());
    await lambda.invoke('chatty', testEvent());
    const reports = sink.lines('chatty').filter((line) => line.startsWith('REPORT'));
    assert.equal(reports.length, 2);
    for (const report of reports) assert.match(report, REPORT);
    assert.match(reports[0] ?? '', /\tInit Duration: \d+\.\d\d ms$/);
    assert.doesNotMatch(reports[1] ?? '', /Init Duration/);
  });

  it("logs START, then the function's own lines in order, then END and REPORT", async () => {
    const written = sink.lines('chatty').length;
    await lambda.invoke('chatty', testEvent());
    const lines = sink.lines('chatty').slice(written);
    const requestId = /^START RequestId: (\S+) Version: \$LATEST$/.exec(lines[0] ?? '')?.[1] ?? 'missing';
    const stamp = `\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z\\t${requestId}`;
    const expected = [
      new RegExp(`^START RequestId: ${requestId} Version: \\$LATEST$`),
      new RegExp(`^${stamp}\\tINFO\\tfirst line$`),
      new RegExp(`^${stamp}\\tERROR\\tsecond line$`),
      /^third line$/,
      /^fourth line$/,
      // console.debug and console.trace are below the JSON log format's level (INFO): dropped.
      new RegExp(`^${stamp}\\tINFO\\ttwo-line\\rmessage$`),
      new RegExp(`^END RequestId: ${requestId}$`),
      REPORT,
    ];
    assert.equal(lines.length, expected.length, lines.join('\n'));
    for (const [index, pattern] of expected.entries()) assert.match(lines[index] ?? '', pattern);
    assert.ok(sink.lines('chatty')[0]?.endsWith('\tundefined\tINFO\tloading chatty'));
  });

  it('filters console output by the log level in the JSON format, and not at all in the text format', async () => {
    await lambda.invoke('chatty-debug', testEvent());
    await lambda.invoke('chatty-text', testEvent());
    const levels = (name: string) =>
      sink
        .lines(name)
        .map((line) => /^\S+\t[0-9a-f-]{36}\t([A-Z]+)\t/.exec(line)?.[1])
        .filter((level) => level !== undefined);
    assert.deepEqual(levels('chatty-debug'), ['INFO', 'DEBUG', 'ERROR', 'INFO']);
    assert.deepEqual(levels('chatty-text'), ['INFO', 'DEBUG', 'ERROR', 'TRACE', 'INFO']);
  });

  it('refuses a request payload over 6 MB without invoking the function', async () => {
    const before = lambda.stats().beta;
    const outcome = await lambda.invoke('beta', testEvent({ padding: 'x'.repeat(6 * 1024 * 1024) }));
    assert.deepEqual(outcome, { kind: 'payload-too-large', direction: 'request' });
    assert.deepEqual(lambda.stats().beta, before);
  });

  it('refuses a result over 6 MB', async () => {
    const outcome = await lambda.invoke('misbehave', testEvent({ action: 'big-result' }));
    assert.deepEqual(outcome, { kind: 'payload-too-large', direction: 'response' });
  });

  it('serialises an undefined result as null, as Lambda does', async () => {
    const outcome = await lambda.invoke('misbehave', testEvent({ action: 'nothing' }));
    assert.deepEqual(outcome, { kind: 'result', value: null });
  });

  it('answers ResourceNotFoundException for a function it does not run', async () => {
    const outcome = await lambda.invoke('products-teleport', testEvent());
    assert.deepEqual(outcome, {
      kind: 'error',
      errorType: 'ResourceNotFoundException',
      errorMessage: `Function not found: arn:aws:lambda:eu-west-1:${LOCAL_ACCOUNT_ID}:function:products-teleport`,
    });
  });
});

describe('a function served before its bundle is built', () => {
  it('counts invocations waiting for the build as queued, builds once, then serves them', async () => {
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let builds = 0;
    const service = startLambdaService({
      functions: [testFunction('later', 'whoami', { bundleFile: '' })],
      logSink: recordingSink(),
      buildBundle: async (name) => {
        builds += 1;
        await released;
        service.update([testFunction(name, 'whoami')]);
      },
    });
    try {
      const pending = [service.invoke('later', testEvent()), service.invoke('later', testEvent())];
      assert.deepEqual(service.stats().later, { instances: 0, busy: 0, queued: 2, coldStarts: 0 });
      release();
      const outcomes = await Promise.all(pending);
      assert.deepEqual(
        outcomes.map((outcome) => outcome.kind),
        ['result', 'result'],
      );
      assert.equal(builds, 1);
      assert.equal(service.stats().later?.queued, 0);
    } finally {
      await service.close();
    }
  });
});
