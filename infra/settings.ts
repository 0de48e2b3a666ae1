import { RetentionDays } from 'aws-cdk-lib/aws-logs';

import {
  API_SETTING_PARSERS,
  type ApiSettings,
  DEFAULT_API_SETTINGS,
  environmentName,
  resolveSettings,
  type SettingParsers,
  toBoolean,
} from '#src/declaration/api-settings.ts';
import { DEFAULT_LOG_LEVEL, LOG_LEVELS, type LogLevel } from '#src/declaration/log-levels.ts';

/** The windows, in seconds, a WAF rate-based rule can count requests over (AWS WAF's choices). */
export const WAF_EVALUATION_WINDOWS = [60, 120, 300, 600] as const;
export type WafEvaluationWindow = (typeof WAF_EVALUATION_WINDOWS)[number];

/**
 * Everything about a deployment that is not in the service declarations. The API's own settings
 * (stage, throttling, CORS origins) are {@link ApiSettings}, shared with the local gateway.
 */
export interface StackSettings extends ApiSettings {
  /** CloudFormation stack name; also the prefix of every function name. */
  readonly stackName: string;
  /** A throwaway dev stack: tables and log groups are deleted with the stack. */
  readonly ephemeral: boolean;
  /** `LOG_LEVEL` of the handlers and the level Lambda filters application logs at. */
  readonly logLevel: LogLevel;
  /** Retention of every log group of the stack. */
  readonly logRetentionDays: RetentionDays;
  /** Whether an AWS WAF web ACL protects the stage. Only an ephemeral stack may go without. */
  readonly waf: boolean;
  /**
   * The share, in percent (1-100), of the stage's steady rate (`throttlingRateLimit`) that one
   * client IP may use before the web ACL blocks it with 429, so no client can spend the whole
   * stage's limit. See `clientRateLimit` in `infra/web-acl.ts`.
   */
  readonly wafClientRatePercent: number;
  /** The window, in seconds, WAF counts each client's requests over: one of `WAF_EVALUATION_WINDOWS`. */
  readonly wafRateWindowSeconds: WafEvaluationWindow;
  /** Whether this stack sets the region's API Gateway CloudWatch role (an account-wide setting). */
  readonly apiGatewayCloudWatchRole: boolean;
  /** Email address subscribed to the alarm topic (it must confirm); none when undefined. */
  readonly alarmEmail: string | undefined;
  /**
   * An existing Cognito user pool (`eu-west-1_AbC123`) to authorize with, in the stack's account
   * and region; the stack then creates no pool and no groups. Undefined: the stack creates both.
   */
  readonly userPoolId: string | undefined;
  /** The app client of {@link userPoolId} that users sign in with; given with it, never alone. */
  readonly userPoolClientId: string | undefined;
}

export const DEFAULT_SETTINGS: StackSettings = {
  ...DEFAULT_API_SETTINGS,
  stackName: 'ServerlessMicroservices',
  ephemeral: false,
  logLevel: DEFAULT_LOG_LEVEL,
  logRetentionDays: RetentionDays.ONE_MONTH,
  waf: true,
  wafClientRatePercent: 25,
  wafRateWindowSeconds: 60,
  apiGatewayCloudWatchRole: true,
  alarmEmail: undefined,
  userPoolId: undefined,
  userPoolClientId: undefined,
};

/** Reads one raw setting: CDK context (`-c key=value`, cdk.json) or an environment variable. */
export type SettingSource = (key: keyof StackSettings) => unknown;

/** `stageName` → `STAGE_NAME`: the environment variable that can also carry a setting. */
export { environmentName };

/**
 * Resolves the deployment settings. Precedence: CDK context, then the environment variable
 * named after the key (`logLevel` → `LOG_LEVEL`), then {@link DEFAULT_SETTINGS}.
 * Fails fast, naming the setting, on a value that could not be deployed.
 *
 * @example
 * const settings = readSettings((key) => app.node.tryGetContext(key), process.env);
 * // `npx cdk deploy -c ephemeral=true -c stageName=dev` → { ephemeral: true, stageName: 'dev', ... }
 */
export function readSettings(context: SettingSource, env: NodeJS.ProcessEnv = {}): StackSettings {
  const read = resolveSettings(
    STACK_SETTING_PARSERS,
    DEFAULT_SETTINGS,
    (key) => context(key) ?? env[environmentName(key)],
  );
  const { settings } = read;
  const problems = [...read.problems];
  if (!settings.waf && !settings.ephemeral) {
    problems.push('waf=false is only allowed with ephemeral=true (a throwaway dev stack)');
  }
  if ((settings.userPoolId === undefined) !== (settings.userPoolClientId === undefined)) {
    problems.push(
      'userPoolId and userPoolClientId go together: an existing user pool is used with the app client its users sign in with',
    );
  }
  if (problems.length > 0) throw new Error(`Invalid deployment settings: ${problems.join('; ')}`);
  return settings;
}

/** Cognito's user pool id: its region, `_`, then letters and digits (`eu-west-1_AbC123xyZ`). */
const USER_POOL_ID = /^[a-z]{2}(-[a-z]+)+-\d_[0-9A-Za-z]{1,40}$/;

const matching =
  (pattern: RegExp) =>
  (value: unknown): string | undefined =>
    typeof value === 'string' && pattern.test(value) ? value : undefined;

// CloudWatch Logs accepts only these retention periods; "never expire" is deliberately not one of them.
const RETENTIONS = Object.values(RetentionDays).filter(
  (days): days is RetentionDays => typeof days === 'number' && days !== RetentionDays.INFINITE,
);

function toRetention(value: unknown): RetentionDays | undefined {
  const n = typeof value === 'number' ? value : Number(value);
  return RETENTIONS.find((days) => days === n);
}

/** How each stack setting is read from its raw value: the stage's parsers and the stack's own. */
const STACK_SETTING_PARSERS: SettingParsers<StackSettings> = {
  stackName: matching(/^[A-Za-z][A-Za-z0-9-]{0,63}$/),
  ...API_SETTING_PARSERS,
  ephemeral: toBoolean,
  logLevel: (v) => LOG_LEVELS.find((level) => level === String(v).toUpperCase()),
  logRetentionDays: toRetention,
  waf: toBoolean,
  wafClientRatePercent: (v) => {
    const n = Number(v);
    return Number.isInteger(n) && n >= 1 && n <= 100 ? n : undefined;
  },
  wafRateWindowSeconds: (v) => WAF_EVALUATION_WINDOWS.find((window) => window === Number(v)),
  apiGatewayCloudWatchRole: toBoolean,
  alarmEmail: matching(/^[^@\s]+@[^@\s]+\.[^@\s]+$/),
  userPoolId: matching(USER_POOL_ID),
  userPoolClientId: matching(/^[\w+]{1,128}$/),
};
