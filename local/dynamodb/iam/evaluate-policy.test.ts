import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { loadServices } from '#src/declaration/load-services.ts';
import { assertEvaluable, evaluatePolicy } from './evaluate-policy.ts';
import type { FunctionPolicy, PolicyStatement } from './policy-types.ts';
import { LOCAL_ACCOUNT_ID } from './resolve-intrinsics.ts';
import { synthesizePolicies } from './synthesize-policies.ts';

const account = { region: 'us-east-1', accountId: LOCAL_ACCOUNT_ID };
const table = (name: string) => `arn:aws:dynamodb:us-east-1:${LOCAL_ACCOUNT_ID}:table/${name}`;

describe('evaluatePolicy on the policies the CDK app synthesizes', () => {
  let policies: Record<string, FunctionPolicy>;
  before(async () => {
    policies = await synthesizePolicies(await loadServices(), account);
  });
  const statementsOf = (fn: string) => {
    const policy = policies[fn];
    assert.ok(policy, `no policy for ${fn}`);
    return policy.statements;
  };

  test('resolves every function role with its own table and log group', () => {
    assert.deepEqual(Object.keys(policies).sort(), [
      'dynamodb-manager',
      'orders-create',
      'orders-delete',
      'orders-get',
      'orders-list',
      'orders-replace',
      'orders-update',
      'products-create',
      'products-delete',
      'products-get',
      'products-list',
      'products-replace',
      'products-update',
    ]);
    const get = statementsOf('products-get');
    assert.deepEqual(get[0], {
      Action: 'dynamodb:GetItem',
      Effect: 'Allow',
      Resource: table('products'),
      Sid: 'UseOwnTable',
    });
    assert.ok(JSON.stringify(get).includes(':log-group:/aws/lambda/products-get:*'));
    assert.doesNotMatch(JSON.stringify(policies), /Fn::|"Ref"/);
  });

  test('allows exactly the declared actions on the own table', () => {
    assert.equal(
      evaluatePolicy(statementsOf('products-get'), 'dynamodb:GetItem', table('products')),
      'allow',
    );
    assert.equal(
      evaluatePolicy(statementsOf('products-get'), 'dynamodb:PutItem', table('products')),
      'implicit-deny',
    );
    assert.equal(evaluatePolicy(statementsOf('products-list'), 'dynamodb:Scan', table('products')), 'allow');
    // An owner's orders are one partition: listed with Query, never a Scan of everyone's.
    assert.equal(evaluatePolicy(statementsOf('orders-list'), 'dynamodb:Query', table('orders')), 'allow');
    assert.equal(
      evaluatePolicy(statementsOf('orders-list'), 'dynamodb:Scan', table('orders')),
      'implicit-deny',
    );
    for (const action of ['PutItem', 'GetItem', 'UpdateItem', 'DeleteItem', 'Scan']) {
      assert.equal(
        evaluatePolicy(statementsOf('dynamodb-manager'), `dynamodb:${action}`, table('lambda-apigateway')),
        'allow',
      );
    }
    assert.equal(
      evaluatePolicy(statementsOf('dynamodb-manager'), 'dynamodb:Query', table('lambda-apigateway')),
      'implicit-deny',
    );
  });

  test("denies another service's table, its indexes and every table", () => {
    assert.equal(
      evaluatePolicy(statementsOf('products-get'), 'dynamodb:GetItem', table('lambda-apigateway')),
      'implicit-deny',
    );
    assert.equal(
      evaluatePolicy(statementsOf('products-get'), 'dynamodb:GetItem', `${table('products')}/index/byName`),
      'implicit-deny',
    );
    assert.equal(evaluatePolicy(statementsOf('products-get'), 'dynamodb:GetItem', '*'), 'implicit-deny');
    assert.equal(
      evaluatePolicy(statementsOf('dynamodb-manager'), 'dynamodb:Scan', table('products')),
      'implicit-deny',
    );
  });

  test('matches actions without regard to case, resources with it', () => {
    assert.equal(
      evaluatePolicy(statementsOf('products-get'), 'DynamoDB:getitem', table('products')),
      'allow',
    );
    assert.equal(
      evaluatePolicy(statementsOf('products-get'), 'dynamodb:GetItem', table('Products')),
      'implicit-deny',
    );
  });

  test('an explicit deny wins over the synthesized allow', () => {
    const deny: PolicyStatement = {
      Effect: 'Deny',
      Action: 'dynamodb:Get*',
      Resource: 'arn:aws:dynamodb:*:*:table/prod?cts',
    };
    const statements = [...statementsOf('products-get'), deny];
    assert.equal(evaluatePolicy(statements, 'dynamodb:GetItem', table('products')), 'explicit-deny');
    assert.equal(evaluatePolicy([deny], 'dynamodb:GetItem', table('products')), 'explicit-deny');
  });

  test('wildcards, NotAction and NotResource', () => {
    const all: PolicyStatement = { Effect: 'Allow', Action: 'dynamodb:*', Resource: `${table('products')}*` };
    assert.equal(evaluatePolicy([all], 'dynamodb:Query', `${table('products')}/index/byName`), 'allow');
    assert.equal(evaluatePolicy([all], 'dynamodb:Query', table('orders')), 'implicit-deny');
    const notAction: PolicyStatement = { Effect: 'Allow', NotAction: 'dynamodb:Delete*', Resource: '*' };
    assert.equal(evaluatePolicy([notAction], 'dynamodb:PutItem', table('x')), 'allow');
    assert.equal(evaluatePolicy([notAction], 'dynamodb:DeleteItem', table('x')), 'implicit-deny');
    const notResource: PolicyStatement = { Effect: 'Deny', Action: '*', NotResource: table('products') };
    assert.equal(
      evaluatePolicy([all, notResource], 'dynamodb:Scan', `${table('products')}-copy`),
      'explicit-deny',
    );
    assert.equal(evaluatePolicy([all, notResource], 'dynamodb:Scan', table('products')), 'allow');
    assert.equal(evaluatePolicy([], 'dynamodb:Scan', table('products')), 'implicit-deny');
  });

  test('a condition it does not evaluate fails loudly, never passes', () => {
    const conditional: PolicyStatement = {
      Effect: 'Allow',
      Action: 'dynamodb:GetItem',
      Resource: table('products'),
      Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['a'] } },
    };
    assert.throws(
      () => evaluatePolicy([conditional], 'dynamodb:GetItem', table('products')),
      /dynamodb:LeadingKeys/,
    );
    assert.throws(
      () => assertEvaluable([conditional], 'products-get'),
      /products-get.*condition \(dynamodb:LeadingKeys\)/,
    );
    assert.doesNotThrow(() => {
      for (const policy of Object.values(policies)) assertEvaluable(policy.statements, policy.functionName);
    });
  });
});
