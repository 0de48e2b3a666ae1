import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { allow } from '../declaration/access.ts';
import { ForbiddenError, UnauthorizedError } from '../domain/errors.ts';
import { callerOf, checkAccess, parseGroups } from './caller.ts';

const eventWith = (claims?: Record<string, string>) =>
  ({ requestContext: claims ? { authorizer: { claims } } : {} }) as never;

describe('the caller and the access check', () => {
  test('splits cognito:groups exactly as API Gateway joins them: one string, commas between', () => {
    assert.deepEqual(parseGroups('admin'), ['admin']);
    assert.deepEqual(parseGroups('admin,ops'), ['admin', 'ops']);
    assert.deepEqual(parseGroups(''), []);
    assert.deepEqual(parseGroups(undefined), []);
    assert.deepEqual(parseGroups('administrators'), ['administrators'], 'no prefix match');
    // Other renderings are not API Gateway's for a REST API: nothing in them is taken apart.
    assert.deepEqual(parseGroups('[admin ops]'), ['[admin ops]']);
    assert.deepEqual(parseGroups(['admin']), [], 'a REST API never passes a list');
  });

  test('groups named to look like a list grant nothing they do not name', () => {
    // A user in the groups "[admin" and "ops]" arrives as "[admin,ops]": neither is admin.
    const caller = callerOf(eventWith({ sub: 's1', 'cognito:groups': '[admin,ops]' }));
    assert.deepEqual(caller?.groups, ['[admin', 'ops]']);
    assert.throws(() => checkAccess(allow.groups('admin'), caller), ForbiddenError);
    assert.throws(() => checkAccess(allow.groups('ops'), caller), ForbiddenError);
  });

  test('takes the caller only from the authorizer claims', () => {
    assert.equal(callerOf(eventWith()), undefined);
    assert.equal(callerOf(eventWith({ 'cognito:username': 'x' })), undefined, 'no sub, no caller');
    assert.deepEqual(
      callerOf(eventWith({ sub: 's1', 'cognito:username': 'alice', 'cognito:groups': 'a,b' })),
      {
        sub: 's1',
        username: 'alice',
        groups: ['a', 'b'],
      },
    );
  });

  test('public lets anyone in; the others need a caller (401) and groups need membership (403)', () => {
    const alice = { sub: 's1', username: 'alice', groups: ['staff'] };
    checkAccess(allow.public(), undefined);
    assert.throws(() => checkAccess(allow.signedIn(), undefined), UnauthorizedError);
    assert.throws(() => checkAccess(allow.owner(), undefined), UnauthorizedError);
    checkAccess(allow.signedIn(), alice);
    checkAccess(allow.owner(), alice);
    checkAccess(allow.groups('admin', 'staff'), alice);
    assert.throws(() => checkAccess(allow.groups('admin'), alice), ForbiddenError);
    assert.throws(() => checkAccess(allow.groups('staf'), alice), ForbiddenError);
  });
});
