import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bodyJsonSchema } from '#infra/body-model.ts';
import { tableOutputName } from '#infra/logical-names.ts';
import { clientRateLimit, MANAGED_RULE_GROUPS } from '#infra/web-acl.ts';
import { bodyMediaTypes } from '#src/declaration/api-settings.ts';
import {
  BAD_REQUEST_BODY_TEMPLATE,
  DEFAULT_ERROR_TEMPLATE,
  GATEWAY_RESPONSES,
  renderGatewayTemplate,
  UNAUTHORIZED,
} from '#src/declaration/gateway-responses.ts';
import {
  arnOf,
  type CfnJson,
  logicalIdOf,
  methodsByRoute,
  refOf,
  resourceOf,
  resourcesOfType,
  synthesizeForFile,
} from './synthesize-stack.ts';

const stack = synthesizeForFile();

const declared = () =>
  stack.bundled.services.flatMap(({ service }) => service.functions.map((fn) => ({ service, fn })));
const stage = (): CfnJson => resourceOf(stack.synth.template, stack.synth.stack.restApi.api.deploymentStage);

describe('REST API routes', () => {
  test('serves every declared route with a Lambda proxy integration to its own function', () => {
    const methods = methodsByRoute(stack.synth.template);
    for (const { fn } of declared()) {
      const method = methods.get(`${fn.method} ${fn.path}`);
      assert.ok(method, `${fn.method} ${fn.path} exists`);
      const deployed = stack.synth.stack.functions.get(fn.name);
      assert.ok(deployed);
      assert.equal(method.Properties.Integration.Type, 'AWS_PROXY');
      assert.equal(method.Properties.Integration.IntegrationHttpMethod, 'POST');
      assert.ok(
        JSON.stringify(method.Properties.Integration.Uri).includes(JSON.stringify(arnOf(deployed.function))),
      );
    }
    const routes = [...methods.keys()].filter((route) => !route.startsWith('OPTIONS '));
    assert.equal(routes.length, declared().length);
  });

  test('validates declared bodies with draft-4 models derived from the same zod schemas', () => {
    const methods = methodsByRoute(stack.synth.template);
    const validatorId = logicalIdOf(stack.synth.stack.restApi.bodyValidator);
    const validator: CfnJson = stack.synth.template.toJSON().Resources[validatorId];
    assert.equal(validator.Properties.ValidateRequestBody, true);
    for (const { fn } of declared()) {
      const method = methods.get(`${fn.method} ${fn.path}`);
      if (!fn.body) {
        assert.equal(method.Properties.RequestModels, undefined, fn.name);
        continue;
      }
      assert.deepEqual(method.Properties.RequestValidatorId, { Ref: validatorId });
      const refs: CfnJson[] = Object.values(method.Properties.RequestModels);
      assert.deepEqual(Object.keys(method.Properties.RequestModels), [...bodyMediaTypes(fn.method)]);
      assert.equal(new Set(refs.map((ref) => ref.Ref)).size, 1);
      const model: CfnJson = stack.synth.template.toJSON().Resources[refs[0].Ref];
      // The one derivation (zod → draft 4, with DynamoDB's number bounds), as CDK renders it.
      const { schema: _, ...fromZod } = bodyJsonSchema(fn.body);
      assert.deepEqual(model.Properties.Schema, {
        $schema: 'http://json-schema.org/draft-04/schema#',
        ...fromZod,
      });
    }
  });

  test('rejects unknown fields in bodies, since the item schemas are strict', () => {
    const models = resourcesOfType(stack.synth.template, 'AWS::ApiGateway::Model');
    assert.ok(models.length > 0);
    for (const [, model] of models) assert.equal(model.Properties.Schema.additionalProperties, false);
  });

  test('answers a body that fails its model with a problem+json 400', () => {
    stack.synth.template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: 'BAD_REQUEST_BODY',
      StatusCode: '400',
      ResponseParameters: { 'gatewayresponse.header.Content-Type': "'application/problem+json'" },
      ResponseTemplates: { 'application/json': BAD_REQUEST_BODY_TEMPLATE },
    });
    const sample = renderGatewayTemplate(BAD_REQUEST_BODY_TEMPLATE, {
      message: 'Invalid request body',
      responseType: 'BAD_REQUEST_BODY',
      validationErrorString: '[object has missing required properties (["name","price"])]',
      requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
    });
    assert.deepEqual(JSON.parse(sample), {
      type: 'about:blank',
      title: 'Bad Request',
      status: 400,
      detail: 'Invalid request body',
      instance: 'urn:uuid:c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
    });
  });

  test("answers a missing or invalid token with AWS's own 401 body, readable by browsers (CORS)", () => {
    stack.synth.template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: 'UNAUTHORIZED',
      StatusCode: String(UNAUTHORIZED.statusCode),
      ResponseParameters: { 'gatewayresponse.header.Access-Control-Allow-Origin': "'*'" },
      ResponseTemplates: { 'application/json': DEFAULT_ERROR_TEMPLATE },
    });
    const rendered = DEFAULT_ERROR_TEMPLATE.replace(
      '$context.error.messageString',
      JSON.stringify(UNAUTHORIZED.message),
    );
    assert.equal(rendered, '{"message":"Unauthorized"}');
  });

  test('answers CORS preflights on every resource with the contract headers, for all origins by default', () => {
    const methods = methodsByRoute(stack.synth.template);
    for (const path of new Set(declared().map(({ fn }) => fn.path))) {
      const preflight = methods.get(`OPTIONS ${path}`);
      assert.ok(preflight, `OPTIONS ${path}`);
      const headers = preflight.Properties.Integration.IntegrationResponses[0].ResponseParameters;
      assert.equal(headers['method.response.header.Access-Control-Allow-Origin'], "'*'");
      for (const header of ['Content-Type', 'If-Match', 'If-None-Match']) {
        assert.ok(headers['method.response.header.Access-Control-Allow-Headers'].includes(header), header);
      }
      for (const header of ['ETag', 'Location']) {
        assert.ok(headers['method.response.header.Access-Control-Expose-Headers'].includes(header), header);
      }
    }
  });
});

describe('REST API stage', () => {
  test('writes JSON access logs with the standard request fields, and no bodies, to its own log group', () => {
    const { AccessLogSetting } = stage().Properties;
    const format = JSON.parse(AccessLogSetting.Format);
    for (const field of [
      'requestId',
      'ip',
      'httpMethod',
      'resourcePath',
      'status',
      'responseLength',
      'integrationLatency',
    ]) {
      assert.ok(format[field]?.startsWith('$context.'), field);
    }
    assert.ok(!AccessLogSetting.Format.includes('$input'), 'no request body in access logs');
    assert.ok(!AccessLogSetting.Format.includes('validationErrorString'), 'no body values in access logs');
    assert.ok(
      JSON.stringify(AccessLogSetting.DestinationArn).includes(
        logicalIdOf(stack.synth.stack.restApi.accessLogs),
      ),
    );
    assert.equal(
      resourceOf(stack.synth.template, stack.synth.stack.restApi.accessLogs).Properties.RetentionInDays,
      30,
    );
  });

  test('logs execution at INFO without bodies, with metrics, X-Ray tracing and throttling', () => {
    const { Properties } = stage();
    assert.equal(Properties.StageName, 'prod');
    assert.equal(Properties.TracingEnabled, true);
    assert.deepEqual(Properties.MethodSettings, [
      {
        HttpMethod: '*',
        ResourcePath: '/*',
        LoggingLevel: 'INFO',
        DataTraceEnabled: false,
        MetricsEnabled: true,
        ThrottlingRateLimit: 100,
        ThrottlingBurstLimit: 200,
      },
    ]);
  });

  test('deploys the stage after the region has its API Gateway CloudWatch role', () => {
    const account = stack.synth.stack.restApi.account;
    assert.ok(account);
    assert.ok(stage().DependsOn.includes(logicalIdOf(account.account)));
    stack.synth.template.hasResourceProperties('AWS::ApiGateway::Account', {
      CloudWatchRoleArn: arnOf(account.role),
    });
  });

  test('protects the stage with an AWS WAF web ACL: a rate limit per client IP, then AWS managed rule groups', () => {
    const webAcl = stack.synth.stack.restApi.webAcl;
    assert.ok(webAcl);
    const acl: CfnJson = resourceOf(stack.synth.template, webAcl.webAcl);
    assert.equal(acl.Properties.Scope, 'REGIONAL');
    const [rateRule, ...managed] = acl.Properties.Rules as CfnJson[];
    assert.deepEqual(
      managed.map((rule: CfnJson) => rule.Statement.ManagedRuleGroupStatement.Name),
      [...MANAGED_RULE_GROUPS],
    );
    // Evaluated first, so a flooding client is stopped before anything else looks at its requests.
    assert.equal(rateRule.Priority, 0);
    assert.ok(managed.every((rule: CfnJson) => rule.Priority > 0));
    const { settings } = stack.synth;
    assert.deepEqual(rateRule.Statement, {
      RateBasedStatement: {
        AggregateKeyType: 'IP',
        EvaluationWindowSec: settings.wafRateWindowSeconds,
        Limit: clientRateLimit(settings),
      },
    });
    // A quarter of the stage's steady rate over the window, by default.
    assert.equal(clientRateLimit(settings), (100 * 60 * 25) / 100);
    assert.deepEqual(rateRule.Action, {
      Block: { CustomResponse: { ResponseCode: 429, CustomResponseBodyKey: 'TooManyRequests' } },
    });
    assert.deepEqual(acl.Properties.CustomResponseBodies.TooManyRequests, {
      ContentType: 'APPLICATION_JSON',
      Content: GATEWAY_RESPONSES.throttled.body,
    });
    const associations = resourcesOfType(stack.synth.template, 'AWS::WAFv2::WebACLAssociation');
    assert.equal(associations.length, 1);
    const association = associations[0]?.[1];
    assert.deepEqual(association.Properties.WebACLArn, arnOf(webAcl.webAcl));
    const stageRef = JSON.stringify(refOf(stack.synth.stack.restApi.api.deploymentStage));
    assert.ok(JSON.stringify(association.Properties.ResourceArn).includes(stageRef));
  });
});

describe('stack outputs', () => {
  test('outputs the API URL, the name of every table and the user pool (access.test.ts)', () => {
    const outputs = stack.synth.template.toJSON().Outputs;
    assert.ok(JSON.stringify(outputs.ApiUrl.Value).includes(logicalIdOf(stack.synth.stack.restApi.api)));
    for (const { service } of stack.bundled.services) {
      const table = stack.synth.stack.tables.get(service.name);
      assert.ok(table);
      assert.deepEqual(outputs[tableOutputName(service.name)]?.Value, refOf(table));
    }
    const userPool = ['UserPoolId', 'UserPoolClientId', 'UserPoolIssuerUrl'];
    for (const name of userPool) assert.ok(outputs[name], name);
    assert.equal(Object.keys(outputs).length, stack.bundled.services.length + 1 + userPool.length);
  });
});
