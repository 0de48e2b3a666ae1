import { type CompiledPolicy, type CompiledStatement, compilePolicy } from './compile-policy.ts';
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
    if (!appliesTo(statement, action, resource)) continue;
    if (statement.effect === 'Deny') return DECISIONS.explicitDeny;
    allowed = true;
  }
  return allowed ? DECISIONS.allow : DECISIONS.implicitDeny;
}

/** Whether a statement covers this action on this resource (a statement that cannot match never does). */
function appliesTo(statement: CompiledStatement, action: string, resource: string): boolean {
  if (!statement.live) return false;
  if (statement.actions.some((p) => p.test(action)) === statement.notAction) return false;
  return statement.resources.some((p) => p.test(resource)) !== statement.notResource;
}

/**
 * The statement behind a decision, as its `Sid` or, without one (CDK writes none), its JSON: the
 * first Deny covering the call for an explicit deny, else the first Allow; none for a default deny.
 * `statements` are the ones `policy` was compiled from, in the same order.
 *
 * @example
 * decidingStatement(policy, fn.statements, 'dynamodb:GetItem', tableArn, 'allow');
 * // '{"Action":"dynamodb:GetItem","Effect":"Allow","Resource":"arn:aws:dynamodb:…:table/products"}'
 */
export function decidingStatement(
  policy: CompiledPolicy,
  statements: readonly PolicyStatement[],
  action: string,
  resource: string,
  decision: Decision,
): string | undefined {
  if (decision === DECISIONS.implicitDeny) return undefined;
  const effect = decision === DECISIONS.allow ? 'Allow' : 'Deny';
  const index = policy.statements.findIndex((s) => s.effect === effect && appliesTo(s, action, resource));
  const statement = statements[index];
  if (!statement) return undefined;
  if (typeof statement.Sid === 'string' && statement.Sid) return statement.Sid;
  // A statement without a Sid is named by its JSON, written once per statement (the console asks per call).
  let label = statementLabels.get(statement);
  if (label === undefined) {
    label = JSON.stringify(statement);
    statementLabels.set(statement, label);
  }
  return label;
}

const statementLabels = new WeakMap<PolicyStatement, string>();

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
