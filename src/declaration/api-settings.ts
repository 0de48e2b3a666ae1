// The REST API's own settings, written once: the CDK stack deploys them (infra/), the functions
// answer with them (src/http/) and the local gateway behaves by them (local/gateway/). Nothing
// here imports CDK or Node built-ins, so function bundles can carry it.
import { IDEMPOTENCY_HEADER } from './idempotency.ts';
import type { HttpMethod } from './types.ts';

/** API Gateway's integration timeout: the stage answers 504 when a function takes longer. */
export const INTEGRATION_TIMEOUT_SECONDS = 29;

/** API Gateway's request payload limit (10 MiB): a larger body is refused with 413 before the stage. */
export const MAX_REQUEST_BODY_BYTES = 10 * 1024 * 1024;

/** The media types of the HTTP contract. */
export const MEDIA_TYPES = {
  json: 'application/json',
  mergePatch: 'application/merge-patch+json',
  problem: 'application/problem+json',
} as const;

/**
 * Media types a declared body may be sent as, in the order the stack maps them to the body's
 * model: JSON, and for PATCH also JSON Merge Patch (RFC 7396).
 *
 * @example
 * bodyMediaTypes('PATCH'); // ['application/json', 'application/merge-patch+json']
 */
export function bodyMediaTypes(method: HttpMethod | string): readonly string[] {
  return method === 'PATCH' ? [MEDIA_TYPES.json, MEDIA_TYPES.mergePatch] : [MEDIA_TYPES.json];
}

/** CORS as the stage answers it: preflights, the functions' responses and the gateway's own errors. */
export const CORS = {
  /** Request headers a browser may send: CDK's `Cors.DEFAULT_HEADERS` plus the contract's idempotency key and preconditions. */
  allowHeaders: [
    'Content-Type',
    'X-Amz-Date',
    'Authorization',
    'X-Api-Key',
    'X-Amz-Security-Token',
    'X-Amz-User-Agent',
    IDEMPOTENCY_HEADER,
    'If-Match',
    'If-None-Match',
  ],
  /** CDK's `Cors.ALL_METHODS`, in its order. */
  allowMethods: ['OPTIONS', 'GET', 'PUT', 'POST', 'DELETE', 'PATCH', 'HEAD'],
  /** Response headers a browser script may read. */
  exposeHeaders: ['ETag', 'Location', 'Retry-After'],
  /** How long a browser may cache a preflight answer. */
  maxAgeSeconds: 3600,
  /** A preflight's status (CDK's default). */
  preflightStatus: 204,
} as const;

/** The settings of the stage that a deployment may change, with their defaults. */
export interface ApiSettings {
  /** API Gateway stage, the first path segment of an execute-api URL. */
  readonly stageName: string;
  /** Steady-state requests per second the stage accepts before answering 429. */
  readonly throttlingRateLimit: number;
  /** Requests the stage accepts in a burst above the rate (the token bucket's size). */
  readonly throttlingBurstLimit: number;
  /** Origins allowed by CORS; `['*']` allows every origin. */
  readonly corsOrigins: readonly string[];
  /**
   * Opens the rules declared `publicWhen('openTutorial')` (DynamoDBManager) to callers without a
   * token, so the AWS tutorial's requests work verbatim. Off: those routes are for admins.
   */
  readonly openTutorial: boolean;
}

export const DEFAULT_API_SETTINGS: ApiSettings = {
  stageName: 'prod',
  throttlingRateLimit: 100,
  throttlingBurstLimit: 200,
  corsOrigins: ['*'],
  openTutorial: false,
};

/** `stageName` → `STAGE_NAME`: the environment variable that can also carry a setting. */
export function environmentName(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase();
}

/** A parser per setting: its value read from a raw one, or undefined when it could not be deployed. */
export type SettingParsers<T> = { readonly [K in keyof T]-?: (value: unknown) => T[K] | undefined };

/**
 * Reads settings from one raw source (the caller decides its precedence): each key through its
 * parser, the default where the source has nothing, and a problem naming the key and its
 * environment variable for each value that could not be read. The stack's settings and the
 * stage's (read by `npm start` too) are both read by this one function.
 *
 * @example
 * resolveSettings(API_SETTING_PARSERS, DEFAULT_API_SETTINGS, () => undefined).settings; // the defaults
 */
export function resolveSettings<T extends object>(
  parsers: SettingParsers<T>,
  defaults: T,
  raw: (key: keyof T & string) => unknown,
): { readonly settings: T; readonly problems: readonly string[] } {
  const problems: string[] = [];
  const settings = { ...defaults };
  for (const key of Object.keys(parsers) as (keyof T & string)[]) {
    const value = raw(key);
    if (value === undefined || value === '') continue;
    const parsed = parsers[key](value);
    if (parsed === undefined) problems.push(`${key} (${environmentName(key)}) = ${JSON.stringify(value)}`);
    else settings[key] = parsed;
  }
  return { settings, problems };
}

/** Parsers of the raw values (CDK context strings, JSON from cdk.json, environment variables). */
export const API_SETTING_PARSERS: SettingParsers<ApiSettings> = {
  stageName: (value) =>
    typeof value === 'string' && /^[A-Za-z0-9_-]{1,128}$/.test(value) ? value : undefined,
  throttlingRateLimit: toPositiveNumber,
  throttlingBurstLimit: (value) => {
    const n = toPositiveNumber(value);
    return n !== undefined && Number.isInteger(n) ? n : undefined;
  },
  corsOrigins: toOrigins,
  openTutorial: toBoolean,
};

/**
 * Resolves the API settings from one raw source (the caller decides its precedence), falling back
 * to {@link DEFAULT_API_SETTINGS}; fails fast naming every value that could not be deployed.
 *
 * @example
 * readApiSettings((key) => ({ stageName: 'dev' })[key]); // { stageName: 'dev', throttlingRateLimit: 100, … }
 */
export function readApiSettings(raw: (key: keyof ApiSettings) => unknown): ApiSettings {
  const { settings, problems } = resolveSettings(API_SETTING_PARSERS, DEFAULT_API_SETTINGS, raw);
  if (problems.length > 0) throw new Error(`Invalid API settings: ${problems.join('; ')}`);
  return settings;
}

export function toBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  const text = String(value).toLowerCase();
  if (text === 'true' || text === '1') return true;
  if (text === 'false' || text === '0') return false;
  return undefined;
}

function toPositiveNumber(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

function toOrigins(value: unknown): readonly string[] | undefined {
  const list = Array.isArray(value) ? value.map(String) : String(value).split(',');
  const origins = list.map((origin) => origin.trim()).filter((origin) => origin !== '');
  if (origins.length === 0) return undefined;
  if (origins.includes('*')) return origins.length === 1 ? ['*'] : undefined;
  return origins.every((origin) => /^https?:\/\/[^/\s,]+$/.test(origin)) ? origins : undefined;
}
