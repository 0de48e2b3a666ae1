import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { actionPattern } from './compile-policy.ts';
import type { FunctionPolicy } from './policy-types.ts';
import { unusedPermissions } from './unused-permissions.ts';

describe('unusedPermissions', () => {
  test('reads a wildcard grant as the policy evaluator does: used when any action it covers was', () => {
    const policy: FunctionPolicy = {
      functionName: 'products-get',
      roleName: 'ProductsGetRole',
      statements: [
        { Effect: 'Allow', Action: ['dynamodb:Get*', 'dynamodb:?uery', 'dynamodb:PutItem'], Resource: '*' },
        { Effect: 'Allow', Action: 'logs:PutLogEvents', Resource: '*' },
      ],
    };
    const used = new Map([['products-get', new Set(['dynamodb:GetItem', 'dynamodb:Query'])]]);
    assert.deepEqual(unusedPermissions([policy], used).get('products-get'), ['dynamodb:PutItem']);
    assert.equal(actionPattern('dynamodb:Get*').test('dynamodb:getitem'), true);
    assert.equal(actionPattern('dynamodb:?uery').test('dynamodb:Query'), true);
    assert.equal(actionPattern('dynamodb:Get.tem').test('dynamodb:GetItem'), false, 'a dot is no wildcard');
  });
});
