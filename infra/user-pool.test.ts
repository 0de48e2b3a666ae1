import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { ServiceDeclaration } from '#src/declaration/types.ts';
import { DEFAULT_SETTINGS } from './settings.ts';
import { declaredGroups, ServicesUserPool } from './user-pool.ts';

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

describe("the authorizer's audience check", () => {
  test("matches an existing pool's app client id literally, even one holding a regex character", () => {
    const pool = new ServicesUserPool(new Stack(new App(), 'S'), 'Auth', {
      services: [],
      settings: { ...DEFAULT_SETTINGS, userPoolId: 'eu-west-1_AbC123', userPoolClientId: 'abc+def' },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    assert.equal(pool.audienceExpression, '^abc\\+def$');
    assert.ok(new RegExp(pool.audienceExpression).test('abc+def'));
    assert.ok(!new RegExp(pool.audienceExpression).test('abccdef'));
  });
});
