import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  functionArn,
  instanceEnvironment,
  newLogStreamName,
  RUNTIME_API_ADDRESS,
  RUNTIME_DIR,
  traceHeader,
  traceRootOf,
} from './lambda-environment.ts';

const identity = {
  functionName: 'products-get',
  bundleFile: '/app/.build/products-get/index.mjs',
  memoryMb: 256,
  region: 'eu-central-1',
  logStreamName: '2024/05/01/[$LATEST]0123456789abcdef0123456789abcdef',
  logFormat: 'JSON',
  logLevel: 'WARN',
  tmpDir: '/tmp/sm-lambda-tmp-1-abc',
} as const;

describe('lambda environment', () => {
  it('names a log stream after the UTC day and the version, with 32 random hex digits', () => {
    const name = newLogStreamName(new Date('2024-05-01T23:59:59Z'));
    assert.match(name, /^2024\/05\/01\/\[\$LATEST\][0-9a-f]{32}$/);
    assert.notEqual(newLogStreamName(), newLogStreamName());
  });

  it('builds the ARN of a function in the local account', () => {
    assert.equal(
      functionArn('eu-central-1', 'products-get'),
      'arn:aws:lambda:eu-central-1:000000000000:function:products-get',
    );
  });

  it("sets Lambda's variables over the function's own and keeps its credentials", () => {
    const env = instanceEnvironment(
      { TABLE_NAME: 'products', AWS_ACCESS_KEY_ID: 'AKIALOCAL', AWS_LAMBDA_FUNCTION_NAME: 'spoofed' },
      identity,
    );
    assert.equal(env.TABLE_NAME, 'products');
    assert.equal(env.AWS_ACCESS_KEY_ID, 'AKIALOCAL');
    assert.equal(env.AWS_LAMBDA_FUNCTION_NAME, 'products-get');
    assert.equal(env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE, '256');
    assert.equal(env.AWS_LAMBDA_LOG_STREAM_NAME, identity.logStreamName);
    assert.equal(env.LAMBDA_TASK_ROOT, '/app/.build/products-get');
    assert.equal(env.AWS_REGION, 'eu-central-1');
    assert.equal(env.NODE_ENV, undefined);
    assert.equal(env.AWS_SECRET_ACCESS_KEY, undefined);
  });

  it('presents the deployed Node.js 24 runtime, its JSON log format and the log level to filter at', () => {
    const env = instanceEnvironment({}, identity);
    assert.equal(env.AWS_EXECUTION_ENV, 'AWS_Lambda_nodejs24.x');
    assert.equal(env.AWS_LAMBDA_LOG_FORMAT, 'JSON');
    assert.equal(env.AWS_LAMBDA_LOG_LEVEL, 'WARN');
    assert.equal(env.AWS_LAMBDA_RUNTIME_API, RUNTIME_API_ADDRESS);
    assert.equal(env.LAMBDA_RUNTIME_DIR, RUNTIME_DIR);
    assert.equal(env.LANG, 'en_US.UTF-8');
    assert.equal(env.TZ, ':UTC');
    assert.deepEqual([env.TMPDIR, env.TEMP, env.TMP], Array(3).fill(identity.tmpDir));
    assert.equal(env.NODE_OPTIONS, undefined);
    assert.ok(env.PATH?.includes('/usr/bin'));
  });

  it('has no log level to filter at in the text log format, as Lambda sets none', () => {
    const env = instanceEnvironment({}, { ...identity, logFormat: 'Text' });
    assert.equal(env.AWS_LAMBDA_LOG_FORMAT, 'Text');
    assert.equal('AWS_LAMBDA_LOG_LEVEL' in env, false);
  });

  it("lets a function set LANG, PATH and TZ but not its temp folder or the runtime's variables", () => {
    const env = instanceEnvironment(
      {
        LANG: 'de_DE.UTF-8',
        PATH: '/opt/bin',
        TZ: 'Europe/Berlin',
        TMPDIR: '/elsewhere',
        AWS_EXECUTION_ENV: 'x',
      },
      identity,
    );
    assert.deepEqual([env.LANG, env.PATH, env.TZ], ['de_DE.UTF-8', '/opt/bin', 'Europe/Berlin']);
    assert.equal(env.TMPDIR, identity.tmpDir);
    assert.equal(env.AWS_EXECUTION_ENV, 'AWS_Lambda_nodejs24.x');
  });

  it('continues the trace API Gateway started, with a new parent and not sampled', () => {
    const root = 'Root=1-66704cad-0123456789abcdef01234567';
    assert.equal(traceRootOf(`${root};Sampled=1`), root);
    assert.equal(traceRootOf(`Self=1-66704cad-00000000;${root}`), root);
    assert.equal(traceRootOf('garbage'), undefined);
    assert.match(
      traceHeader(root),
      /^Root=1-66704cad-0123456789abcdef01234567;Parent=[0-9a-f]{16};Sampled=0$/,
    );
    assert.match(
      traceHeader(undefined, Date.parse('2024-06-17T12:00:00Z')),
      /^Root=1-66702540-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0$/,
    );
  });
});
