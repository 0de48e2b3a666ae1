import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { DEFAULT_API_SETTINGS } from '#src/declaration/api-settings.ts';
import { PROJECT_ROOT } from '#src/declaration/load-services.ts';
import { BUNDLE_CACHE_DIR } from './cache-root.ts';
import { DEFAULT_INSPECT_PORT, parseCliOptions, stageSettings } from './cli-options.ts';

const parse = (argv: string[], env: NodeJS.ProcessEnv = {}) => {
  const options = parseCliOptions(argv, env);
  assert.notEqual(options, 'help');
  if (options === 'help') throw new Error('unreachable');
  return options;
};

describe('parseCliOptions: the stage', () => {
  test('throttles at the deployed stage limits unless --no-throttle or SM_THROTTLE=false', () => {
    assert.equal(parse([]).throttle, true);
    assert.equal(parse(['--no-throttle']).throttle, false);
    assert.equal(parse([], { SM_THROTTLE: 'false' }).throttle, false);
  });

  test('uses the deployed stage settings: prod, 100/s, burst 200, CORS for *', () => {
    assert.deepEqual(parse([]).api, DEFAULT_API_SETTINGS);
  });

  test('reads the same environment variables as the CDK app', () => {
    const api = parse([], {
      STAGE_NAME: 'dev',
      THROTTLING_RATE_LIMIT: '5',
      CORS_ORIGINS: 'https://a.example',
    }).api;
    assert.equal(api?.stageName, 'dev');
    assert.equal(api?.throttlingRateLimit, 5);
    assert.deepEqual(api?.corsOrigins, ['https://a.example']);
  });

  test('lets cdk.json context win over the environment, as `cdk deploy` does', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cli-options-'));
    try {
      const file = path.join(dir, 'cdk.json');
      await writeFile(file, JSON.stringify({ context: { stageName: 'beta' } }));
      assert.equal(stageSettings({ STAGE_NAME: 'dev' }, file).stageName, 'beta');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('keeps DynamoDBManager for admins unless --open-tutorial or OPEN_TUTORIAL=true (the CDK setting)', () => {
    assert.equal(parse([]).api?.openTutorial, false);
    assert.equal(parse(['--open-tutorial']).api?.openTutorial, true);
    assert.equal(parse([], { OPEN_TUTORIAL: 'true' }).api?.openTutorial, true);
    assert.throws(() => parse([], { OPEN_TUTORIAL: 'yes please' }), /openTutorial/);
  });

  test('opens the gateway to more Host names and origins only when asked', () => {
    assert.deepEqual(parse([]).exposure, { allowedHosts: [], allowedOrigins: [] });
    const flags = parse(['--allow-host', 'devbox.lan', '--allow-origin', 'https://app.example']).exposure;
    assert.deepEqual(flags, { allowedHosts: ['devbox.lan'], allowedOrigins: ['https://app.example'] });
    const env = parse([], { SM_ALLOWED_HOSTS: 'a.lan, b.lan', SM_ALLOWED_ORIGINS: '*' }).exposure;
    assert.deepEqual(env, { allowedHosts: ['a.lan', 'b.lan'], allowedOrigins: ['*'] });
  });

  test('fails fast on a stage setting that could not be deployed', () => {
    assert.throws(() => parse([], { THROTTLING_BURST_LIMIT: '2.5' }), /throttlingBurstLimit/);
  });
});

describe('parseCliOptions: instances', () => {
  test('leaves the instance limit and idle timeout to the Lambda service by default', () => {
    const options = parseCliOptions([], {});
    assert.ok(options !== 'help');
    assert.equal(options.maxInstancesPerFunction, undefined);
    assert.equal(options.idleTimeoutMs, undefined);
  });

  test('reads them from flags before the environment', () => {
    const options = parseCliOptions(['--max-instances', '3', '--idle-timeout', '1.5'], {
      MAX_INSTANCES: '9',
      IDLE_TIMEOUT: '60',
    });
    assert.ok(options !== 'help');
    assert.equal(options.maxInstancesPerFunction, 3);
    assert.equal(options.idleTimeoutMs, 1500);
  });

  test('refuses values that are not positive numbers', () => {
    assert.throws(
      () => parseCliOptions(['--max-instances', '0'], {}),
      /--max-instances must be a positive number/,
    );
    assert.throws(
      () => parseCliOptions([], { IDLE_TIMEOUT: 'soon' }),
      /--idle-timeout must be a positive number/,
    );
  });
});

describe('parseCliOptions: the terminal view', () => {
  test('is compact unless --full-logs or SM_LOG_VIEW=full', () => {
    assert.equal(parse([]).logView, 'compact');
    assert.equal(parse(['--full-logs']).logView, 'full');
    assert.equal(parse([], { SM_LOG_VIEW: 'full' }).logView, 'full');
  });
});

describe('parseCliOptions: the bundles kept between starts', () => {
  test('are kept in the local cache unless --no-build-cache or SM_BUILD_CACHE=false', () => {
    assert.equal(parse([]).bundleCacheDir, BUNDLE_CACHE_DIR);
    assert.equal(parse(['--no-build-cache']).bundleCacheDir, undefined);
    assert.equal(parse([], { SM_BUILD_CACHE: 'false' }).bundleCacheDir, undefined);
  });
});

describe('parseCliOptions: --inspect', () => {
  test('is off by default', () => {
    assert.equal(parse([]).inspect, undefined);
  });

  test('alone opens the inspector from Node’s default port, one instance per function kept an hour', () => {
    const options = parse(['--inspect']);
    assert.deepEqual(options.inspect, { port: DEFAULT_INSPECT_PORT });
    assert.equal(options.maxInstancesPerFunction, 1);
    assert.equal(options.idleTimeoutMs, 3_600_000);
  });

  test('takes a port, and leaves explicit instance settings as given', () => {
    const options = parse(['--inspect=9400', '--max-instances', '2', '--idle-timeout', '5']);
    assert.deepEqual(options.inspect, { port: 9400 });
    assert.equal(options.maxInstancesPerFunction, 2);
    assert.equal(options.idleTimeoutMs, 5000);
  });

  test('refuses a port that is not one', () => {
    assert.throws(() => parse(['--inspect=0.0.0.0:9229']), /--inspect takes a port 1024–65535/);
    assert.throws(() => parse(['--inspect=80']), /--inspect takes a port/);
  });
});

describe('.vscode/launch.json', () => {
  test('attaches to the first instance’s inspector: the default port, on loopback', async () => {
    const launch = JSON.parse(await readFile(path.join(PROJECT_ROOT, '.vscode', 'launch.json'), 'utf8')) as {
      configurations: { request: string; address: string; port: number }[];
    };
    const [attach] = launch.configurations;
    assert.equal(attach?.request, 'attach');
    assert.equal(attach?.address, '127.0.0.1');
    assert.equal(attach?.port, DEFAULT_INSPECT_PORT);
  });
});
