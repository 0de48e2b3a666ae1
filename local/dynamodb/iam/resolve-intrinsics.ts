// CloudFormation's intrinsic functions, resolved as they would be in a local "account".

/** The account and region local ARNs are written in. */
export interface LocalAccount {
  readonly region: string;
  readonly accountId: string;
}

export type TemplateResources = Record<
  string,
  { readonly Type: string; readonly Properties?: Record<string, unknown> } | undefined
>;

export interface ResolveContext {
  readonly resources: TemplateResources;
  /** Table logical id → the table's local name. */
  readonly tableNames: ReadonlyMap<string, string>;
  /** Whose policy this is: names its log group locally. */
  readonly functionName: string;
  readonly account: LocalAccount;
}

/**
 * Replaces `Ref`, `Fn::GetAtt` (a table's or a log group's `Arn`) and `Fn::Join` in `value` by
 * local values. Anything else it meets fails loudly: a policy that cannot be resolved must
 * never be checked as if it were a different one.
 *
 * @example
 * resolveIntrinsics({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }]] }, context); // 'arn:aws'
 */
export function resolveIntrinsics(value: unknown, context: ResolveContext): unknown {
  if (Array.isArray(value)) return value.map((v) => resolveIntrinsics(v, context));
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value);
  const [first] = entries;
  if (entries.length === 1 && first && (first[0] === 'Ref' || first[0].startsWith('Fn::'))) {
    return resolveFunction(first[0], first[1], context);
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, resolveIntrinsics(v, context)]));
}

function resolveFunction(name: string, argument: unknown, context: ResolveContext): string {
  const { region, accountId } = context.account;
  if (name === 'Ref') {
    const pseudo: Record<string, string> = {
      'AWS::Partition': 'aws',
      'AWS::Region': region,
      'AWS::AccountId': accountId,
      'AWS::URLSuffix': 'amazonaws.com',
    };
    const ref = String(argument);
    const known = pseudo[ref] ?? context.tableNames.get(ref);
    if (known !== undefined) return known;
  }
  if (name === 'Fn::Join' && Array.isArray(argument) && typeof argument[0] === 'string') {
    const parts = resolveIntrinsics(argument[1], context);
    if (Array.isArray(parts)) return parts.join(argument[0]);
  }
  if (name === 'Fn::GetAtt' && Array.isArray(argument) && argument[1] === 'Arn') {
    const id = String(argument[0]);
    const type = context.resources[id]?.Type;
    const table = context.tableNames.get(id);
    if (type === 'AWS::DynamoDB::Table' && table !== undefined) {
      return `arn:aws:dynamodb:${region}:${accountId}:table/${table}`;
    }
    // Lambda's default log group name; CloudFormation's Arn attribute of a log group ends in `:*`.
    if (type === 'AWS::Logs::LogGroup') {
      return `arn:aws:logs:${region}:${accountId}:log-group:/aws/lambda/${context.functionName}:*`;
    }
  }
  throw new Error(
    `Cannot resolve ${JSON.stringify({ [name]: argument })} in the policy of ${context.functionName} locally`,
  );
}
