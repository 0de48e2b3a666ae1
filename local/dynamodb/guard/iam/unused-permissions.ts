import { actionPattern } from './compile-policy.ts';
import type { FunctionPolicy } from './policy-types.ts';

/** Per function, the DynamoDB actions its policy grants that it never used. */
export type UnusedPermissions = ReadonlyMap<string, readonly string[]>;

/**
 * The DynamoDB actions granted by each function's `Allow` statements that none of its calls used,
 * as IAM Access Analyzer reports unused access. A wildcard grant counts as used when any action
 * it covers was used. Log and X-Ray grants are left out: Lambda itself uses those.
 *
 * @example
 * unusedPermissions(policies, guard.usedActions()); // Map { 'products-get' => [] , … }
 */
export function unusedPermissions(
  policies: Iterable<FunctionPolicy>,
  used: ReadonlyMap<string, ReadonlySet<string>>,
): UnusedPermissions {
  const report = new Map<string, string[]>();
  for (const policy of policies) {
    const usedHere = [...(used.get(policy.functionName) ?? [])].map((a) => a.toLowerCase());
    const granted = policy.statements
      .filter((s) => s.Effect === 'Allow')
      .flatMap((s) => (s.Action === undefined ? [] : typeof s.Action === 'string' ? [s.Action] : s.Action))
      .filter((action) => action.toLowerCase().startsWith('dynamodb:'));
    const unused = [...new Set(granted)].filter((grant) => {
      const pattern = actionPattern(grant);
      return !usedHere.some((action) => pattern.test(action));
    });
    report.set(policy.functionName, unused.sort());
  }
  return report;
}

/** The report as the terminal shows it. */
export function formatUnusedPermissions(report: UnusedPermissions): string {
  const lines = [...report].map(([fn, actions]) =>
    actions.length === 0 ? `    ${fn}: none` : `    ${fn}: ${actions.join(', ')}`,
  );
  const total = [...report.values()].reduce((n, a) => n + a.length, 0);
  return [`  Unused permissions (granted DynamoDB actions never called): ${total}`, ...lines].join('\n');
}
