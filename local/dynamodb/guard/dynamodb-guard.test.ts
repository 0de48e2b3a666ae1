import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CreateTableCommand, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { startDynalite } from '../engines/dynalite-engine.ts';
import type { RunningDynamoDb } from '../engines/engine.ts';
import { type DynamoDbGuard, startDynamoDbGuard } from './dynamodb-guard.ts';
import { parseFaults } from './faults.ts';

const account = { region: 'us-east-1', accountId: '000000000000' };
const arn = (t: string) => `arn:aws:dynamodb:us-east-1:000000000000:table/${t}`;

// dynalite runs in this process, so the guard hands it each request directly; DynamoDB Local is
// reached over a connection. Both paths are run here, on dynalite.
const PATHS = {
  'handed over in process': (engine: RunningDynamoDb) => engine,
  'forwarded over a loopback connection': (engine: RunningDynamoDb) => ({ endpoint: engine.endpoint }),
};

for (const [path, targetOf] of Object.entries(PATHS))
  describe(`the DynamoDB guard in front of a real engine (dynalite), ${path}`, () => {
    let engine: RunningDynamoDb;
    let guard: DynamoDbGuard;
    const post = (target: string | null, key: string, body: unknown) =>
      fetch(guard.endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          authorization: `AWS4-HMAC-SHA256 Credential=${key}/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=x`,
          ...(target ? { 'x-amz-target': `DynamoDB_20120810.${target}` } : {}),
        },
        body: JSON.stringify(body),
      }).then(async (r) => ({ status: r.status, json: (await r.json()) as Record<string, string> }));

    before(async () => {
      engine = await startDynalite({ dataDir: null });
      guard = await startDynamoDbGuard({
        target: () => targetOf(engine),
        account,
        principals: new Map([
          [
            'LOCALREADER',
            {
              functionName: 'reader',
              roleName: 'ReaderRole',
              statements: [
                { Effect: 'Allow', Action: 'dynamodb:*', Resource: arn('books*') },
                { Effect: 'Deny', Action: 'dynamodb:DeleteItem', Resource: '*' },
              ],
            },
          ],
          [
            'LOCALBROKEN',
            {
              functionName: 'broken',
              roleName: 'BrokenRole',
              // IAM would refuse this policy: the empty Resource must not make the Allow cover everything.
              statements: [{ Effect: 'Allow', Action: 'dynamodb:*', Resource: '' }],
            },
          ],
        ]),
      });
      const admin = new DynamoDBClient({
        region: 'us-east-1',
        endpoint: engine.endpoint,
        credentials: { accessKeyId: 'ADMIN', secretAccessKey: 'x' },
      });
      await admin.send(
        new CreateTableCommand({
          TableName: 'books',
          KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
          AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
          BillingMode: 'PAY_PER_REQUEST',
        }),
      );
      admin.destroy();
    });
    after(async () => {
      await guard?.close();
      await engine?.stop();
    });

    test('forwards an allowed call signed by the SDK and records the action used', async () => {
      const client = new DynamoDBClient({
        region: 'us-east-1',
        endpoint: guard.endpoint,
        credentials: { accessKeyId: 'LOCALREADER', secretAccessKey: 'x' },
      });
      try {
        const page = await client.send(new ScanCommand({ TableName: 'books' }));
        assert.equal(page.Count, 0);
      } finally {
        client.destroy();
      }
      assert.deepEqual([...(guard.usedActions().get('reader') ?? [])], ['dynamodb:Scan']);
    });

    test("answers a denied call with DynamoDB's AccessDeniedException", async () => {
      const denied = await post('Scan', 'LOCALREADER', { TableName: 'films' });
      assert.equal(denied.status, 400);
      assert.deepEqual(denied.json, {
        __type: 'com.amazon.coral.service#AccessDeniedException',
        Message:
          'User: arn:aws:sts::000000000000:assumed-role/ReaderRole/reader is not authorized to perform: ' +
          `dynamodb:Scan on resource: ${arn('films')} because no identity-based policy allows the dynamodb:Scan action`,
      });
      const explicit = await post('DeleteItem', 'LOCALREADER', {
        TableName: 'books',
        Key: { id: { S: '1' } },
      });
      assert.equal(explicit.status, 400);
      assert.match(
        explicit.json.Message ?? '',
        /DeleteItem on resource: .*table\/books with an explicit deny in an identity-based policy$/,
      );
    });

    test('denies a PartiQL statement its policy does not grant, and one it cannot read', async () => {
      const select = await post('ExecuteStatement', 'LOCALREADER', { Statement: 'SELECT * FROM "films"' });
      assert.equal(select.json.__type, 'com.amazon.coral.service#AccessDeniedException');
      assert.match(select.json.Message ?? '', /dynamodb:PartiQLSelect on resource: .*table\/films because/);
      const unreadable = await post('ExecuteStatement', 'LOCALREADER', {
        Statement: 'SELECT * FROM "books" WHERE id IN (SELECT id FROM "films")',
      });
      assert.equal(unreadable.status, 400);
      assert.equal(unreadable.json.__type, 'com.amazon.coral.service#AccessDeniedException');
      assert.match(
        unreadable.json.Message ?? '',
        /not authorized to perform: dynamodb:ExecuteStatement because the local IAM check cannot tell what it needs: the PartiQL statement has a second table/,
      );
    });

    test('checks a table named by its ARN as that ARN', async () => {
      const elsewhere = 'arn:aws:dynamodb:us-east-1:111122223333:table/books';
      const foreign = await post('Scan', 'LOCALREADER', { TableName: elsewhere });
      assert.equal(foreign.json.__type, 'com.amazon.coral.service#AccessDeniedException');
      assert.match(
        foreign.json.Message ?? '',
        new RegExp(`on resource: ${elsewhere} because no identity-based`),
      );
      // DynamoDB rejects a malformed ARN whoever signs it: a ValidationException, and nothing reaches the engine.
      const malformed = await post('Scan', 'LOCALREADER', {
        TableName: 'arn:aws:dynamodb:us-east-1:000000000000:books',
      });
      assert.equal(malformed.status, 400);
      assert.deepEqual(malformed.json, {
        __type: 'com.amazon.coral.validate#ValidationException',
        message: 'TableName "arn:aws:dynamodb:us-east-1:000000000000:books" is not a DynamoDB table ARN',
      });
    });

    test('a policy IAM would refuse grants nothing, and the denial says why', async () => {
      const denied = await post('Scan', 'LOCALBROKEN', { TableName: 'books' });
      assert.equal(denied.json.__type, 'com.amazon.coral.service#AccessDeniedException');
      assert.match(
        denied.json.Message ?? '',
        /refuses the function's policy, as IAM would: statement #1: Resource ""/,
      );
    });

    test('refuses unknown keys and requests without an operation', async () => {
      const stranger = await post('Scan', 'LOCALSTRANGER', { TableName: 'books' });
      assert.equal(stranger.json.__type, 'com.amazonaws.dynamodb.v20120810#UnrecognizedClientException');
      const untargeted = await post(null, 'LOCALREADER', { TableName: 'books' });
      assert.equal(untargeted.json.__type, 'com.amazon.coral.service#UnknownOperationException');
    });

    test('injects the configured faults as DynamoDB sends them', async () => {
      guard.setFaults(parseFaults('throttle=100%@table:books'));
      try {
        const throttled = await post('Scan', 'LOCALREADER', { TableName: 'books' });
        assert.equal(throttled.status, 400);
        assert.equal(
          throttled.json.__type,
          'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
        );
        guard.setFaults(parseFaults('error=100%@reader'));
        const failed = await post('Scan', 'LOCALREADER', { TableName: 'books' });
        assert.equal(failed.status, 500);
        assert.equal(failed.json.__type, 'com.amazonaws.dynamodb.v20120810#InternalServerError');
      } finally {
        guard.setFaults([]);
      }
      // Off again: the engine answers (here its complaint about the test's made-up signature).
      const answered = await post('Scan', 'LOCALREADER', { TableName: 'books' });
      assert.doesNotMatch(answered.json.__type ?? '', /ProvisionedThroughput|InternalServerError/);
    });
  });
