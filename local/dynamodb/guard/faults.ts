// Faults injected on purpose on the path from the functions to DynamoDB (off by default).
import { listOf } from '../../tools/command-line.ts';

/** DynamoDB's own answers for each injected error, as the service sends them. */
export const FAULT_RESPONSES = {
  throttle: {
    status: 400,
    type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
    message:
      'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.',
  },
  throttling: {
    status: 400,
    type: 'com.amazon.coral.availability#ThrottlingException',
    message: 'Rate of requests exceeds the allowed throughput.',
  },
  error: {
    status: 500,
    type: 'com.amazonaws.dynamodb.v20120810#InternalServerError',
    message: 'Internal server error',
  },
} as const;
export type ErrorFault = keyof typeof FAULT_RESPONSES;

/** The environment variable `--faults` falls back to. */
export const FAULTS_ENV = 'SM_FAULTS';

export interface FaultRule {
  readonly kind: ErrorFault | 'latency';
  /** Probability in [0, 1] that a matching request gets the fault. */
  readonly rate: number;
  /** Added delay, for `latency`. */
  readonly latencyMs: number;
  /** A function name, `table:<name>`, or null for every request. */
  readonly scope: string | null;
}

export interface FaultPlan {
  readonly delayMs: number;
  readonly error: ErrorFault | null;
}

const RULE = /^(throttle|throttling|error|latency)=(?:(\d+)ms)?(?:\/)?(?:(\d+(?:\.\d+)?)%)?(?:@(.+))?$/;

/**
 * Parses a fault specification: comma-separated rules `kind=rate[@scope]`, where kind is
 * `throttle` (ProvisionedThroughputExceededException), `throttling` (ThrottlingException) or
 * `error` (InternalServerError) with a rate in %, or `latency=<ms>ms[/<rate>%]`; the scope is a
 * function name or `table:<name>`, every request when absent.
 *
 * @example
 * parseFaults('throttle=30%,latency=2000ms/50%@products-get,error=5%@table:products');
 */
export function parseFaults(spec: string): FaultRule[] {
  return spec
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => {
      const match = RULE.exec(part);
      const [, kind, ms, percent, scope] = match ?? [];
      const invalid = () =>
        new Error(
          `Fault "${part}" is not kind=rate[@scope], e.g. throttle=30%, error=5%@products-create, latency=2000ms/50%@table:products`,
        );
      if (!match || !kind) throw invalid();
      const isLatency = kind === 'latency';
      if (isLatency ? ms === undefined : ms !== undefined || percent === undefined) throw invalid();
      const rate = percent === undefined ? 1 : Number(percent) / 100;
      if (rate < 0 || rate > 1) throw new Error(`Fault "${part}": the rate must be 0–100 %`);
      return { kind: kind as FaultRule['kind'], rate, latencyMs: Number(ms ?? 0), scope: scope ?? null };
    });
}

/**
 * What happens to one request of `functionName` naming `tables`: the delays of every matching
 * latency rule that fires add up, and the first matching error rule that fires answers instead of
 * the engine. `random` is injectable so that tests can fix the draw.
 */
export function planFaults(
  rules: readonly FaultRule[],
  functionName: string,
  tables: readonly string[],
  random: () => number = Math.random,
): FaultPlan {
  let delayMs = 0;
  let error: ErrorFault | null = null;
  for (const rule of rules) {
    const inScope =
      rule.scope === null ||
      rule.scope === functionName ||
      (rule.scope.startsWith('table:') && tables.includes(rule.scope.slice('table:'.length)));
    if (!inScope || random() >= rule.rate) continue;
    if (rule.kind === 'latency') delayMs += rule.latencyMs;
    else error ??= rule.kind;
  }
  return { delayMs, error };
}

/**
 * Why a rule's scope matches nothing (a misspelt function or table would otherwise inject no
 * fault, silently), naming the functions and tables there are; null when every scope is known.
 */
export function unknownFaultScope(
  rules: readonly FaultRule[],
  declared: { readonly functions: readonly string[]; readonly tables: readonly string[] },
): string | null {
  const known = new Set([...declared.functions, ...declared.tables.map((table) => `table:${table}`)]);
  const unknown = rules.find((rule) => rule.scope !== null && !known.has(rule.scope));
  if (!unknown) return null;
  return `Fault scope "${unknown.scope}" names no function or table; the functions are ${listOf([...declared.functions].sort())}, the tables ${listOf(declared.tables.map((table) => `table:${table}`).sort())}`;
}
