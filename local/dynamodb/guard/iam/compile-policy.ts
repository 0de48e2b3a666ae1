// Turns a function's identity-based policy into matchers once, when the policy is loaded, so the
// guard tests precompiled expressions on every call. What IAM would refuse, or what this check
// cannot evaluate, is recorded and fails closed (see evaluate-policy.ts).
import type { PolicyStatement } from './policy-types.ts';
import { type PolicyContext, resolvePolicyVariables } from './policy-variables.ts';

export interface CompiledStatement {
  readonly effect: 'Allow' | 'Deny';
  /** Matches an action (`Action`), or the actions it does not cover (`NotAction`, inverted). */
  readonly actions: readonly RegExp[];
  readonly notAction: boolean;
  readonly resources: readonly RegExp[];
  readonly notResource: boolean;
  /**
   * False when the statement can never match: a policy variable the caller has no value for
   * (IAM's rule), or an Allow under a condition this check does not evaluate.
   */
  readonly live: boolean;
}

export interface CompiledPolicy {
  readonly statements: readonly CompiledStatement[];
  /** What IAM itself would refuse in this policy; any one of them and the policy grants nothing. */
  readonly problems: readonly string[];
  /** Statements evaluated more strictly than IAM would (conditions, variables), and how. */
  readonly notes: readonly string[];
}

const ELEMENTS = new Set(['Sid', 'Effect', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition']);
/** `service:action`, wildcards only in the action part (the Service Authorization Reference's form). */
const ACTION = /^[a-z0-9-]+:[A-Za-z0-9*?]+$/i;
/** `arn:partition:service:…`: the service segment has no wildcard and no variable. */
const ARN_PATTERN = /^arn:[^:]*:[a-z0-9-]+:/;

/**
 * An action of a policy as IAM matches it: `*` any run of characters, `?` exactly one, in any case.
 *
 * @example
 * actionPattern('dynamodb:Get*').test('dynamodb:getitem'); // true
 */
export function actionPattern(action: string): RegExp {
  const escaped = action.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${escaped.replaceAll('*', '.*').replaceAll('?', '.')}$`, 'i');
}

/**
 * Compiles `statements`; never throws on a policy's content.
 *
 * @example
 * const policy = compilePolicy(fn.statements, { accountId: LOCAL_ACCOUNT_ID });
 * policy.problems; // [] for every policy the CDK app synthesizes
 */
export function compilePolicy(
  statements: readonly PolicyStatement[],
  context: PolicyContext,
): CompiledPolicy {
  const problems: string[] = [];
  const notes: string[] = [];
  const compiled = statements.map((statement, index) => {
    const name = typeof statement.Sid === 'string' && statement.Sid ? statement.Sid : `#${index + 1}`;
    const problem = (text: string) => problems.push(`statement ${name}: ${text}`);
    for (const key of Object.keys(statement))
      if (!ELEMENTS.has(key)) problem(`${key} is not an element of an identity-based policy`);
    const effect = statement.Effect;
    if (effect !== 'Allow' && effect !== 'Deny')
      problem(`Effect ${JSON.stringify(effect)} is neither "Allow" nor "Deny"`);
    const action = exactlyOne(statement, 'Action', 'NotAction', problem);
    const resource = exactlyOne(statement, 'Resource', 'NotResource', problem);
    const actions = action.values.flatMap((value) => {
      if (value === '*') return [/^/];
      if (!ACTION.test(value)) {
        problem(`${action.key} ${JSON.stringify(value)} is not "*" nor service:action`);
        return [];
      }
      return [actionPattern(value)];
    });
    let live = true;
    const resources = resource.values.flatMap((value) => {
      if (value === '*') return [/^/];
      if (!ARN_PATTERN.test(value)) {
        problem(
          `${resource.key} ${JSON.stringify(value)} is not "*" nor an ARN with a plain service segment`,
        );
        return [];
      }
      const resolved = resolvePolicyVariables(value, context);
      if (resolved.problem) {
        problem(`${resource.key} ${JSON.stringify(value)}: ${resolved.problem}`);
        return [];
      }
      if (resolved.unresolved.length > 0) {
        // IAM: a variable with no value in the request makes the statement not match.
        live = false;
        notes.push(
          `statement ${name} uses ${resolved.unresolved.join(', ')}, which a Lambda function's role has no value for: it never matches`,
        );
        return [];
      }
      return [new RegExp(`^${resolved.pattern}$`, 's')];
    });
    const condition = statement.Condition;
    if (
      condition !== undefined &&
      (typeof condition !== 'object' || condition === null || Array.isArray(condition))
    ) {
      problem('Condition is not an object');
    } else if (condition && Object.keys(condition).length > 0) {
      const keys = Object.entries(condition).flatMap(([operator, block]) =>
        Object.keys(typeof block === 'object' && block !== null ? block : {}).map(
          (key) => `${operator} ${key}`,
        ),
      );
      const effectText =
        effect === 'Allow'
          ? 'grants nothing locally'
          : 'is taken to apply whenever its actions and resources match';
      notes.push(
        `statement ${name} has a condition (${keys.join(', ')}) the local IAM check does not evaluate: it ${effectText}`,
      );
      if (effect === 'Allow') live = false;
    }
    return {
      effect: effect === 'Deny' ? 'Deny' : 'Allow',
      actions,
      notAction: action.key === 'NotAction',
      resources,
      notResource: resource.key === 'NotResource',
      live,
    } as const;
  });
  return { statements: compiled, problems, notes };
}

function exactlyOne<K extends 'Action' | 'NotAction' | 'Resource' | 'NotResource'>(
  statement: PolicyStatement,
  key: K,
  notKey: K,
  problem: (text: string) => void,
): { key: K; values: readonly string[] } {
  const has = statement[key] !== undefined;
  if (has === (statement[notKey] !== undefined)) {
    problem(`a statement needs exactly one of ${key}, ${notKey}`);
    return { key, values: [] };
  }
  const chosen = has ? key : notKey;
  const value: unknown = statement[chosen];
  const values = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(values) || values.length === 0 || !values.every((v) => typeof v === 'string')) {
    problem(`${chosen} is neither a string nor a non-empty list of strings`);
    return { key: chosen, values: [] };
  }
  return { key: chosen, values };
}

const compiled = new WeakMap<readonly PolicyStatement[], { accountId: string; policy: CompiledPolicy }>();

/**
 * {@link compilePolicy}, once per statement list and account: the guard and the loader that
 * reports on the policies share one compilation.
 */
export function compiledPolicyOf(
  statements: readonly PolicyStatement[],
  context: PolicyContext,
): CompiledPolicy {
  const found = compiled.get(statements);
  if (found?.accountId === context.accountId) return found.policy;
  const policy = compilePolicy(statements, context);
  compiled.set(statements, { accountId: context.accountId, policy });
  return policy;
}
