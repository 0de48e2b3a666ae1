// The local gateway against the synthesized stack: body models, gateway responses, CORS and
// throttling are read from the CloudFormation template `npm run deploy` would deploy, and the local
// system must answer exactly as they define. A change on either side fails here.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Invoker } from '#local/contracts.ts';
import { type RunningGateway, startGateway } from '#local/gateway/start-gateway.ts';
import { renderGatewayTemplate } from '#src/declaration/gateway-responses.ts';
import {
  type CfnJson,
  methodsByRoute,
  resourcesOfType,
  synthesizeForFile,
} from '../infra/synthesize-stack.ts';
import { startTestSystem, type TestSystem } from '../support/test-system.ts';

const stack = synthesizeForFile();
const template = () => stack.synth.template.toJSON();

/** A gateway response of the template by type, header values unquoted. */
function deployedResponse(type: string): {
  status?: number;
  headers: Record<string, string>;
  templates: Record<string, string>;
} {
  const found = resourcesOfType(stack.synth.template, 'AWS::ApiGateway::GatewayResponse').find(
    ([, r]) => r.Properties.ResponseType === type,
  );
  assert.ok(found, `the stack defines ${type}`);
  const { StatusCode, ResponseParameters = {}, ResponseTemplates = {} } = found[1].Properties;
  const headers = Object.fromEntries(
    Object.entries(ResponseParameters as Record<string, string>).map(([key, value]) => [
      key.replace('gatewayresponse.header.', ''),
      value.replace(/^'|'$/g, ''),
    ]),
  );
  return { ...(StatusCode ? { status: Number(StatusCode) } : {}), headers, templates: ResponseTemplates };
}

/** What the stack answers for an error of `status` with `message`, via its specific or default response. */
function expectedError(type: string, status: number, message: string) {
  const types = resourcesOfType(stack.synth.template, 'AWS::ApiGateway::GatewayResponse').map(
    ([, r]) => r.Properties.ResponseType,
  );
  const definition = deployedResponse(
    types.includes(type) ? type : status < 500 ? 'DEFAULT_4XX' : 'DEFAULT_5XX',
  );
  const body = String(definition.templates['application/json']).replace(
    '$context.error.messageString',
    JSON.stringify(message),
  );
  return { status: definition.status ?? status, headers: definition.headers, body };
}

async function assertAnswers(response: Response, expected: ReturnType<typeof expectedError>): Promise<void> {
  assert.equal(response.status, expected.status);
  assert.equal(await response.text(), expected.body);
  for (const [name, value] of Object.entries(expected.headers)) {
    assert.equal(response.headers.get(name), value, name);
  }
}

describe('the local system against the synthesized stage', { timeout: 300_000 }, () => {
  let system: TestSystem;
  // The throttle's clock stands still while a burst arrives (see the throttling test).
  let frozenAt: number | undefined;
  before(async () => {
    system = await startTestSystem({
      engine: 'dynalite',
      throttle: true,
      throttleClock: () => frozenAt ?? performance.now(),
    });
  });
  after(() => system?.stop());

  test('validates with the very models the stack deploys, for the same media types', () => {
    const methods = methodsByRoute(stack.synth.template);
    const validators = resourcesOfType(stack.synth.template, 'AWS::ApiGateway::RequestValidator');
    assert.equal(validators.length, 1);
    assert.equal(validators[0]?.[1].Properties.ValidateRequestBody, true);
    for (const route of system.system.routes) {
      const method = methods.get(`${route.method} ${route.resource}`);
      const deployed: Record<string, CfnJson> = method.Properties.RequestModels ?? {};
      const models = Object.fromEntries(
        Object.entries(deployed).map(([type, ref]) => [
          type,
          template().Resources[ref.Ref].Properties.Schema,
        ]),
      );
      assert.deepEqual(route.requestModels ?? {}, models, `${route.method} ${route.resource}`);
    }
  });

  test('answers a body that fails its model as BAD_REQUEST_BODY defines, before any function runs', async () => {
    const logged = system.logs.length;
    const response = await fetch(`${system.url}/products`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: system.adminToken },
      body: JSON.stringify({ name: '', price: 'free' }),
    });
    const definition = deployedResponse('BAD_REQUEST_BODY');
    assert.equal(response.status, definition.status);
    for (const [name, value] of Object.entries(definition.headers)) {
      assert.equal(response.headers.get(name), value, name);
    }
    const rendered = renderGatewayTemplate(String(definition.templates['application/json']), {
      message: 'Invalid request body',
      responseType: 'BAD_REQUEST_BODY',
      requestId: response.headers.get('x-amzn-requestid') ?? '',
    });
    assert.deepEqual(await response.json(), JSON.parse(rendered));
    assert.equal(system.logs.length, logged, 'no function ran');
  });

  test('demands a token on exactly the methods the stack puts its Cognito authorizer on', () => {
    const methods = methodsByRoute(stack.synth.template);
    for (const route of system.system.routes) {
      const deployed = methods.get(`${route.method} ${route.resource}`).Properties.AuthorizationType;
      assert.equal(route.authorizationType ?? 'NONE', deployed, `${route.method} ${route.resource}`);
    }
  });

  test('answers a request without a token as the stack’s UNAUTHORIZED response defines, before any function runs', async () => {
    const logged = system.logs.length;
    await assertAnswers(
      await fetch(`${system.url}/products`, { headers: { Authorization: 'not-a-token' } }),
      expectedError('UNAUTHORIZED', 401, 'Unauthorized'),
    );
    assert.equal(system.logs.length, logged, 'no function ran');
  });

  test('answers an unknown route with the stack 403, CORS included', async () => {
    await assertAnswers(
      await fetch(`${system.url}/nowhere`),
      expectedError('MISSING_AUTHENTICATION_TOKEN', 403, 'Missing Authentication Token'),
    );
  });

  test('answers browser preflights with the headers of the stack OPTIONS methods', async () => {
    const methods = methodsByRoute(stack.synth.template);
    for (const resource of new Set(system.system.routes.map((r) => r.resource))) {
      const deployed = methods.get(`OPTIONS ${resource}`).Properties.Integration.IntegrationResponses[0];
      const response = await fetch(`${system.url}/prod${resource.replace('{id}', 'x1')}`, {
        method: 'OPTIONS',
        headers: {
          Origin: 'http://localhost:5173',
          'Access-Control-Request-Method': 'PATCH',
          'Access-Control-Request-Headers': 'content-type,if-match',
        },
      });
      assert.equal(response.status, Number(deployed.StatusCode), resource);
      for (const [key, value] of Object.entries(deployed.ResponseParameters as Record<string, string>)) {
        const name = key.replace('method.response.header.', '');
        assert.equal(response.headers.get(name), value.replace(/^'|'$/g, ''), `${resource} ${name}`);
      }
    }
  });

  test('gives the functions the CORS origins the stack gives them', async () => {
    const [, fn] = resourcesOfType(stack.synth.template, 'AWS::Lambda::Function')[0] ?? [];
    const origins = fn.Properties.Environment.Variables.CORS_ALLOW_ORIGINS;
    const response = await fetch(`${system.url}/products?limit=1`, {
      headers: { Origin: 'http://localhost:5173', Authorization: system.adminToken },
    });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('access-control-allow-origin'), origins);
  });

  test('throttles at the stage rate and burst, answering 429 as the stack defines', async () => {
    const [setting] =
      template().Resources[resourcesOfType(stack.synth.template, 'AWS::ApiGateway::Stage')[0]?.[0] ?? '']
        .Properties.MethodSettings;
    assert.deepEqual(system.system.stage.throttle, {
      rateLimit: setting.ThrottlingRateLimit,
      burstLimit: setting.ThrottlingBurstLimit,
    });
    // Twice the burst at once (preflights: no function runs) must find the bucket empty. The clock
    // stands still meanwhile, so however slowly they arrive the bucket does not refill under them.
    frozenAt = performance.now();
    const responses = await Promise.all(
      Array.from({ length: setting.ThrottlingBurstLimit * 2 }, () =>
        fetch(`${system.url}/products`, { method: 'OPTIONS' }),
      ),
    ).finally(() => {
      frozenAt = undefined;
    });
    const throttled = responses.filter((r) => r.status === 429);
    await Promise.all(responses.filter((r) => r.status !== 429).map((r) => r.arrayBuffer()));
    // At most a bucketful is admitted.
    assert.ok(throttled.length >= setting.ThrottlingBurstLimit, `${throttled.length} throttled`);
    for (const response of throttled) {
      await assertAnswers(response, expectedError('THROTTLED', 429, 'Too Many Requests'));
    }
  });
});

describe('the gateway failures against the synthesized stage', () => {
  const failing: Invoker = {
    invoke: async (name, _event, options) => {
      if (name === 'crash') return { kind: 'error', errorType: 'Error', errorMessage: 'boom' };
      if (name === 'big') return { kind: 'payload-too-large', direction: 'request' };
      return new Promise((resolve) =>
        options?.signal?.addEventListener('abort', () => resolve({ kind: 'result', value: {} })),
      );
    },
  };
  let gateway: RunningGateway;
  before(async () => {
    gateway = await startGateway({
      routes: ['crash', 'big', 'hang'].map((name) => ({
        method: 'GET',
        resource: `/${name}`,
        functionName: name,
      })),
      invoker: failing,
      port: 0,
      corsOrigins: stack.synth.settings.corsOrigins,
      integrationTimeoutMs: 50,
      log: () => {},
    });
  });
  after(() => gateway?.close());

  for (const [path, type, status, message] of [
    ['/crash', 'INTEGRATION_FAILURE', 502, 'Internal server error'],
    ['/hang', 'INTEGRATION_TIMEOUT', 504, 'Endpoint request timed out'],
    ['/big', 'REQUEST_TOO_LARGE', 413, 'Request Too Long'],
  ] as const) {
    test(`answers ${status} (${type}) as the stack defines`, async () => {
      await assertAnswers(await fetch(`${gateway.url}${path}`), expectedError(type, status, message));
    });
  }
});

describe('the local gateway against a stage that allows one origin', () => {
  const origin = 'https://console.example.com';
  const single = synthesizeForFile({ context: { corsOrigins: origin } });
  const stand: Invoker = { invoke: async () => ({ kind: 'result', value: { statusCode: 200, body: '{}' } }) };
  let gateway: RunningGateway;
  before(async () => {
    const routes = single.bundled.services.flatMap(({ service }) =>
      service.functions.map((fn) => ({ method: fn.method, resource: fn.path, functionName: fn.name })),
    );
    gateway = await startGateway({
      routes,
      invoker: stand,
      port: 0,
      throttle: false,
      corsOrigins: single.synth.settings.corsOrigins,
      exposure: { allowedOrigins: [origin] },
    });
  });
  after(() => gateway?.close());

  test('answers preflights and its own errors with that origin, as the template defines', async () => {
    const methods = methodsByRoute(single.synth.template);
    const deployed = methods.get('OPTIONS /products').Properties.Integration.IntegrationResponses[0];
    const preflight = await fetch(`${gateway.url}/products`, {
      method: 'OPTIONS',
      headers: { Origin: origin, 'Access-Control-Request-Method': 'POST' },
    });
    assert.equal(preflight.status, Number(deployed.StatusCode));
    for (const [key, value] of Object.entries(deployed.ResponseParameters as Record<string, string>)) {
      const name = key.replace('method.response.header.', '');
      assert.equal(preflight.headers.get(name), value.replace(/^'|'$/g, ''), name);
    }
    const [, fallback] =
      resourcesOfType(single.synth.template, 'AWS::ApiGateway::GatewayResponse').find(
        ([, r]) => r.Properties.ResponseType === 'DEFAULT_4XX',
      ) ?? [];
    const missing = await fetch(`${gateway.url}/nowhere`, { headers: { Origin: origin } });
    assert.equal(missing.status, 403);
    assert.equal(
      missing.headers.get('access-control-allow-origin'),
      fallback.Properties.ResponseParameters['gatewayresponse.header.Access-Control-Allow-Origin'].replace(
        /^'|'$/g,
        '',
      ),
    );
  });
});
