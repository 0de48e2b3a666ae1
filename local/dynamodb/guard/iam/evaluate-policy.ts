import { type CompiledPolicy, compilePolicy } from './compile-policy.ts';
import type { PolicyStatement } from './policy-types.ts';
import type { PolicyContext } from './policy-variables.ts';

/** The outcome of IAM's evaluation for one action on one resource. */
export const DECISIONS = {
  allow: 'allow',
  explicitDeny: 'explicit-deny',
  implicitDeny: 'implicit-deny',
} as const;
export type Decision = (typeof DECISIONS)[keyof typeof DECISIONS];

/**
 * Evaluates a compiled identity-based policy as IAM does for one request: an explicit `Deny`
 * wins, then any `Allow`, else the default deny. It fails closed: a policy IAM would refuse grants
 * nothing, an Allow under a condition grants nothing, a Deny under a condition applies, and a
 * statement with a variable the caller has no value for never matches (IAM's own rule).
 *
 * @example
 * evaluateCompiled(compilePolicy(statements, context), 'dynamodb:GetItem', `arn:aws:dynamodb:us-east-1:${LOCAL_ACCOUNT_ID}:table/products`); // 'allow'
 */
export function evaluateCompiled(policy: CompiledPolicy, action: string, resource: string): Decision {
  if (policy.problems.length > 0) return DECISIONS.implicitDeny;
  let allowed = false;
  for (const statement of policy.statements) {
    if (!statement.live) continue;
    if (statement.actions.some((p) => p.test(action)) === statement.notAction) continue;
    if (statement.resources.some((p) => p.test(resource)) === statement.notResource) continue;
    if (statement.effect === 'Deny') return DECISIONS.explicitDeny;
    allowed = true;
  }
  return allowed ? DECISIONS.allow : DECISIONS.implicitDeny;
}

/**
 * Compiles and evaluates in one step, for one-off checks and tests; the guard compiles once.
 *
 * @example
 * evaluatePolicy(statements, 'dynamodb:GetItem', `arn:aws:dynamodb:us-east-1:${LOCAL_ACCOUNT_ID}:table/products`, { accountId: LOCAL_ACCOUNT_ID });
 */
export function evaluatePolicy(
  statements: readonly PolicyStatement[],
  action: string,
  resource: string,
  context: PolicyContext,
): Decision {
  return evaluateCompiled(compilePolicy(statements, context), action, resource);
}
