// The local system takes what it runs from the synthesized template, and from nowhere else: a
// change made to the template alone (no declaration changed) reaches the tables a real engine
// creates, the functions' settings, and the routes the real gateway serves.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Invoker } from '#local/contracts.ts';
import type { RunningDynamoDb } from '#local/dynamodb/engines/engine.ts';
import { LOCAL_ACCOUNT_ID, type TemplateResources } from '#local/dynamodb/guard/iam/resolve-intrinsics.ts';
import { startDynamoDb } from '#local/dynamodb/launcher/start-dynamodb.ts';
import { functionSpecs } from '#local/function-specs.ts';
import { type RunningGateway, startGateway } from '#local/gateway/start-gateway.ts';
import type { LoadedService } from '#src/declaration/load-services.ts';
import { loadShippedServices } from '../../test/support/shipped-services.ts';
import { ensureStackTables } from './ensure-tables.ts';
import type { LocalStack } from './local-stack.ts';
import { type LocalNames, readTemplate } from './read-template.ts';
import { synthesizeTemplate } from './synthesize-stack.ts';

const account = { region: 'us-east-1', accountId: LOCAL_ACCOUNT_ID };

/** The logical id of the only resource of `type` whose properties satisfy `test`. */
function idOf(resources: TemplateResources, type: string, test: (props: Record<string, unknown>) => boolean) {
  const found = Object.entries(resources).filter(([, r]) => r?.Type === type && test(r.Properties ?? {}));
  assert.equal(found.length, 1, `one ${type} matches`);
  return found[0]?.[0] as string;
}

describe('the local system reads the synthesized template', () => {
  let services: LoadedService[];
  let resources: TemplateResources;
  let names: LocalNames;
  let shipped: Omit<LocalStack, 'policies'>;

  before(async () => {
    services = await loadShippedServices();
    ({ resources, names } = await synthesizeTemplate(services, { account }, (synthesized) => synthesized));
    shipped = readTemplate(resources, names);
  });

  it('names the resources locally as before: declared function names, declared table names, in declaration order', () => {
    const declared = services.flatMap(({ service }) => service.functions.map((fn) => fn.name));
    assert.deepEqual(
      shipped.functions.map((fn) => fn.name),
      declared,
    );
    assert.deepEqual(
      shipped.routes.map((route) => route.functionName),
      declared,
    );
    const tables = shipped.tables.map((table) => table.tableName);
    for (const { service } of services) assert.ok(tables.includes(service.table.name), service.table.name);
    // Each function's table variable is its table's local name, not CloudFormation's.
    const productsCreate = shipped.functions.find((fn) => fn.name === 'products-create');
    assert.equal(productsCreate?.environment.TABLE_NAME, 'products');
    assert.equal(shipped.stage.name, 'prod');
    assert.deepEqual(shipped.stage.corsOrigins, ['*']);
  });

  it('lists what the template holds and the local system does not run, each kind once', () => {
    const notes = shipped.notHonoured;
    assert.equal(new Set(notes).size, notes.length);
    assert.ok(
      notes.some((note) => note.startsWith('AWS::WAFv2::WebACL (1)')),
      notes.join('\n'),
    );
    assert.ok(
      notes.some((note) => /^X-Ray active tracing \(13 functions\)$/.test(note)),
      notes.join('\n'),
    );
    assert.ok(
      notes.some((note) => /^point-in-time recovery \(\d+ tables\)$/.test(note)),
      notes.join('\n'),
    );
    assert.ok(!notes.some((note) => note.startsWith('AWS::DynamoDB::Table')), 'tables are run');
  });

  describe('a change made to the template alone', () => {
    let changed: Omit<LocalStack, 'policies'>;
    let engine: RunningDynamoDb;
    let gateway: RunningGateway;
    const invoked: string[] = [];

    before(async () => {
      const edited = structuredClone(resources) as Record<
        string,
        // biome-ignore lint/suspicious/noExplicitAny: the template is edited as the loose JSON it is
        { Type: string; Properties: Record<string, any> }
      >;
      const fnId = idOf(
        edited,
        'AWS::Lambda::Function',
        (p) => p.FunctionName === 'ServerlessMicroservices-products-get',
      );
      Object.assign(edited[fnId]?.Properties ?? {}, { MemorySize: 1769, Timeout: 17 });
      (edited[fnId]?.Properties.Environment.Variables as Record<string, unknown>).FROM_TEMPLATE = 'yes';
      const tableId = idOf(
        edited,
        'AWS::DynamoDB::Table',
        (p) =>
          (p.KeySchema as { AttributeName: string }[]).length === 1 &&
          !p.GlobalSecondaryIndexes &&
          !p.TimeToLiveSpecification,
      );
      const table = edited[tableId]?.Properties ?? {};
      table.AttributeDefinitions.push({ AttributeName: 'addedKey', AttributeType: 'N' });
      table.GlobalSecondaryIndexes = [
        {
          IndexName: 'addedInTemplate',
          KeySchema: [{ AttributeName: 'addedKey', KeyType: 'HASH' }],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        },
      ];
      const resourceId = idOf(edited, 'AWS::ApiGateway::Resource', (p) => p.PathPart === 'products');
      const methodId = idOf(
        edited,
        'AWS::ApiGateway::Method',
        (p) => p.HttpMethod === 'POST' && (p.ResourceId as { Ref?: string }).Ref === resourceId,
      );
      const method = edited[methodId]?.Properties ?? {};
      method.AuthorizationType = 'NONE';
      delete method.AuthorizerId;
      const modelId = String(method.RequestModels['application/json'].Ref);
      const nameSchema = edited[modelId]?.Properties.Schema.properties.name;
      assert.ok(nameSchema, 'the products body model has a name');
      nameSchema.maxLength = 3;
      const stageId = idOf(edited, 'AWS::ApiGateway::Stage', () => true);
      Object.assign(edited[stageId]?.Properties.MethodSettings[0] ?? {}, {
        ThrottlingRateLimit: 7,
        ThrottlingBurstLimit: 9,
      });
      changed = readTemplate(edited as TemplateResources, names);

      engine = await startDynamoDb({ engine: 'dynalite', dataDir: '', inMemory: true });
      // The function behind the route is not what is tested here: this invoker only records that
      // the gateway let the request through (the gateway, its stage and its HTTP are the real ones).
      const invoker: Invoker = {
        async invoke(functionName) {
          invoked.push(functionName);
          return { kind: 'result', value: { statusCode: 201, body: '{}' } };
        },
      };
      gateway = await startGateway({
        routes: changed.routes,
        invoker,
        port: 0,
        stage: changed.stage.name,
        corsOrigins: changed.stage.corsOrigins,
        responses: changed.stage.responses,
        throttle: false,
        authorizer: async () => ({ ok: false, reason: 'no token in this test' }),
      });
    });

    after(async () => {
      await gateway?.close(0);
      await engine?.stop();
    });

    it("reaches a function's memory, timeout and environment", () => {
      const spec = functionSpecs(changed.functions, new Map(), {
        endpoint: 'http://127.0.0.1:1',
        hostCredentials: undefined,
      }).find((fn) => fn.name === 'products-get');
      assert.equal(spec?.memoryMb, 1769);
      assert.equal(spec?.timeoutSeconds, 17);
      assert.equal(spec?.environment.FROM_TEMPLATE, 'yes');
    });

    it('reaches the stage throttle', () => {
      assert.deepEqual(changed.stage.throttle, { rateLimit: 7, burstLimit: 9 });
    });

    it('reaches a table an engine creates: its new index', async () => {
      const table = changed.tables.find((t) =>
        t.globalSecondaryIndexes.some((i) => i.IndexName === 'addedInTemplate'),
      );
      assert.ok(table, 'the edited table is read with its index');
      const admin = new DynamoDBClient({
        region: 'us-east-1',
        endpoint: engine.endpoint,
        credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
      });
      const described = await ensureStackTables(admin, [table])
        .then(() => admin.send(new DescribeTableCommand({ TableName: table.tableName })))
        .finally(() => admin.destroy());
      assert.deepEqual(
        described.Table?.GlobalSecondaryIndexes?.map((i) => [i.IndexName, i.Projection?.ProjectionType]),
        [['addedInTemplate', 'KEYS_ONLY']],
      );
    });

    it("reaches a route's authorization and body model, as the gateway serves them", async () => {
      const post = (body: unknown) =>
        fetch(`${gateway.url}/products`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      // The model now allows names of 3 characters at most: the gateway refuses a longer one itself.
      const refused = await post({ name: 'longer than three', price: 1 });
      assert.equal(refused.status, 400);
      assert.deepEqual(invoked, []);
      // No token, and yet through: the method's authorization is NONE in the template.
      const passed = await post({ name: 'abc', price: 1 });
      assert.equal(passed.status, 201);
      assert.deepEqual(invoked, ['products-create']);
    });
  });
});
