// Adding a microservice is adding one declaration file: this suite writes a throwaway one and
// checks that it reaches the template with no other edit.
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { bodyModelName, tableOutputName } from '#infra/logical-names.ts';
import { loadServices, PROJECT_ROOT } from '#src/declaration/load-services.ts';
import type { ServiceDeclaration } from '#src/declaration/types.ts';
import { loadShippedServices } from '../support/shipped-services.ts';
import {
  arnOf,
  type Bundled,
  bundleServices,
  type CfnJson,
  inlineStatements,
  methodsByRoute,
  refOf,
  removeAll,
  resourceOf,
  resourcesOfType,
  type Synthesized,
  synthesize,
} from './synthesize-stack.ts';

const declarationDir = path.join(PROJECT_ROOT, 'test', 'tmp', `infra-derived-${process.pid}`);

/** A declaration file as a developer would write it, importing from the repository. */
const INVOICES_DECLARATION = `import { z } from 'zod';
import { allow } from '../../../src/declaration/access.ts';
import { defineCrudResource } from '../../../src/declaration/crud-resource.ts';

export default defineCrudResource({
  name: 'invoices',
  item: z.strictObject({ customer: z.string().min(1), total: z.number().min(0) }),
  access: { read: allow.signedIn(), write: allow.groups('billing', 'admin') },
  memoryMb: 512,
  timeoutSeconds: 5,
});
`;

let bundled: Bundled;
let synth: Synthesized;
let invoices: ServiceDeclaration;

before(async () => {
  await mkdir(declarationDir, { recursive: true });
  await writeFile(path.join(declarationDir, 'invoices.ts'), INVOICES_DECLARATION);
  // The shipped services and the throwaway one: a service a user added is no part of this test.
  bundled = await bundleServices([
    ...(await loadShippedServices()),
    ...(await loadServices([declarationDir])),
  ]);
  const loaded = bundled.services.find(({ service }) => service.name === 'invoices');
  assert.ok(loaded, 'the new declaration is loaded');
  invoices = loaded.service;
  synth = await synthesize(bundled);
});
after(() => removeAll(bundled?.dir, synth?.outdir, declarationDir));

describe('a new declaration file', () => {
  test('adds its table, keyed on its partition key, and outputs the table name', () => {
    const table = synth.stack.tables.get('invoices');
    assert.ok(table);
    const resource: CfnJson = resourceOf(synth.template, table);
    assert.deepEqual(resource.Properties.KeySchema, [{ AttributeName: 'id', KeyType: 'HASH' }]);
    assert.deepEqual(synth.template.toJSON().Outputs[tableOutputName('invoices')].Value, refOf(table));
    // One table per service, and the idempotency records the creates share.
    assert.equal(resourcesOfType(synth.template, 'AWS::DynamoDB::Table').length, bundled.services.length + 1);
  });

  test('adds one function per declared operation, with the declared memory and timeout', () => {
    assert.equal(invoices.functions.length, 6);
    for (const fn of invoices.functions) {
      const deployed = synth.stack.functions.get(fn.name);
      assert.ok(deployed, fn.name);
      const { Properties }: CfnJson = resourceOf(synth.template, deployed.function);
      assert.equal(Properties.FunctionName, `${synth.settings.stackName}-${fn.name}`);
      assert.equal(Properties.MemorySize, 512);
      assert.equal(Properties.Timeout, 5);
    }
  });

  test('scopes the new roles to the new table', () => {
    const table = synth.stack.tables.get('invoices');
    assert.ok(table);
    for (const fn of invoices.functions) {
      const deployed = synth.stack.functions.get(fn.name);
      assert.ok(deployed);
      // The create's grant on the idempotency records is checked in roles.test.ts.
      const dynamodb = inlineStatements(resourceOf(synth.template, deployed.role)).filter(
        (s) => s.Action.some((a) => a.startsWith('dynamodb:')) && s.Sid !== 'UseIdempotencyRecords',
      );
      assert.deepEqual(new Set(dynamodb.flatMap((s) => s.Action)), new Set(fn.actions));
      for (const statement of dynamodb) assert.deepEqual(statement.Resource, [arnOf(table)]);
    }
  });

  test('gets its alarms, its dashboard section and its log queries', () => {
    const { observability, functions } = synth.stack;
    const dashboard = JSON.stringify(
      resourcesOfType(synth.template, 'AWS::CloudWatch::Dashboard')[0]?.[1].Properties.DashboardBody,
    );
    assert.ok(dashboard.includes('## invoices'));
    for (const fn of invoices.functions) {
      const alarms = observability.functionAlarms.get(fn.name);
      assert.ok(alarms, fn.name);
      assert.equal(Object.keys(alarms).length, 5);
      const duration: CfnJson = resourceOf(synth.template, alarms.durationNearTimeout);
      assert.equal(duration.Properties.Threshold, 4_000, '80% of the declared 5 s');
      assert.ok(dashboard.includes(`${synth.settings.stackName}-${fn.name}`), `${fn.name} on the dashboard`);
      const logs = refOf(functions.get(fn.name)?.logGroup ?? assert.fail());
      for (const [, query] of resourcesOfType(synth.template, 'AWS::Logs::QueryDefinition')) {
        assert.ok(JSON.stringify(query.Properties.LogGroupNames).includes(JSON.stringify(logs)));
      }
    }
  });

  test('guards its routes with the Cognito authorizer and adds the groups it names to the user pool', () => {
    const methods = methodsByRoute(synth.template);
    for (const fn of invoices.functions) {
      const method = methods.get(`${fn.method} ${fn.path}`);
      assert.equal(method?.Properties.AuthorizationType, 'COGNITO_USER_POOLS', fn.name);
    }
    const groups = resourcesOfType(synth.template, 'AWS::Cognito::UserPoolGroup').map(
      ([, group]) => group.Properties.GroupName,
    );
    assert.deepEqual(groups.sort(), ['admin', 'billing'], 'admin once, though products names it too');
    const create = synth.stack.functions.get('invoices-create') ?? assert.fail();
    const { Variables } = resourceOf(synth.template, create.function).Properties.Environment;
    assert.equal(Variables.ACCESS_RULE, 'groups:billing,admin');
  });

  test('routes its paths to its functions and models its bodies from its schema', () => {
    const methods = methodsByRoute(synth.template);
    for (const fn of invoices.functions) {
      assert.ok(['/invoices', '/invoices/{id}'].includes(fn.path));
      const deployed = synth.stack.functions.get(fn.name);
      assert.ok(deployed);
      const method = methods.get(`${fn.method} ${fn.path}`);
      assert.ok(
        JSON.stringify(method?.Properties.Integration.Uri).includes(JSON.stringify(arnOf(deployed.function))),
      );
    }
    for (const fn of invoices.functions.filter((f) => f.body)) {
      synth.template.hasResourceProperties('AWS::ApiGateway::Model', { Name: bodyModelName(fn.name) });
    }
    synth.template.hasResourceProperties('AWS::ApiGateway::Model', {
      Name: 'InvoicesCreateBody',
      Schema: { required: ['customer', 'total'], additionalProperties: false },
    });
  });
});
