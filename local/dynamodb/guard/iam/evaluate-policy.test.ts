// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the cases are IAM policy variables, written ${…} as IAM writes them.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { LOCAL_ACCOUNT_ID } from '#local/local-account.ts';
import { loadShippedServices } from '../../../../test/support/shipped-services.ts';
import { compilePolicy } from './compile-policy.ts';
import { type Decision, evaluatePolicy } from './evaluate-policy.ts';
import type { FunctionPolicy, PolicyStatement } from './policy-types.ts';
import { synthesizePolicies } from './synthesize-policies.ts';

const account = { region: 'us-east-1', accountId: LOCAL_ACCOUNT_ID };
const table = (name: string) => `arn:aws:dynamodb:us-east-1:${LOCAL_ACCOUNT_ID}:table/${name}`;
const products = table('products');
const byName = `${products}/index/byName`;

type Case = readonly [
  name: string,
  statements: readonly PolicyStatement[],
  action: string,
  resource: string,
  expected: Decision,
];
const allow = (Action: string | string[], Resource: string | string[]): PolicyStatement => ({
  Effect: 'Allow',
  Action,
  Resource,
});
const deny = (Action: string | string[], Resource: string | string[]): PolicyStatement => ({
  Effect: 'Deny',
  Action,
  Resource,
});
const ALLOW = 'allow';
const DENY = 'explicit-deny';
const NONE = 'implicit-deny';

/** Each group's cases come from the AWS documentation page it is named after. */
const GROUPS: Record<string, readonly Case[]> = {
  'IAM JSON policy elements: Action': [
    ['an exact action', [allow('dynamodb:GetItem', products)], 'dynamodb:GetItem', products, ALLOW],
    [
      'action names are not case sensitive',
      [allow('dynamodb:GetItem', products)],
      'DynamoDB:getitem',
      products,
      ALLOW,
    ],
    ['another action', [allow('dynamodb:GetItem', products)], 'dynamodb:PutItem', products, NONE],
    [
      'a trailing * covers the prefix',
      [allow('dynamodb:Get*', products)],
      'dynamodb:GetItem',
      products,
      ALLOW,
    ],
    [
      'a trailing * only covers the prefix',
      [allow('dynamodb:Get*', products)],
      'dynamodb:PutItem',
      products,
      NONE,
    ],
    ['? is one character', [allow('dynamodb:?etItem', products)], 'dynamodb:GetItem', products, ALLOW],
    [
      '? is exactly one character',
      [allow('dynamodb:?etItem', products)],
      'dynamodb:BatchGetItem',
      products,
      NONE,
    ],
    ['service:* covers the service', [allow('dynamodb:*', products)], 'dynamodb:Scan', products, ALLOW],
    ['another service covers nothing here', [allow('s3:*', '*')], 'dynamodb:Scan', products, NONE],
    ['* alone covers every action', [allow('*', products)], 'dynamodb:Scan', products, ALLOW],
    [
      'a list: any of its actions',
      [allow(['dynamodb:Query', 'dynamodb:Scan'], products)],
      'dynamodb:Scan',
      products,
      ALLOW,
    ],
    ['an empty-string action matches nothing', [allow('', products)], 'dynamodb:GetItem', products, NONE],
    [
      'an action without a service prefix matches nothing',
      [allow('GetItem', products)],
      'dynamodb:GetItem',
      products,
      NONE,
    ],
    ['an empty action list matches nothing', [allow([], products)], 'dynamodb:GetItem', products, NONE],
  ],
  'IAM JSON policy elements: NotAction': [
    [
      'Allow with NotAction allows the others',
      [{ Effect: 'Allow', NotAction: 'dynamodb:Delete*', Resource: '*' }],
      'dynamodb:PutItem',
      products,
      ALLOW,
    ],
    [
      'Allow with NotAction does not allow the named ones',
      [{ Effect: 'Allow', NotAction: 'dynamodb:Delete*', Resource: '*' }],
      'dynamodb:DeleteItem',
      products,
      NONE,
    ],
    [
      'Deny with NotAction denies all but the named ones',
      [allow('dynamodb:*', '*'), { Effect: 'Deny', NotAction: 'dynamodb:GetItem', Resource: '*' }],
      'dynamodb:PutItem',
      products,
      DENY,
    ],
    [
      'Deny with NotAction leaves the named ones to the allows',
      [allow('dynamodb:*', '*'), { Effect: 'Deny', NotAction: 'dynamodb:GetItem', Resource: '*' }],
      'dynamodb:GetItem',
      products,
      ALLOW,
    ],
    [
      'an empty-string NotAction matches nothing',
      [{ Effect: 'Allow', NotAction: '', Resource: '*' }],
      'dynamodb:GetItem',
      products,
      NONE,
    ],
  ],
  'IAM JSON policy elements: Resource': [
    ['an exact ARN', [allow('dynamodb:GetItem', products)], 'dynamodb:GetItem', products, ALLOW],
    [
      'ARNs are case sensitive',
      [allow('dynamodb:GetItem', products)],
      'dynamodb:GetItem',
      table('Products'),
      NONE,
    ],
    ['another table', [allow('dynamodb:GetItem', products)], 'dynamodb:GetItem', table('orders'), NONE],
    [
      'a table ARN does not cover its indexes',
      [allow('dynamodb:Query', products)],
      'dynamodb:Query',
      byName,
      NONE,
    ],
    ['an index needs its own ARN', [allow('dynamodb:Query', byName)], 'dynamodb:Query', byName, ALLOW],
    [
      '* in the region and account segments',
      [allow('dynamodb:GetItem', 'arn:aws:dynamodb:*:*:table/products')],
      'dynamodb:GetItem',
      products,
      ALLOW,
    ],
    [
      '* expands over / in the resource segment',
      [allow('dynamodb:Query', `${products}/*`)],
      'dynamodb:Query',
      byName,
      ALLOW,
    ],
    [
      'table/* covers tables and their indexes',
      [allow('dynamodb:Query', table('*'))],
      'dynamodb:Query',
      byName,
      ALLOW,
    ],
    [
      '? is one character of a segment',
      [allow('dynamodb:GetItem', table('prod?cts'))],
      'dynamodb:GetItem',
      products,
      ALLOW,
    ],
    [
      '* inside a segment stays inside it',
      [allow('dynamodb:GetItem', 'arn:aws:dynamodb:us*0:table/products')],
      'dynamodb:GetItem',
      products,
      NONE,
    ],
    [
      '* ending a segment may expand past its colons',
      [allow('dynamodb:GetItem', 'arn:aws:dynamodb:*')],
      'dynamodb:GetItem',
      products,
      ALLOW,
    ],
    [
      'a region segment with * inside it',
      [allow('dynamodb:GetItem', `arn:aws:dynamodb:us-*-1:${LOCAL_ACCOUNT_ID}:table/products`)],
      'dynamodb:GetItem',
      products,
      ALLOW,
    ],
    ['* alone is every resource', [allow('dynamodb:GetItem', '*')], 'dynamodb:GetItem', products, ALLOW],
    [
      'an empty-string resource matches nothing',
      [allow('dynamodb:GetItem', '')],
      'dynamodb:GetItem',
      products,
      NONE,
    ],
    [
      'a resource that is not an ARN matches nothing',
      [allow('dynamodb:GetItem', 'products')],
      'dynamodb:GetItem',
      products,
      NONE,
    ],
    [
      'a wildcard in the service segment matches nothing',
      [allow('dynamodb:GetItem', `arn:aws:dynamo*:us-east-1:${LOCAL_ACCOUNT_ID}:table/products`)],
      'dynamodb:GetItem',
      products,
      NONE,
    ],
    [
      'another account',
      [allow('dynamodb:GetItem', products)],
      'dynamodb:GetItem',
      'arn:aws:dynamodb:us-east-1:111122223333:table/products',
      NONE,
    ],
  ],
  'IAM JSON policy elements: NotResource': [
    [
      'Deny with NotResource denies every other resource',
      [allow('dynamodb:*', `${products}*`), { Effect: 'Deny', Action: '*', NotResource: products }],
      'dynamodb:Scan',
      table('products-copy'),
      DENY,
    ],
    [
      'Deny with NotResource spares the named one',
      [allow('dynamodb:*', `${products}*`), { Effect: 'Deny', Action: '*', NotResource: products }],
      'dynamodb:Scan',
      products,
      ALLOW,
    ],
    [
      'Allow with NotResource allows the others',
      [{ Effect: 'Allow', Action: 'dynamodb:Scan', NotResource: table('orders') }],
      'dynamodb:Scan',
      products,
      ALLOW,
    ],
    [
      'an empty-string NotResource matches nothing',
      [{ Effect: 'Allow', Action: 'dynamodb:Scan', NotResource: '' }],
      'dynamodb:Scan',
      products,
      NONE,
    ],
  ],
  'Policy evaluation logic': [
    ['no statement: denied by default', [], 'dynamodb:Scan', products, NONE],
    [
      'an explicit deny wins over an allow',
      [allow('dynamodb:*', '*'), deny('dynamodb:Get*', 'arn:aws:dynamodb:*:*:table/prod?cts')],
      'dynamodb:GetItem',
      products,
      DENY,
    ],
    [
      'whatever the order',
      [deny('dynamodb:GetItem', products), allow('dynamodb:GetItem', products)],
      'dynamodb:GetItem',
      products,
      DENY,
    ],
    [
      'a deny alone is an explicit deny',
      [deny('dynamodb:GetItem', products)],
      'dynamodb:GetItem',
      products,
      DENY,
    ],
    [
      'a deny elsewhere leaves the allow',
      [allow('dynamodb:*', '*'), deny('dynamodb:*', table('orders'))],
      'dynamodb:GetItem',
      products,
      ALLOW,
    ],
  ],
  'IAM policy elements: Variables and tags': [
    // A role's session has no aws:username: a statement using it does not match, Allow or Deny.
    [
      'a variable the caller has no value for: the Allow does not match',
      [allow('dynamodb:GetItem', table('${aws:username}'))],
      'dynamodb:GetItem',
      table('${aws:username}'),
      NONE,
    ],
    [
      'a variable the caller has no value for: the Deny does not match',
      [allow('dynamodb:*', '*'), deny('dynamodb:*', table('${aws:username}'))],
      'dynamodb:GetItem',
      products,
      ALLOW,
    ],
    [
      'its default value is used instead',
      [allow('dynamodb:GetItem', table("${aws:username, 'products'}"))],
      'dynamodb:GetItem',
      products,
      ALLOW,
    ],
    [
      '${*} is a literal asterisk, not a wildcard',
      [allow('dynamodb:GetItem', table('prod${*}'))],
      'dynamodb:GetItem',
      products,
      NONE,
    ],
    [
      '${*} matches the asterisk itself',
      [allow('dynamodb:GetItem', table('prod${*}'))],
      'dynamodb:GetItem',
      table('prod*'),
      ALLOW,
    ],
    [
      'aws:PrincipalAccount is the local account',
      [allow('dynamodb:GetItem', 'arn:aws:dynamodb:us-east-1:*:table/${aws:PrincipalAccount}')],
      'dynamodb:GetItem',
      table(LOCAL_ACCOUNT_ID),
      ALLOW,
    ],
    [
      'a variable before the fifth colon matches nothing',
      [allow('dynamodb:GetItem', 'arn:aws:dynamodb:us-east-1:${aws:PrincipalAccount}:table/products')],
      'dynamodb:GetItem',
      products,
      NONE,
    ],
    [
      'an unclosed variable matches nothing',
      [allow('dynamodb:GetItem', table('${aws:username'))],
      'dynamodb:GetItem',
      table('${aws:username'),
      NONE,
    ],
  ],
  'IAM JSON policy elements: Condition (not evaluated locally: fails closed)': [
    [
      'an Allow with a condition allows nothing',
      [
        {
          ...allow('dynamodb:GetItem', products),
          Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['a'] } },
        },
      ],
      'dynamodb:GetItem',
      products,
      NONE,
    ],
    [
      'a Deny with a condition is taken to apply',
      [
        allow('dynamodb:*', '*'),
        { ...deny('dynamodb:PutItem', products), Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
      ],
      'dynamodb:PutItem',
      products,
      DENY,
    ],
    [
      'an empty condition block is no condition',
      [{ ...allow('dynamodb:GetItem', products), Condition: {} }],
      'dynamodb:GetItem',
      products,
      ALLOW,
    ],
  ],
  'IAM JSON policy element reference (grammar): a policy IAM would refuse grants nothing': [
    [
      'an Effect other than Allow or Deny',
      [{ Effect: 'allow' as 'Allow', Action: '*', Resource: '*' }],
      'dynamodb:GetItem',
      products,
      NONE,
    ],
    [
      'both Action and NotAction',
      [{ Effect: 'Allow', Action: '*', NotAction: 'dynamodb:Scan', Resource: '*' }],
      'dynamodb:GetItem',
      products,
      NONE,
    ],
    [
      'neither Resource nor NotResource',
      [{ Effect: 'Allow', Action: '*' }],
      'dynamodb:GetItem',
      products,
      NONE,
    ],
    [
      'a Principal in an identity-based policy',
      [{ ...allow('*', '*'), Principal: '*' } as PolicyStatement],
      'dynamodb:GetItem',
      products,
      NONE,
    ],
    [
      'an element IAM does not know',
      [{ ...allow('*', '*'), Resources: '*' } as PolicyStatement],
      'dynamodb:GetItem',
      products,
      NONE,
    ],
    [
      'an action that is not a string',
      [{ Effect: 'Allow', Action: [7 as unknown as string], Resource: '*' }],
      'dynamodb:GetItem',
      products,
      NONE,
    ],
    [
      'a malformed deny refuses the whole policy, its allows included',
      [allow('dynamodb:*', '*'), deny('', products)],
      'dynamodb:GetItem',
      products,
      NONE,
    ],
  ],
};

for (const [page, cases] of Object.entries(GROUPS)) {
  describe(`evaluatePolicy: ${page}`, () => {
    for (const [name, statements, action, resource, expected] of cases) {
      test(name, () => {
        assert.equal(evaluatePolicy(statements, action, resource, account), expected);
      });
    }
  });
}

describe('compilePolicy', () => {
  test('names what IAM would refuse, and what it evaluates in its stead', () => {
    const refused = compilePolicy([allow('', products), allow('dynamodb:GetItem', 'products')], account);
    assert.equal(refused.problems.length, 2);
    assert.match(refused.problems[0] ?? '', /Action ""/);
    assert.match(refused.problems[1] ?? '', /Resource "products"/);
    const conditional = compilePolicy(
      [
        {
          ...allow('dynamodb:GetItem', products),
          Sid: 'Lead',
          Condition: { StringEquals: { 'aws:PrincipalTag/team': 'a' } },
        },
      ],
      account,
    );
    assert.deepEqual(conditional.problems, []);
    assert.match(
      conditional.notes.join('\n'),
      /Lead.*condition \(StringEquals aws:PrincipalTag\/team\).*grants nothing/,
    );
  });
});

describe('evaluatePolicy on the policies the CDK app synthesizes', () => {
  let policies: Record<string, FunctionPolicy>;
  before(async () => {
    policies = await synthesizePolicies(await loadShippedServices(), account);
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

  test('every synthesized policy is one the local check understands in full', () => {
    for (const policy of Object.values(policies)) {
      const compiled = compilePolicy(policy.statements, account);
      assert.deepEqual([compiled.problems, compiled.notes], [[], []], policy.functionName);
    }
  });

  test('allows exactly the declared actions on the own table', () => {
    const on = (fn: string, action: string, resource: string) =>
      evaluatePolicy(statementsOf(fn), `dynamodb:${action}`, resource, account);
    assert.equal(on('products-get', 'GetItem', products), ALLOW);
    assert.equal(on('products-get', 'PutItem', products), NONE);
    assert.equal(on('products-list', 'Scan', products), ALLOW);
    // An owner's orders are one partition: listed with Query, never a Scan of everyone's.
    assert.equal(on('orders-list', 'Query', table('orders')), ALLOW);
    assert.equal(on('orders-list', 'Scan', table('orders')), NONE);
    for (const action of ['PutItem', 'GetItem', 'UpdateItem', 'DeleteItem', 'Scan']) {
      assert.equal(on('dynamodb-manager', action, table('lambda-apigateway')), ALLOW);
    }
    assert.equal(on('dynamodb-manager', 'Query', table('lambda-apigateway')), NONE);
    // PartiQL needs its own actions: a GetItem grant does not let a SELECT through.
    assert.equal(on('products-get', 'PartiQLSelect', products), NONE);
    assert.equal(on('dynamodb-manager', 'PartiQLSelect', table('lambda-apigateway')), NONE);
  });

  test("denies another service's table, its indexes and every table", () => {
    const on = (fn: string, action: string, resource: string) =>
      evaluatePolicy(statementsOf(fn), `dynamodb:${action}`, resource, account);
    assert.equal(on('products-get', 'GetItem', table('lambda-apigateway')), NONE);
    assert.equal(on('products-get', 'GetItem', byName), NONE);
    assert.equal(on('products-get', 'GetItem', '*'), NONE);
    assert.equal(on('dynamodb-manager', 'Scan', products), NONE);
    assert.equal(
      on('products-get', 'GetItem', 'arn:aws:dynamodb:us-east-1:111122223333:table/products'),
      NONE,
    );
    assert.equal(
      on('products-get', 'GetItem', 'arn:aws:dynamodb:eu-west-1:000000000000:table/products'),
      NONE,
    );
  });
});
