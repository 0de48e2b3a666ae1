// Who may call an operation, declared next to it. Deny by default: a function without a rule is
// refused when its declaration loads. The rules are read by the CDK app (a Cognito authorizer on
// every route that is not public), by the local gateway (the same token checks) and by the
// functions themselves (groups and owner, from the claims the authorizer passes). Nothing here
// imports CDK or Node built-ins, so function bundles can carry it.

/**
 * How long the user pool's ID and access tokens are valid (Cognito's default, one hour): the
 * stack's app client issues them so, and the local pool mints them so unless asked otherwise.
 */
export const TOKEN_LIFETIME_SECONDS = 3600;
/** The longest Cognito lets an ID or access token live (one day). */
export const MAX_TOKEN_LIFETIME_SECONDS = 86_400;

/** Settings that may open a rule to everyone on purpose (see `ApiSettings.openTutorial`). */
export type AccessSwitch = 'openTutorial';

export type AccessRule =
  /** Anyone, without a token. */
  | { readonly allow: 'public' }
  /** Any user with a valid token of the user pool. */
  | { readonly allow: 'signedIn' }
  /** Users in at least one of these groups (`cognito:groups`). */
  | { readonly allow: 'groups'; readonly groups: readonly string[]; readonly publicWhen?: AccessSwitch }
  /** Signed-in users, each reaching only the items keyed by their own identity (`sub`). */
  | { readonly allow: 'owner' };

/**
 * How API Gateway's Cognito authorizer passes a caller's groups to a REST API's Lambda proxy
 * integration: `cognito:groups` (a list in the token) becomes one string, the names joined by a
 * comma, no brackets, no spaces (`admin,ops`). HTTP APIs' JWT authorizers write `[admin ops]`
 * instead; this project deploys a REST API. A group whose name holds the separator would read as
 * several groups, so no rule may name one and neither the stack nor the local pool creates one.
 */
export const GROUP_SEPARATOR = ',';

// Cognito's own pattern for a group name: letters, marks, symbols, digits, punctuation; no spaces.
const GROUP_NAME = /^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,128}$/u;

/**
 * Why `name` cannot be a group of this project, or undefined when it can.
 *
 * @example
 * groupNameProblem('admin,ops'); // 'group "admin,ops", whose name holds ",": …'
 */
export function groupNameProblem(name: unknown): string | undefined {
  if (typeof name !== 'string' || !GROUP_NAME.test(name)) {
    return `group ${JSON.stringify(name)} is not a Cognito group name (1-128 letters, digits, symbols or punctuation; no spaces)`;
  }
  if (name.includes(GROUP_SEPARATOR)) {
    return `group ${JSON.stringify(name)}, whose name holds "${GROUP_SEPARATOR}": API Gateway passes a caller's groups joined by "${GROUP_SEPARATOR}", so it would read as several groups`;
  }
  return undefined;
}

/**
 * The rules a declaration can state, after Amplify's `allow.*` builders.
 *
 * @example
 * access: { read: allow.signedIn(), write: allow.groups('admin') }
 */
export const allow = {
  public: (): AccessRule => ({ allow: 'public' }),
  signedIn: (): AccessRule => ({ allow: 'signedIn' }),
  /** Members of any of `groups`; `publicWhen` names a setting that opens the rule to everyone. */
  groups: (...groups: [string, ...string[]]): GroupsRule => groupsRule(groups),
  owner: (): AccessRule => ({ allow: 'owner' }),
} as const;

type GroupsRule = Extract<AccessRule, { allow: 'groups' }> & {
  /** The same rule, public while the named setting is on. */
  publicWhen(setting: AccessSwitch): AccessRule;
};

function groupsRule(groups: readonly string[]): GroupsRule {
  const rule = { allow: 'groups' as const, groups: [...groups] };
  // Not enumerable: the rule stays plain data (JSON, deep equality) with or without the helper.
  return Object.defineProperty(rule, 'publicWhen', {
    value: (setting: AccessSwitch): AccessRule => ({ ...rule, publicWhen: setting }),
    enumerable: false,
  }) as unknown as GroupsRule;
}

/** Why a rule cannot be used, or undefined when it can. */
export function accessRuleProblem(rule: unknown): string | undefined {
  if (typeof rule !== 'object' || rule === null || !('allow' in rule)) {
    return 'has no access rule: operations are denied unless their declaration says who may call them (access: allow.public() | allow.signedIn() | allow.groups(...) | allow.owner())';
  }
  const { allow: kind } = rule as { allow: unknown };
  if (kind === 'public' || kind === 'signedIn' || kind === 'owner') return undefined;
  if (kind !== 'groups') return `has an unknown access rule "${String(kind)}"`;
  const { groups } = rule as { groups?: unknown };
  if (!Array.isArray(groups) || groups.length === 0) return 'allows groups but names none';
  const problems = groups.map(groupNameProblem).filter((problem) => problem !== undefined);
  return problems.length > 0 ? `names ${problems.join('; ')}` : undefined;
}

/** The settings that can change a rule (both are off unless a deployment turns them on). */
export type AccessSettings = { readonly [S in AccessSwitch]: boolean };

/** The rule in force once the deployment's settings are applied. */
export function effectiveAccess(rule: AccessRule, switches: AccessSettings): AccessRule {
  if (rule.allow === 'groups' && rule.publicWhen && switches[rule.publicWhen]) return { allow: 'public' };
  return rule;
}

/** Whether the API (Cognito authorizer deployed, the local gateway locally) demands a valid token. */
export function needsToken(rule: AccessRule): boolean {
  return rule.allow !== 'public';
}

/**
 * How long the API's authorizer keeps a verified token's result (CDK's default for a Cognito
 * authorizer, written out): the stack deploys it and the local gateway caches for as long.
 */
export const AUTHORIZER_CACHE_SECONDS = 300;

/** The request header the authorizer reads the token from (its identity source). */
export const TOKEN_HEADER = 'Authorization';

/** The variable that tells a function its rule in force. */
export const ACCESS_RULE_ENV = 'ACCESS_RULE';

/**
 * The rule as one environment variable value: `public`, `signedIn`, `owner` or `groups:a,b`.
 *
 * @example
 * encodeAccessRule(allow.groups('admin', 'ops')); // 'groups:admin,ops'
 */
export function encodeAccessRule(rule: AccessRule): string {
  return rule.allow === 'groups' ? `groups:${rule.groups.join(GROUP_SEPARATOR)}` : rule.allow;
}

/** Reads {@link encodeAccessRule}'s form; anything else is an error (the function refuses to start). */
export function decodeAccessRule(text: string | undefined): AccessRule {
  if (text === 'public' || text === 'signedIn' || text === 'owner') return { allow: text };
  if (text?.startsWith('groups:')) {
    const groups = text.slice('groups:'.length).split(GROUP_SEPARATOR).filter(Boolean);
    if (groups.length > 0) return { allow: 'groups', groups };
  }
  throw new Error(
    `${ACCESS_RULE_ENV} is ${text === undefined ? 'not set' : `"${text}"`}: the function cannot know who may call it`,
  );
}
