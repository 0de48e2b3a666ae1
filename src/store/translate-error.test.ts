import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import {
  BadRequestError,
  ConditionFailedError,
  HttpError,
  InternalError,
  PayloadTooLargeError,
  ServiceUnavailableError,
} from '../domain/errors.ts';
import { OUR_FAULT, REQUEST_REJECTED, translateSdkError, UNAVAILABLE } from './translate-error.ts';

/** An error shaped as the SDK throws a service error: name, message, fault and HTTP metadata. */
const serviceError = (name: string, message = 'reason', status = 400) =>
  Object.assign(new Error(message), {
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status, requestId: 'r' },
  });

test('a failed condition is reported as such, to be mapped by the operation', () => {
  assert.ok(
    translateSdkError(serviceError('ConditionalCheckFailedException')) instanceof ConditionFailedError,
  );
});

test('overload and outages are 503 with a retry delay, whoever wrote the request', () => {
  const errors = [
    ...UNAVAILABLE.names.map((name) =>
      serviceError(name, 'busy', name === 'InternalServerError' ? 500 : 400),
    ),
    ...UNAVAILABLE.networkCodes.map((code) => Object.assign(new Error('socket'), { code })),
    serviceError('SomethingNew', 'down', 503),
  ];
  for (const error of errors) {
    for (const clientWroteRequest of [false, true]) {
      const translated = translateSdkError(error, { clientWroteRequest });
      assert.ok(translated instanceof ServiceUnavailableError, `${error.name} ${JSON.stringify(error)}`);
      assert.equal(translated.retryAfterSeconds, 1);
      assert.equal(translated.cause, error);
    }
  }
});

test('our faults are a generic 500 keeping the cause: permissions, credentials, missing table, unknown', () => {
  const errors = [
    ...OUR_FAULT.map((name) => serviceError(name, `${name} details`)),
    Object.assign(new Error('Could not load credentials from any providers'), {
      name: 'CredentialsProviderError',
    }),
    serviceError('BrandNewException', 'new', 400),
    serviceError('InternalFailure', 'boom', 500),
    new Error('anything else'),
    'a string',
    undefined,
  ];
  for (const error of errors) {
    for (const clientWroteRequest of [false, true]) {
      const translated = translateSdkError(error, { clientWroteRequest });
      assert.ok(translated instanceof InternalError, String((error as Error | undefined)?.name ?? error));
      assert.equal(translated.status, 500);
      assert.equal(translated.cause, error);
      assert.doesNotMatch(translated.message, /details|Exception/);
    }
  }
});

test("DynamoDB's rejection of the request is the client's 400 only when the client wrote it", () => {
  for (const name of REQUEST_REJECTED) {
    const error = serviceError(name, 'Invalid UpdateExpression: Syntax error');
    const client = translateSdkError(error, { clientWroteRequest: true });
    assert.ok(client instanceof BadRequestError, name);
    assert.match(client.message, /Syntax error/);
    assert.ok(translateSdkError(error) instanceof InternalError, name);
  }
});

test('an item too large is 413 and an unstorable number 400, on both engines’ wording', () => {
  for (const message of [
    'Item size has exceeded the maximum allowed size',
    'Item size to update has exceeded the maximum allowed size',
  ]) {
    for (const clientWroteRequest of [false, true]) {
      assert.ok(
        translateSdkError(serviceError('ValidationException', message), { clientWroteRequest }) instanceof
          PayloadTooLargeError,
      );
    }
  }
  for (const message of [
    'Number overflow. Attempting to store a number with magnitude larger than supported range',
    'Number underflow. Attempting to store a number with magnitude smaller than supported range',
    'Attempting to store more than 38 significant digits in a Number',
  ]) {
    assert.ok(translateSdkError(serviceError('ValidationException', message)) instanceof BadRequestError);
  }
});

test("a request the client wrote gets DynamoDB's message back unchanged, whatever the status", () => {
  for (const [message, status] of [
    ['Item size has exceeded the maximum allowed size', 413],
    ['Number overflow. Attempting to store a number with magnitude larger than supported range', 400],
    ['Invalid UpdateExpression: Syntax error; token: "=", near: "SET = oops"', 400],
    ['The provided key element does not match the schema', 400],
  ] as const) {
    const translated = translateSdkError(serviceError('ValidationException', message), {
      clientWroteRequest: true,
    });
    assert.ok(translated instanceof HttpError);
    assert.equal(translated.status, status);
    assert.equal(translated.message, message);
  }
});

test('a value the document client cannot marshal is a 400, caught before any request is sent', async () => {
  // A real document client whose endpoint nothing listens on: marshalling fails first.
  const client = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:9',
      credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
      maxAttempts: 1,
    }),
  );
  try {
    for (const value of [Number.POSITIVE_INFINITY, Number.NaN, 1e300, new Set(), new (class Thing {})()]) {
      const error = await client.send(new PutCommand({ TableName: 't', Item: { id: 'a', value } })).then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      const translated = translateSdkError(error);
      assert.ok(translated instanceof BadRequestError, `${String(value)}: ${String(error)}`);
    }
  } finally {
    client.destroy();
  }
});
