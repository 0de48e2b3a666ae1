import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { allow } from '../declaration/access.ts';
import { ForbiddenError, UnauthorizedError } from '../domain/errors.ts';
import { callerOf, checkAccess, parseGroups } from './caller.ts';

const eventWith = (claims?: Record<string, string>) =>
  ({ requestContext: claims ? { authorizer: { claims } } : {} }) as never;

describe('the caller and the access check', () => {
  test('reads cognito:groups in the forms API Gateway and others produce', () => {
    assert.deepEqual(parseGroups('admin'), ['admin']);
    assert.deepEqual(parseGroups('admin,ops'), ['admin', 'ops']);
    assert.deepEqual(parseGroups('[admin, ops]'), ['admin', 'ops']);
    assert.deepEqual(parseGroups('[admin ops]'), ['admin', 'ops']);
    assert.deepEqual(parseGroups(['admin']), ['admin']);
    assert.deepEqual(parseGroups(''), []);
    assert.deepEqual(parseGroups(undefined), []);
    assert.deepEqual(parseGroups('administrators'), ['administrators'], 'no prefix match');
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
