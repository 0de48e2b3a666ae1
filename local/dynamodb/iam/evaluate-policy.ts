import type { PolicyStatement } from './policy-types.ts';

/** The outcome of IAM's evaluation for one action on one resource. */
export const DECISIONS = {
  allow: 'allow',
  explicitDeny: 'explicit-deny',
  implicitDeny: 'implicit-deny',
} as const;
export type Decision = (typeof DECISIONS)[keyof typeof DECISIONS];

/**
 * Evaluates identity-based statements as IAM does for one request: an explicit `Deny` wins, then
 * any `Allow`, else the default deny. Actions match case-insensitively, resources
 * case-sensitively, both with `*` and `?` wildcards; `NotAction` and `NotResource` invert.
 * A statement with a `Condition` cannot be evaluated here and throws: failing loudly beats
 * allowing or denying for the wrong reason.
 *
 * @example
 * evaluatePolicy(statements, 'dynamodb:GetItem', 'arn:aws:dynamodb:us-east-1:000000000000:table/products'); // 'allow'
 */
export function evaluatePolicy(
  statements: readonly PolicyStatement[],
  action: string,
  resource: string,
): Decision {
  let allowed = false;
  for (const statement of statements) {
    if (!applies(statement, action, resource)) continue;
    if (statement.Effect === 'Deny') return DECISIONS.explicitDeny;
    allowed = true;
  }
  return allowed ? DECISIONS.allow : DECISIONS.implicitDeny;
}

/** Throws unless every statement uses only what {@link evaluatePolicy} evaluates. */
export function assertEvaluable(statements: readonly PolicyStatement[], owner: string): void {
  for (const statement of statements) {
    if (statement.Condition !== undefined) {
      const keys = Object.values(statement.Condition).flatMap((block) => Object.keys(block as object));
      throw new Error(
        `The policy of ${owner} has a condition (${keys.join(', ')}) the local IAM check does not evaluate`,
      );
    }
    if (statement.Effect !== 'Allow' && statement.Effect !== 'Deny') {
      throw new Error(`The policy of ${owner} has a statement with Effect ${String(statement.Effect)}`);
    }
    if ((statement.Action === undefined) === (statement.NotAction === undefined)) {
      throw new Error(`The policy of ${owner} has a statement without exactly one of Action, NotAction`);
    }
    if ((statement.Resource === undefined) === (statement.NotResource === undefined)) {
      throw new Error(`The policy of ${owner} has a statement without exactly one of Resource, NotResource`);
    }
  }
}

function applies(statement: PolicyStatement, action: string, resource: string): boolean {
  assertEvaluable([statement], 'this function');
  const actionMatches = statement.Action
    ? listOf(statement.Action).some((p) => matches(p, action, true))
    : !listOf(statement.NotAction).some((p) => matches(p, action, true));
  if (!actionMatches) return false;
  return statement.Resource
    ? listOf(statement.Resource).some((p) => matches(p, resource, false))
    : !listOf(statement.NotResource).some((p) => matches(p, resource, false));
}

const listOf = (value: string | readonly string[] | undefined): readonly string[] =>
  value === undefined ? [] : typeof value === 'string' ? [value] : value;

const patterns = new Map<string, RegExp>();

/** IAM's wildcards: `*` any run of characters (`:` and `/` included), `?` one character. */
function matches(pattern: string, value: string, ignoreCase: boolean): boolean {
  const key = `${ignoreCase ? 'i' : 's'}${pattern}`;
  let regex = patterns.get(key);
  if (!regex) {
    const body = pattern
      .split('')
      .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
      .join('');
    regex = new RegExp(`^${body}$`, ignoreCase ? 'is' : 's');
    patterns.set(key, regex);
  }
  return regex.test(value);
}
