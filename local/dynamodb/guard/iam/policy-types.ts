// The part of the IAM policy language that identity-based policies written by CDK use.

/** One statement of an identity-based policy, as CloudFormation carries it. */
export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action?: string | readonly string[];
  readonly NotAction?: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly NotResource?: string | readonly string[];
  readonly Condition?: Readonly<Record<string, unknown>>;
}

/** A function's role and the statements of its inline policies, intrinsic functions resolved. */
export interface FunctionPolicy {
  readonly functionName: string;
  /** The role's name locally: its logical id in the template. */
  readonly roleName: string;
  readonly statements: readonly PolicyStatement[];
}
