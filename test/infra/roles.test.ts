import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { API_GATEWAY_LOG_ACTIONS } from '#infra/api-gateway-account.ts';
import { IDEMPOTENCY_ACTIONS, IDEMPOTENCY_TTL_ATTRIBUTE } from '#src/declaration/idempotency.ts';
import {
  arnOf,
  type CfnJson,
  inlineStatements,
  resourceOf,
  resourcesOfType,
  synthesizeForFile,
} from './synthesize-stack.ts';

const stack = synthesizeForFile();

const XRAY = ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'];

/** Every declared function with its role, its table and its log group as synthesized. */
function functionRoles() {
  return stack.bundled.services.flatMap(({ service }) =>
    service.functions.map((fn) => {
      const deployed = stack.synth.stack.functions.get(fn.name);
      const table = stack.synth.stack.tables.get(service.name);
      assert.ok(deployed && table);
      const lambda: CfnJson = resourceOf(stack.synth.template, deployed.function);
      const role: CfnJson = resourceOf(stack.synth.template, deployed.role);
      return { fn, lambda, role, statements: inlineStatements(role), table, logGroup: deployed.logGroup };
    }),
  );
}

describe('function roles', () => {
  test('gives every function a role of its own, which only Lambda may assume', () => {
    const roles = functionRoles().map(({ lambda }) => lambda.Properties.Role['Fn::GetAtt'][0]);
    assert.equal(new Set(roles).size, functionRoles().length);
    for (const { role } of functionRoles()) {
      assert.deepEqual(role.Properties.AssumeRolePolicyDocument.Statement, [
        { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } },
      ]);
    }
  });

  test('uses inline policies only: no managed policy, no separate policy resource', () => {
    for (const { role } of functionRoles()) assert.equal(role.Properties.ManagedPolicyArns, undefined);
    assert.equal(resourcesOfType(stack.synth.template, 'AWS::IAM::Policy').length, 0);
    assert.equal(resourcesOfType(stack.synth.template, 'AWS::IAM::ManagedPolicy').length, 0);
  });

  test('grants exactly the declared DynamoDB actions, on the own table ARN only', () => {
    for (const { fn, statements, table } of functionRoles()) {
      const dynamodb = statements.filter(
        (s) =>
          s.Action.some((a) => a.startsWith('dynamodb:')) &&
          s.Sid !== 'QueryOwnIndexes' &&
          s.Sid !== 'UseIdempotencyRecords',
      );
      assert.deepEqual(new Set(dynamodb.flatMap((s) => s.Action)), new Set(fn.actions), fn.name);
      for (const statement of dynamodb) {
        assert.ok(statement.Action.every((a) => a.startsWith('dynamodb:')));
        assert.deepEqual(statement.Resource, [arnOf(table)], fn.name);
      }
    }
  });

  test('grants the idempotency records to the creates that honour Idempotency-Key only: four actions, that table only', () => {
    const records = stack.synth.stack.idempotencyTable;
    assert.ok(records, 'the shipped creates honour Idempotency-Key, so the stack has the table');
    const granted = functionRoles().filter(({ statements }) =>
      statements.some((s) => JSON.stringify(s.Resource).includes(JSON.stringify(arnOf(records)))),
    );
    assert.deepEqual(
      granted.map(({ fn }) => fn.name).sort(),
      functionRoles()
        .filter(({ fn }) => fn.idempotency)
        .map(({ fn }) => fn.name)
        .sort(),
    );
    assert.ok(granted.some(({ fn }) => fn.name === 'products-create'));
    for (const { fn, statements } of granted) {
      const onRecords = statements.filter((s) => s.Sid === 'UseIdempotencyRecords');
      assert.deepEqual(
        onRecords.map(({ Action, Resource, Condition }) => ({
          Action: [...Action].sort(),
          Resource,
          Condition,
        })),
        [{ Action: [...IDEMPOTENCY_ACTIONS].sort(), Resource: [arnOf(records)], Condition: undefined }],
        fn.name,
      );
    }
    const table: CfnJson = resourceOf(stack.synth.template, records);
    assert.deepEqual(table.Properties.TimeToLiveSpecification, {
      AttributeName: IDEMPOTENCY_TTL_ATTRIBUTE,
      Enabled: true,
    });
  });

  test("lets orders-list only Query its own table: one owner's partition, never a Scan of everyone's", () => {
    const list = functionRoles().find(({ fn }) => fn.name === 'orders-list');
    assert.ok(list, 'orders-list is shipped');
    const dynamodb = list.statements.filter((s) => s.Action.some((a) => a.startsWith('dynamodb:')));
    assert.deepEqual(
      dynamodb.map(({ Action, Resource, Condition }) => ({ Action, Resource, Condition })),
      [
        { Action: ['dynamodb:Query'], Resource: [arnOf(list.table)], Condition: undefined },
        {
          Action: ['dynamodb:Query'],
          Resource: [{ 'Fn::Join': ['', [arnOf(list.table), '/index/byStatus']] }],
          Condition: undefined,
        },
      ],
    );
  });

  test("grants Query on exactly a declared index's ARN, to the list function alone", () => {
    const indexGrants = functionRoles().flatMap(({ fn, statements, table }) =>
      statements
        .filter((s) => s.Action.some((a) => a.startsWith('dynamodb:')) && s.Sid === 'QueryOwnIndexes')
        .map((s) => ({ fn: fn.name, Action: s.Action, Resource: s.Resource, table: arnOf(table) })),
    );
    const expected = stack.bundled.services.flatMap(({ service }) =>
      (service.table.indexes ?? []).length === 0
        ? []
        : [
            {
              fn: `${service.name}-list`,
              Action: ['dynamodb:Query'],
              Resource: (service.table.indexes ?? []).map((index) => ({
                'Fn::Join': [
                  '',
                  [
                    arnOf(
                      stack.synth.stack.tables.get(service.name) as NonNullable<
                        ReturnType<typeof stack.synth.stack.tables.get>
                      >,
                    ),
                    `/index/${index.name}`,
                  ],
                ],
              })),
            },
          ],
    );
    assert.ok(
      expected.some((grant) => grant.fn === 'orders-list'),
      'orders declares an index',
    );
    assert.ok(
      expected.some((grant) => grant.fn === 'products-list'),
      'products declares an index',
    );
    assert.deepEqual(
      indexGrants.map(({ table: _table, ...grant }) => grant),
      expected,
    );
  });

  test('lets a function write logs to its own log group only', () => {
    for (const { fn, statements, logGroup } of functionRoles()) {
      const logs = statements.filter((s) => s.Action.some((a) => a.startsWith('logs:')));
      assert.deepEqual(
        logs.flatMap((s) => s.Action).sort(),
        ['logs:CreateLogStream', 'logs:PutLogEvents'],
        fn.name,
      );
      for (const statement of logs) assert.deepEqual(statement.Resource, [arnOf(logGroup)], fn.name);
    }
  });

  test('grants X-Ray once, in the only statement whose resource is "*"', () => {
    for (const { fn, statements } of functionRoles()) {
      const wildcard = statements.filter((s) => s.Resource.includes('*'));
      assert.equal(wildcard.length, 1, fn.name);
      assert.deepEqual(wildcard[0]?.Resource, ['*']);
      assert.deepEqual([...(wildcard[0]?.Action ?? [])].sort(), XRAY);
      assert.deepEqual(statements.flatMap((s) => s.Action.filter((a) => a.startsWith('xray:'))).sort(), XRAY);
    }
  });

  test('allows nothing else: every statement is DynamoDB, own logs or X-Ray, with no "*" in any action', () => {
    for (const { fn, statements } of functionRoles()) {
      for (const statement of statements) {
        assert.equal(statement.Effect, 'Allow');
        assert.ok(
          statement.Action.every((a) => !a.includes('*')),
          `${fn.name}: ${statement.Action}`,
        );
        assert.ok(
          statement.Action.every((a) => /^(dynamodb|logs|xray):/.test(a)),
          fn.name,
        );
      }
    }
  });
});

describe('API Gateway logging role', () => {
  test('writes API logs through an inline, write-only policy instead of the AWS managed one', () => {
    const account = stack.synth.stack.restApi.account;
    assert.ok(account);
    const role: CfnJson = resourceOf(stack.synth.template, account.role);
    assert.equal(role.Properties.ManagedPolicyArns, undefined);
    assert.deepEqual(role.Properties.AssumeRolePolicyDocument.Statement, [
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'apigateway.amazonaws.com' } },
    ]);
    const statements = inlineStatements(role);
    assert.deepEqual(statements.flatMap((s) => s.Action).sort(), [...API_GATEWAY_LOG_ACTIONS].sort());
    assert.ok(statements.every((s) => !s.Action.some((a) => a.includes('*') || /Get|Filter|Delete/.test(a))));
    const [resource] = statements.flatMap((s) => s.Resource);
    assert.equal(JSON.stringify(resource).endsWith(':log-group:*"]]}'), true, JSON.stringify(resource));
  });

  test('is retained with the stack, because it serves every REST API of the region', () => {
    const account = stack.synth.stack.restApi.account;
    assert.ok(account);
    assert.equal(resourceOf(stack.synth.template, account.role).DeletionPolicy, 'Retain');
    assert.equal(resourceOf(stack.synth.template, account.account).DeletionPolicy, 'Retain');
  });
});
