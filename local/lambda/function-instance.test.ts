// How instances fail and are replaced, observed through the service as the gateway sees it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { afterEach, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { InvokeOutcome } from '#local/contracts.ts';
import { CALLBACK_HANDLER_MESSAGE } from './invocation-outcomes.ts';
import { type LambdaService, type LambdaServiceOptions, startLambdaService } from './start-lambda-service.ts';
import { type RecordingSink, recordingSink, testEvent, testFunction } from './test-handlers/test-kit.ts';

const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

let lambda: LambdaService | undefined;
let sink: RecordingSink;

function start(functions: LambdaServiceOptions['functions']): LambdaService {
  sink = recordingSink();
  lambda = startLambdaService({ functions, logSink: sink });
  return lambda;
}

/** The JSON document of the runtime's error line labelled `label`, e.g. `Invoke Error`. */
function errorDocument(lines: readonly string[], label: string): Record<string, unknown> {
  const line = lines.find((candidate) => candidate.includes(`\tERROR\t${label} \t{`));
  assert.ok(line, `a line labelled ${label} in\n${lines.join('\n')}`);
  return JSON.parse(line.slice(line.indexOf('\t{') + 1)) as Record<string, unknown>;
}

/** The instance that answered a `misbehave` invocation. */
function instanceOf(outcome: InvokeOutcome): unknown {
  assert.equal(outcome.kind, 'result', JSON.stringify(outcome));
  return outcome.kind === 'result' && (outcome.value as { instanceId?: unknown }).instanceId;
}

function act(service: LambdaService, action: string): Promise<InvokeOutcome> {
  return service.invoke('misbehave', testEvent({ action }));
}

describe('a function instance', () => {
  afterEach(async () => {
    await lambda?.close();
    lambda = undefined;
  });

  it('times out a hanging handler, logs it as Lambda does and serves the next invocation from a new instance', async () => {
    const service = start([testFunction('misbehave', 'misbehave', { timeoutSeconds: 1 })]);
    const first = instanceOf(await act(service, 'ok'));
    const hung = await act(service, 'hang');
    assert.equal(hung.kind, 'error');
    assert.ok(hung.kind === 'error');
    assert.equal(hung.errorType, 'Sandbox.Timedout');
    // Lambda reports the time the invocation really took, which a busy machine stretches past
    // the 1 s timeout; never less.
    const message = /^\d{4}-\d\d-\d\dT[\d:.]+Z [0-9a-f-]{36} Task timed out after (\d+\.\d\d) seconds$/.exec(
      hung.errorMessage,
    );
    assert.ok(message, hung.errorMessage);
    assert.ok(Number(message[1]) >= 1, hung.errorMessage);
    const lines = sink.lines('misbehave');
    const timedOutAt = lines.indexOf(hung.errorMessage);
    const requestId = hung.errorMessage.split(' ')[1];
    assert.match(lines[timedOutAt - 2] ?? '', new RegExp(`^END RequestId: ${requestId}$`));
    const report = new RegExp(`^REPORT RequestId: ${requestId}\\tDuration: (\\d+\\.\\d\\d) ms`).exec(
      lines[timedOutAt - 1] ?? '',
    );
    assert.ok(report, lines[timedOutAt - 1]);
    assert.match(lines[timedOutAt - 1] ?? '', /\tStatus: timeout$/);
    assert.ok(Number(report[1]) >= 1000, lines[timedOutAt - 1]);
    assert.ok(
      Math.abs(Number(report[1]) / 1000 - Number(message[1])) <= 0.01,
      'REPORT and the message agree',
    );
    assert.notEqual(instanceOf(await act(service, 'ok')), first);
    assert.deepEqual(service.stats().misbehave, { instances: 1, busy: 0, queued: 0, coldStarts: 2 });
  });

  it('keeps serving from other instances while one of them hangs', async () => {
    const service = start([testFunction('misbehave', 'misbehave', { timeoutSeconds: 1 })]);
    const first = instanceOf(await act(service, 'ok'));
    const [hung, meanwhile] = await Promise.all([act(service, 'hang'), act(service, 'ok')]);
    assert.ok(hung.kind === 'error' && hung.errorType === 'Sandbox.Timedout');
    assert.notEqual(instanceOf(meanwhile), first);
  });

  it('keeps the instance when the handler throws', async () => {
    const service = start([testFunction('misbehave', 'misbehave')]);
    const first = instanceOf(await act(service, 'ok'));
    const thrown = await act(service, 'throw');
    assert.deepEqual(thrown, {
      kind: 'error',
      errorType: 'RangeError',
      errorMessage: 'price must not be negative',
    });
    assert.ok(
      sink.lines('misbehave').some((line) => /\tERROR\tInvoke Error \t\{"errorType":"RangeError"/.test(line)),
    );
    assert.equal(instanceOf(await act(service, 'ok')), first);
  });

  it('replaces the instance when an exception escapes the handler', async () => {
    const service = start([testFunction('misbehave', 'misbehave')]);
    const first = instanceOf(await act(service, 'ok'));
    const crashed = await act(service, 'throw-in-timer');
    assert.deepEqual(crashed, {
      kind: 'error',
      errorType: 'Error',
      errorMessage: 'thrown outside the handler',
    });
    const lines = sink.lines('misbehave');
    assert.ok(lines.some((line) => /\tERROR\tUncaught Exception \t/.test(line)));
    assert.match(lines.at(-3) ?? '', /^REPORT .*\tStatus: error\tError Type: Runtime\.ExitError$/);
    assert.match(lines.at(-2) ?? '', /Error: Runtime exited with error: exit status 129$/);
    assert.equal(lines.at(-1), 'Runtime.ExitError');
    assert.notEqual(instanceOf(await act(service, 'ok')), first);
  });

  it('replaces the instance after an unhandled rejection', async () => {
    const service = start([testFunction('misbehave', 'misbehave')]);
    const first = instanceOf(await act(service, 'ok'));
    const crashed = await act(service, 'reject-unhandled');
    assert.deepEqual(crashed, {
      kind: 'error',
      errorType: 'Runtime.UnhandledPromiseRejection',
      errorMessage: 'Error: nobody awaits this',
    });
    assert.notEqual(instanceOf(await act(service, 'ok')), first);
  });

  it("logs an unhandled rejection in Lambda's document: type, message, reason, promise, stack", async () => {
    const service = start([testFunction('misbehave', 'misbehave')]);
    await act(service, 'reject-unhandled');
    const { reason, stack, ...document } = errorDocument(
      sink.lines('misbehave'),
      'Unhandled Promise Rejection',
    );
    assert.deepEqual(Object.keys(errorDocument(sink.lines('misbehave'), 'Unhandled Promise Rejection')), [
      'errorType',
      'errorMessage',
      'reason',
      'promise',
      'stack',
    ]);
    assert.deepEqual(document, {
      errorType: 'Runtime.UnhandledPromiseRejection',
      errorMessage: 'Error: nobody awaits this',
      promise: {},
    });
    const { stack: reasonStack, ...reasonFields } = reason as Record<string, unknown>;
    assert.deepEqual(reasonFields, { errorType: 'Error', errorMessage: 'nobody awaits this' });
    assert.equal((reasonStack as string[])[0], 'Error: nobody awaits this');
    assert.equal((stack as string[])[0], 'Runtime.UnhandledPromiseRejection: Error: nobody awaits this');
    const plain = await act(service, 'reject-unhandled-string');
    assert.deepEqual(plain, {
      kind: 'error',
      errorType: 'Runtime.UnhandledPromiseRejection',
      errorMessage: 'a plain string',
    });
    const documents = sink
      .lines('misbehave')
      .filter((line) => line.includes('\tUnhandled Promise Rejection \t'));
    const last = JSON.parse(documents.at(-1)?.split('\t').at(-1) ?? '{}') as Record<string, unknown>;
    assert.equal(last.reason, 'a plain string');
  });

  it('refuses a callback-style handler at init, as the Node.js 24 runtime does', async () => {
    const service = start([testFunction('callback', 'callback')]);
    const refused = await service.invoke('callback', testEvent());
    assert.deepEqual(refused, {
      kind: 'error',
      errorType: 'Runtime.CallbackHandlerDeprecated',
      errorMessage: CALLBACK_HANDLER_MESSAGE,
    });
    const lines = sink.lines('callback');
    assert.equal(errorDocument(lines, 'Init Error').errorType, 'Runtime.CallbackHandlerDeprecated');
    assert.ok(
      lines.some((line) =>
        /^INIT_REPORT Init Duration: \d+\.\d\d ms\tPhase: init\tStatus: error\tError Type: Runtime\.CallbackHandlerDeprecated$/.test(
          line,
        ),
      ),
      lines.join('\n'),
    );
  });

  it('writes INIT_REPORT before the failed invocation when module init throws', async () => {
    const service = start([testFunction('throws', 'throws-at-init')]);
    const failed = await service.invoke('throws', testEvent());
    assert.deepEqual(failed, {
      kind: 'error',
      errorType: 'TypeError',
      errorMessage: 'TABLE_NAME is not set',
    });
    const lines = sink.lines('throws');
    const initReport = lines.findIndex((line) => line.startsWith('INIT_REPORT '));
    assert.match(lines[initReport] ?? '', /\tPhase: init\tStatus: error\tError Type: TypeError$/);
    assert.match(lines[initReport + 1] ?? '', /^START RequestId: /);
    assert.match(lines.at(-1) ?? '', /^REPORT .*\tStatus: error\tError Type: TypeError$/);
    assert.equal(errorDocument(lines, 'Init Error').errorMessage, 'TABLE_NAME is not set');
  });

  it('replaces the instance after process.exit', async () => {
    const service = start([testFunction('misbehave', 'misbehave')]);
    const first = instanceOf(await act(service, 'ok'));
    const exited = await act(service, 'exit');
    assert.equal(exited.kind, 'error');
    assert.ok(exited.kind === 'error');
    assert.equal(exited.errorType, 'Runtime.ExitError');
    assert.match(
      exited.errorMessage,
      /^RequestId: [0-9a-f-]{36} Error: Runtime exited with error: exit status 1$/,
    );
    assert.notEqual(instanceOf(await act(service, 'ok')), first);
  });

  it('replaces the instance that reaches its memory limit, reporting the limit as used', async () => {
    const service = start([testFunction('misbehave', 'misbehave', { memoryMb: 128, timeoutSeconds: 120 })]);
    const first = instanceOf(await act(service, 'ok'));
    const killed = await act(service, 'allocate');
    assert.equal(killed.kind, 'error');
    assert.ok(killed.kind === 'error');
    assert.equal(killed.errorType, 'Runtime.OutOfMemory');
    assert.match(killed.errorMessage, /Error: Runtime exited with error: signal: killed$/);
    const lines = sink.lines('misbehave');
    assert.match(
      lines.at(-3) ?? '',
      /\tMemory Size: 128 MB\tMax Memory Used: 128 MB\tStatus: error\tError Type: Runtime\.OutOfMemory$/,
    );
    assert.equal(lines.at(-1), 'Runtime.OutOfMemory');
    assert.notEqual(instanceOf(await act(service, 'ok')), first);
  });

  it('ends an instance whose Buffers (outside the V8 heap) outgrow its memory size, as out of memory', async () => {
    const service = start([testFunction('misbehave', 'misbehave', { memoryMb: 128, timeoutSeconds: 20 })]);
    const first = instanceOf(await act(service, 'ok'));
    const killed = await act(service, 'allocate-buffers');
    assert.ok(killed.kind === 'error', JSON.stringify(killed));
    assert.equal(killed.errorType, 'Runtime.OutOfMemory');
    assert.match(killed.errorMessage, /Error: Runtime exited with error: signal: killed$/);
    const lines = sink.lines('misbehave');
    assert.match(
      lines.at(-3) ?? '',
      /\tMax Memory Used: 128 MB\tStatus: error\tError Type: Runtime\.OutOfMemory$/,
    );
    assert.notEqual(instanceOf(await act(service, 'ok')), first);
  });

  it('fails every invocation of a bundle without a handler export with Runtime.HandlerNotFound', async () => {
    const service = start([testFunction('broken', 'no-handler'), testFunction('missing', 'does-not-exist')]);
    for (let attempt = 0; attempt < 2; attempt += 1) {
      assert.deepEqual(await service.invoke('broken', testEvent()), {
        kind: 'error',
        errorType: 'Runtime.HandlerNotFound',
        errorMessage: 'index.handler is undefined or not exported',
      });
    }
    const missing = await service.invoke('missing', testEvent());
    assert.ok(missing.kind === 'error' && missing.errorType === 'Runtime.ImportModuleError');
    assert.deepEqual(service.stats().broken, { instances: 0, busy: 0, queued: 0, coldStarts: 2 });
  });

  it('close() terminates running instances and answers their invocations', async () => {
    const service = start([testFunction('misbehave', 'misbehave', { timeoutSeconds: 60 })]);
    await act(service, 'ok');
    const hanging = act(service, 'hang');
    await service.close();
    assert.deepEqual(await hanging, {
      kind: 'error',
      errorType: 'ServiceException',
      errorMessage: 'The local Lambda service is shutting down',
    });
    assert.deepEqual(service.stats().misbehave, { instances: 0, busy: 0, queued: 0, coldStarts: 1 });
  });

  it('leaves no worker behind after close(), so the process exits on its own', () => {
    const script = `
      import { startLambdaService } from '#local/lambda/start-lambda-service.ts';
      import { testEvent, testFunction } from '#local/lambda/test-handlers/test-kit.ts';
      const lambda = startLambdaService({
        functions: [testFunction('misbehave', 'misbehave', { timeoutSeconds: 60 })],
        maxInstancesPerFunction: 3,
        logSink: { write() {} },
      });
      await Promise.all([1, 2, 3].map(() => lambda.invoke('misbehave', testEvent({ action: 'ok' }))));
      void lambda.invoke('misbehave', testEvent({ action: 'hang' }));
      await lambda.close();
      console.log(JSON.stringify(lambda.stats()));
    `;
    // The timeout only stops a child that would otherwise never exit; it is not what is tested.
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: PROJECT_ROOT,
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(child.signal, null, 'the process had to be killed: something kept it alive');
    assert.equal(child.status, 0, child.stderr);
    assert.deepEqual(JSON.parse(child.stdout), {
      misbehave: { instances: 0, busy: 0, queued: 0, coldStarts: 3 },
    });
  });
});
