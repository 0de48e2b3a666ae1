import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ServiceDeclaration } from '#src/declaration/types.ts';
import { declaredGroups } from './user-pool.ts';

// A declaration built by hand, as code that skips defineService could: the stack checks again.
const declaring = (...groups: string[]) =>
  ({
    name: 'hand',
    functions: [{ name: 'hand-get', access: { allow: 'groups', groups } }],
  }) as unknown as ServiceDeclaration;

describe('the groups the stack creates', () => {
  test('are the groups the rules name, once each', () => {
    assert.deepEqual(declaredGroups([declaring('ops', 'admin'), declaring('admin')]), ['admin', 'ops']);
  });

  test('never include a name API Gateway would split, or that Cognito would refuse', () => {
    assert.throws(
      () => declaredGroups([declaring('admin,ops')]),
      /hand-get of service hand names group "admin,ops", whose name holds ","/,
    );
    assert.throws(() => declaredGroups([declaring('two words')]), /not a Cognito group name/);
  });
});
