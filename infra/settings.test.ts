import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { stageSettings } from '#local/cli-options.ts';
import { DEFAULT_API_SETTINGS } from '#src/declaration/api-settings.ts';
import { cdkJsonContext } from './cdk-json.ts';
import { DEFAULT_SETTINGS, environmentName, readSettings } from './settings.ts';

const fromContext =
  (context: Record<string, unknown>) =>
  (key: string): unknown =>
    context[key];

describe('readSettings', () => {
  test('returns the defaults when neither context nor environment says anything', () => {
    assert.deepEqual(readSettings(fromContext({}), {}), DEFAULT_SETTINGS);
  });

  test('reads context values as the CDK CLI passes them: strings', () => {
    const settings = readSettings(
      fromContext({
        stageName: 'dev',
        ephemeral: 'true',
        waf: 'false',
        logLevel: 'warn',
        logRetentionDays: '14',
        throttlingRateLimit: '2.5',
        throttlingBurstLimit: '5',
        corsOrigins: 'https://a.example, https://b.example:8443',
        apiGatewayCloudWatchRole: 'false',
      }),
    );
    assert.deepEqual(settings, {
      ...DEFAULT_SETTINGS,
      stageName: 'dev',
      ephemeral: true,
      waf: false,
      logLevel: 'WARN',
      logRetentionDays: RetentionDays.TWO_WEEKS,
      throttlingRateLimit: 2.5,
      throttlingBurstLimit: 5,
      corsOrigins: ['https://a.example', 'https://b.example:8443'],
      apiGatewayCloudWatchRole: false,
    });
  });

  test('reads typed values from cdk.json context', () => {
    const settings = readSettings(fromContext({ ephemeral: true, logRetentionDays: 90, corsOrigins: ['*'] }));
    assert.equal(settings.ephemeral, true);
    assert.equal(settings.logRetentionDays, RetentionDays.THREE_MONTHS);
    assert.deepEqual(settings.corsOrigins, ['*']);
  });

  test('falls back to the environment variable named after the key, context first', () => {
    const env = { LOG_LEVEL: 'DEBUG', STAGE_NAME: 'staging', STACK_NAME: 'FromEnv' };
    const settings = readSettings(fromContext({ stackName: 'FromContext' }), env);
    assert.equal(settings.logLevel, 'DEBUG');
    assert.equal(settings.stageName, 'staging');
    assert.equal(settings.stackName, 'FromContext');
  });

  test('names environment variables after the keys', () => {
    assert.equal(environmentName('logRetentionDays'), 'LOG_RETENTION_DAYS');
    assert.equal(environmentName('waf'), 'WAF');
  });

  test("reads the WAF's per-client rate: a share of the stage's rate, over one of WAF's windows", () => {
    const settings = readSettings(fromContext({ wafClientRatePercent: '10', wafRateWindowSeconds: '300' }));
    assert.equal(settings.wafClientRatePercent, 10);
    assert.equal(settings.wafRateWindowSeconds, 300);
    assert.equal(DEFAULT_SETTINGS.wafClientRatePercent, 25);
    assert.equal(DEFAULT_SETTINGS.wafRateWindowSeconds, 60);
    for (const [key, value] of [
      ['wafClientRatePercent', '0'],
      ['wafClientRatePercent', '101'],
      ['wafClientRatePercent', 'half'],
      ['wafRateWindowSeconds', '30'],
      ['wafRateWindowSeconds', '3600'],
    ] as const) {
      assert.throws(
        () => readSettings(fromContext({ [key]: value })),
        new RegExp(`${key} \\(`),
        `${key}=${value}`,
      );
    }
  });

  test('refuses to switch WAF off on a stack that is not ephemeral', () => {
    assert.throws(
      () => readSettings(fromContext({ waf: 'false' })),
      /waf=false is only allowed with ephemeral=true/,
    );
  });

  test('names every invalid setting at once', () => {
    assert.throws(
      () =>
        readSettings(
          fromContext({
            logLevel: 'LOUD',
            logRetentionDays: '10',
            throttlingBurstLimit: '1.5',
            stageName: 'a b',
            ephemeral: 'yes',
            corsOrigins: 'example.com',
          }),
        ),
      (error: Error) =>
        [
          'logLevel',
          'logRetentionDays',
          'throttlingBurstLimit',
          'stageName',
          'ephemeral',
          'corsOrigins',
        ].every((key) => error.message.includes(key)),
    );
  });

  test('refuses a retention that would keep logs forever', () => {
    assert.throws(
      () => readSettings(fromContext({ logRetentionDays: String(RetentionDays.INFINITE) })),
      /logRetentionDays/,
    );
  });

  test('reads the alarm email, from ALARM_EMAIL too, and refuses what is not an address', () => {
    assert.equal(
      readSettings(fromContext({}), { ALARM_EMAIL: 'ops@example.com' }).alarmEmail,
      'ops@example.com',
    );
    assert.equal(readSettings(fromContext({})).alarmEmail, undefined);
    assert.throws(
      () => readSettings(fromContext({ alarmEmail: 'ops at example' })),
      /alarmEmail \(ALARM_EMAIL\)/,
    );
  });

  test('reads an existing user pool and its app client, from USER_POOL_ID and USER_POOL_CLIENT_ID too', () => {
    const settings = readSettings(fromContext({ userPoolId: 'eu-west-1_AbC123xyZ' }), {
      USER_POOL_CLIENT_ID: '1example23456789abcdefghij',
    });
    assert.equal(settings.userPoolId, 'eu-west-1_AbC123xyZ');
    assert.equal(settings.userPoolClientId, '1example23456789abcdefghij');
    assert.equal(readSettings(fromContext({})).userPoolId, undefined);
    assert.equal(
      readSettings(fromContext({ userPoolId: 'us-gov-west-1_x9', userPoolClientId: 'abc' })).userPoolId,
      'us-gov-west-1_x9',
    );
  });

  test('refuses a user pool id or client id that Cognito could not have issued', () => {
    for (const userPoolId of [
      'AbC123',
      'eu-west-1-AbC123',
      'eu-west-1_',
      'arn:aws:cognito-idp:eu-west-1:1:userpool/eu-west-1_A',
    ]) {
      assert.throws(
        () => readSettings(fromContext({ userPoolId, userPoolClientId: 'abc' })),
        /userPoolId \(USER_POOL_ID\)/,
        userPoolId,
      );
    }
    assert.throws(
      () => readSettings(fromContext({ userPoolId: 'eu-west-1_A', userPoolClientId: 'a b' })),
      /userPoolClientId \(USER_POOL_CLIENT_ID\)/,
    );
  });

  test('takes an existing user pool only together with its app client', () => {
    assert.throws(() => readSettings(fromContext({ userPoolId: 'eu-west-1_A' })), /go together/);
    assert.throws(() => readSettings(fromContext({ userPoolClientId: 'abc' })), /go together/);
  });

  test('refuses "*" mixed with named origins', () => {
    assert.throws(() => readSettings(fromContext({ corsOrigins: '*,https://a.example' })), /corsOrigins/);
  });

  test('gives npm start the stage settings it gives the stack, from the same cdk.json and environment', () => {
    for (const env of [
      {},
      { STAGE_NAME: 'dev', THROTTLING_RATE_LIMIT: '7', CORS_ORIGINS: 'https://a.example' },
    ]) {
      const stack = readSettings((key) => cdkJsonContext()[key], env);
      const local = stageSettings(env);
      for (const key of Object.keys(DEFAULT_API_SETTINGS) as (keyof typeof DEFAULT_API_SETTINGS)[]) {
        assert.deepEqual(local[key], stack[key], key);
      }
    }
  });

  test('names the environment variable of an unreadable stage setting, as npm start does', () => {
    assert.throws(
      () => stageSettings({ THROTTLING_BURST_LIMIT: '2.5' }),
      /throttlingBurstLimit \(THROTTLING_BURST_LIMIT\)/,
    );
    assert.throws(
      () => readSettings(fromContext({}), { THROTTLING_BURST_LIMIT: '2.5' }),
      /throttlingBurstLimit \(THROTTLING_BURST_LIMIT\)/,
    );
  });
});
