import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ExecuteStatementCommand, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { ApiClient } from '../support/http.ts';
import { functionDynamoClient, type TestSystem } from '../support/test-system.ts';
import { assertProblem } from './products-contract.ts';

const OWN = 'arn:aws:dynamodb:us-east-1:000000000000:table/products';
const ELSEWHERE = 'arn:aws:dynamodb:us-east-1:111122223333:table/products';

/**
 * The local IAM check, end to end: calls signed by the SDK with a function's own local
 * credentials, sent to the endpoint that function uses, against the running system's engine.
 * Each one the synthesized policy does not grant, or the check cannot read, gets DynamoDB's
 * AccessDeniedException and changes nothing.
 */
export function iamFailsClosed(system: () => TestSystem, api: () => ApiClient): void {
  const clientOf = (functionName: string) => functionDynamoClient(system(), functionName);
  const deniedBy = async (send: () => Promise<unknown>): Promise<string> => {
    const error = await send().then(
      () => assert.fail('the call was allowed'),
      (e: unknown) => e as { name?: string; message?: string },
    );
    assert.equal(error.name, 'AccessDeniedException', error.message);
    return error.message ?? '';
  };

  test('a PartiQL write by a function granted PutItem only is denied and writes nothing', async () => {
    const client = clientOf('products-create');
    const marker = `partiql-${Date.now()}`;
    try {
      const message = await deniedBy(() =>
        client.send(
          new ExecuteStatementCommand({
            Statement: `INSERT INTO "products" VALUE {'id': '${marker}', 'name': 'x', 'price': 1}`,
          }),
        ),
      );
      assert.match(
        message,
        new RegExp(
          `/products-create is not authorized to perform: dynamodb:PartiQLInsert on resource: ${OWN} because`,
        ),
      );
    } finally {
      client.destroy();
    }
    const items = await system().scan('products');
    assert.ok(!items.some((item) => item.id === marker), 'the denied statement wrote nothing');
  });

  test('a PartiQL statement the check cannot read is denied, not guessed at', async () => {
    const client = clientOf('dynamodb-manager');
    try {
      const message = await deniedBy(() =>
        client.send(
          new ExecuteStatementCommand({ Statement: 'SELECT * FROM "lambda-apigateway" -- "products"' }),
        ),
      );
      assert.match(
        message,
        /dynamodb:ExecuteStatement because the local IAM check cannot tell what it needs: the PartiQL statement has a comment/,
      );
    } finally {
      client.destroy();
    }
  });

  test("a TableName given as another account's table ARN is checked as that ARN and denied", async () => {
    const client = clientOf('products-create');
    const marker = `arn-${Date.now()}`;
    try {
      const message = await deniedBy(() =>
        client.send(
          new PutItemCommand({
            TableName: ELSEWHERE,
            Item: { id: { S: marker }, name: { S: 'x' }, price: { N: '1' } },
          }),
        ),
      );
      assert.match(
        message,
        new RegExp(`dynamodb:PutItem on resource: ${ELSEWHERE} because no identity-based policy allows`),
      );
    } finally {
      client.destroy();
    }
    const items = await system().scan('products');
    assert.ok(!items.some((item) => item.id === marker), 'the denied call wrote nothing');
  });

  test('its own table by ARN passes the check: whatever the engine answers, it is not a denial', async () => {
    const client = clientOf('products-get');
    try {
      const outcome = await client
        .send(new GetItemCommand({ TableName: OWN, Key: { id: { S: 'nothing-here' } } }))
        .then(
          () => 'served',
          (e: unknown) => (e as { name?: string }).name ?? 'error',
        );
      assert.notEqual(outcome, 'AccessDeniedException');
    } finally {
      client.destroy();
    }
  });

  test("a payload naming an index, even a malformed one, is the client's mistake in DynamoDB's words, not a denial", async () => {
    // The tutorial's table has no index: the manager answers as DynamoDB would, before any call
    // (the guard's own ValidationException for a malformed IndexName is covered in dynamodb-guard.test.ts).
    const reply = await api()('POST', '/DynamoDBManager', {
      body: { operation: 'list', payload: { IndexName: 7 } },
    });
    assertProblem(reply, 400);
    assert.match(reply.text, /The table does not have the specified index: 7/);
  });
}
