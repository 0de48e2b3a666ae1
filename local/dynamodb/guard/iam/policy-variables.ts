// IAM policy variables in a Resource element, resolved the way IAM resolves them for a Lambda
// function's role session, and the ARN's wildcards turned into a regular expression.

/** What a policy is evaluated against besides the request: the caller's account. */
export interface PolicyContext {
  readonly accountId: string;
}

export interface ResolvedResource {
  /** The ARN pattern as a regular expression's source (without anchors). */
  readonly pattern: string;
  /** Variables the caller has no value for (with no default): the statement cannot match. */
  readonly unresolved: readonly string[];
  /** Why IAM would refuse the element, if it would. */
  readonly problem?: string;
}

/** `${key}` or `${key, 'default'}` (a quote doubled inside the default), as the IAM docs write them. */
const VARIABLE = /^\$\{\s*([A-Za-z0-9:/_.-]+|\*|\?|\$)\s*(?:,\s*'((?:[^']|'')*)'\s*)?\}/;

/**
 * The values a Lambda function's role session has locally. Everything else a role session
 * carries (aws:userid's role id, tags, aws:username, which a role never has) is unknown here.
 */
function localValue(key: string, context: PolicyContext): string | undefined {
  switch (key.toLowerCase()) {
    case '*':
    case '?':
    case '$':
      return key;
    case 'aws:principalaccount':
      return context.accountId;
    case 'aws:principaltype':
      return 'AssumedRole';
    default:
      return undefined;
  }
}

/**
 * Reads an ARN pattern: `*` is any run of characters within a segment, or beyond its colons when
 * it ends the segment; `?` is one character of a segment; variables only after the fifth colon.
 *
 * @example
 * resolvePolicyVariables("arn:aws:dynamodb:*:*:table/${aws:username, 'guest'}", { accountId: LOCAL_ACCOUNT_ID }).pattern;
 */
export function resolvePolicyVariables(arn: string, context: PolicyContext): ResolvedResource {
  const unresolved: string[] = [];
  let pattern = '';
  let colons = 0;
  for (let i = 0; i < arn.length; ) {
    const c = arn[i] as string;
    if (c === '$' && arn[i + 1] === '{') {
      const match = VARIABLE.exec(arn.slice(i));
      if (!match) return { pattern, unresolved, problem: 'a malformed policy variable' };
      if (colons < 5) return { pattern, unresolved, problem: 'a policy variable before the fifth colon' };
      const [text, key = '', fallback] = match;
      const value = localValue(key, context) ?? fallback?.replaceAll("''", "'");
      if (value === undefined) unresolved.push(`\${${key}}`);
      else pattern += literal(value);
      i += text.length;
      continue;
    }
    if (c === ':') colons++;
    if (c === '*') pattern += i + 1 === arn.length || arn[i + 1] === ':' ? '.*' : '[^:]*';
    else if (c === '?') pattern += '[^:]';
    else pattern += literal(c);
    i++;
  }
  return { pattern, unresolved };
}

const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
