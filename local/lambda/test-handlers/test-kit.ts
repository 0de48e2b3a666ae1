// Shared by the tests of local/lambda: test handler paths, a minimal API Gateway event and a log sink
// that keeps every line it receives.
import { fileURLToPath } from 'node:url';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { LogSink } from '#local/contracts.ts';
import { LOCAL_ACCOUNT_ID } from '#local/local-account.ts';
import type { FunctionSpec } from '../function-spec.ts';

export function handlerFile(name: string): string {
  return fileURLToPath(new URL(`./${name}.mjs`, import.meta.url));
}

/** A spec running one of the test handlers, with small limits unless told otherwise. */
export function testFunction(
  name: string,
  handler: string,
  overrides: Partial<FunctionSpec> = {},
): FunctionSpec {
  return {
    name,
    bundleFile: handlerFile(handler),
    environment: {},
    memoryMb: 128,
    timeoutSeconds: 10,
    ...overrides,
  };
}

/** A REST API proxy event carrying `body` as JSON. */
export function testEvent(body: unknown = {}): APIGatewayProxyEvent {
  return {
    resource: '/test',
    path: '/test',
    httpMethod: 'POST',
    headers: { 'content-type': 'application/json' },
    multiValueHeaders: { 'content-type': ['application/json'] },
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    isBase64Encoded: false,
    body: JSON.stringify(body),
    requestContext: {
      accountId: LOCAL_ACCOUNT_ID,
      apiId: 'local',
      authorizer: undefined,
      protocol: 'HTTP/1.1',
      httpMethod: 'POST',
      path: '/local/test',
      stage: 'local',
      requestId: 'test-request',
      requestTimeEpoch: 0,
      resourceId: 'test',
      resourcePath: '/test',
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: '127.0.0.1',
        user: null,
        userAgent: 'test',
        userArn: null,
      },
    },
  };
}

export interface RecordingSink extends LogSink {
  /** Every line written for `functionName`, in order. */
  lines(functionName: string): string[];
}

export function recordingSink(): RecordingSink {
  const byFunction = new Map<string, string[]>();
  return {
    write(functionName, line) {
      const lines = byFunction.get(functionName) ?? [];
      lines.push(line);
      byFunction.set(functionName, lines);
    },
    lines: (functionName) => [...(byFunction.get(functionName) ?? [])],
  };
}
