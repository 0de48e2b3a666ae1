// Who is calling, from the claims API Gateway's Cognito authorizer passed (it has verified the
// token), and whether the function's access rule lets them in. The gateway already refused
// requests without a valid token; the function checks what only it can: groups, and the owner.
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { type AccessRule, GROUP_SEPARATOR } from '../declaration/access.ts';
import { ForbiddenError, UnauthorizedError } from '../domain/errors.ts';

export interface Caller {
  /** The user's stable identity (`sub`): what owner-scoped items are keyed by. */
  readonly sub: string;
  readonly username: string | undefined;
  readonly groups: readonly string[];
}

/** The verified caller, or undefined on a public route (no authorizer, no claims). */
export function callerOf(event: Pick<APIGatewayProxyEvent, 'requestContext'>): Caller | undefined {
  const claims = event.requestContext?.authorizer?.claims as Record<string, unknown> | undefined;
  const sub = claims?.sub;
  if (typeof sub !== 'string' || sub === '') return undefined;
  const username = claims?.['cognito:username'] ?? claims?.username;
  return {
    sub,
    username: typeof username === 'string' ? username : undefined,
    groups: parseGroups(claims?.['cognito:groups']),
  };
}

/**
 * `cognito:groups` as API Gateway's Cognito authorizer passes it to a REST API: one string, the
 * groups joined by {@link GROUP_SEPARATOR} (`admin,ops`). Split that way and no other: a bracket or
 * a space is part of a name, never a delimiter, so groups named `[admin` and `ops]` (which arrive
 * as `[admin,ops]`) are not `admin`. Anything but a string is no groups at all.
 */
export function parseGroups(value: unknown): string[] {
  if (typeof value !== 'string') return [];
  return value.split(GROUP_SEPARATOR).filter((group) => group !== '');
}

/**
 * Lets the request in or throws: 401 when a rule needs a caller and there is none (the route was
 * deployed without its authorizer), 403 when the caller is in none of the rule's groups.
 */
export function checkAccess(rule: AccessRule, caller: Caller | undefined): void {
  if (rule.allow === 'public') return;
  if (!caller) throw new UnauthorizedError('This operation needs a signed-in caller.');
  if (rule.allow === 'groups' && !rule.groups.some((group) => caller.groups.includes(group))) {
    throw new ForbiddenError(`This operation is for members of ${rule.groups.join(' or ')}.`);
  }
}
