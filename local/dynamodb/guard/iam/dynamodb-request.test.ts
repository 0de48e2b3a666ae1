import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readDynamoDbRequest } from './dynamodb-request.ts';

const account = { region: 'us-east-1', accountId: '000000000000' };
const arn = (t: string) => `arn:aws:dynamodb:us-east-1:000000000000:table/${t}`;
const headers = (operation: string, prefix = 'DynamoDB_20120810') => ({
  authorization:
    'AWS4-HMAC-SHA256 Credential=LOCALPRODUCTSGET/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=abc',
  'x-amz-target': `${prefix}.${operation}`,
});
const read = (operation: string, input: unknown, prefix?: string) =>
  readDynamoDbRequest(
    headers(operation, prefix),
    typeof input === 'string' ? input : JSON.stringify(input),
    account,
  );
const needs = (...pairs: [string, string][]) =>
  pairs.map(([action, resource]) => ({ action: `dynamodb:${action}`, resource }));

test('reads the signer, the operation and its table', () => {
  const call = read('GetItem', { TableName: 'products', Key: {} });
  assert.equal(call.accessKeyId, 'LOCALPRODUCTSGET');
  assert.equal(call.operation, 'GetItem');
  assert.deepEqual([call.invalid, call.unreadable], [null, null]);
  assert.deepEqual(call.required, needs(['GetItem', arn('products')]));
  assert.deepEqual(call.tables, ['products']);
});

type Case = readonly [name: string, operation: string, input: unknown, required: ReturnType<typeof needs>];
type Refused = readonly [name: string, operation: string, input: unknown, reason: RegExp];
/** Refusals of requests DynamoDB might accept (denied); every other refusal is a request DynamoDB rejects itself. */
const NOT_UNDERSTOOD = new Set([
  'an operation it does not know',
  'a statement it cannot read',
  'a statement naming two tables',
  'a nested SELECT',
  'a comment',
  'a block comment',
  'an unterminated string',
  'an EXISTS check',
  'INSERT into an index',
  'GetRecords names its stream only inside an opaque iterator',
]);

/** What each request needs, from the AWS documentation page each group is named after. */
const GROUPS: Record<string, { readonly allowed: readonly Case[]; readonly refused: readonly Refused[] }> = {
  'Actions, resources, and condition keys for Amazon DynamoDB': {
    allowed: [
      [
        'a query on an index needs the index ARN',
        'Query',
        { TableName: 'products', IndexName: 'byName' },
        needs(['Query', `${arn('products')}/index/byName`]),
      ],
      [
        'a scan of an index needs the index ARN',
        'Scan',
        { TableName: 'products', IndexName: 'byName' },
        needs(['Scan', `${arn('products')}/index/byName`]),
      ],
      [
        'DescribeTable is on the table',
        'DescribeTable',
        { TableName: 'products' },
        needs(['DescribeTable', arn('products')]),
      ],
      ['ListTables is on every resource', 'ListTables', {}, needs(['ListTables', '*'])],
      [
        'batch operations need their action on every table they name',
        'BatchWriteItem',
        { RequestItems: { products: [], 'lambda-apigateway': [] } },
        needs(['BatchWriteItem', arn('products')], ['BatchWriteItem', arn('lambda-apigateway')]),
      ],
      [
        'BatchGetItem on each table',
        'BatchGetItem',
        { RequestItems: { products: {} } },
        needs(['BatchGetItem', arn('products')]),
      ],
    ],
    refused: [
      ['an operation it does not know', 'FrobnicateItem', { TableName: 'products' }, /FrobnicateItem/],
      ['a request without a table', 'GetItem', { Key: {} }, /TableName/],
      ['a table name that is not a string', 'GetItem', { TableName: ['products'] }, /TableName/],
      ['an index name that is not a string', 'Query', { TableName: 'products', IndexName: 7 }, /IndexName/],
      ['a batch naming no table', 'BatchGetItem', { RequestItems: {} }, /RequestItems/],
      ['a body that is not JSON', 'GetItem', '{"TableName":', /JSON/],
      ['a body that is not an object', 'GetItem', '["products"]', /JSON object/],
    ],
  },
  'DynamoDB API Reference: TableName accepts the table name or its ARN': {
    allowed: [
      [
        'a table ARN is the resource itself',
        'GetItem',
        { TableName: arn('products') },
        needs(['GetItem', arn('products')]),
      ],
      [
        'an ARN in another account stays in that account',
        'PutItem',
        { TableName: 'arn:aws:dynamodb:us-east-1:111122223333:table/products' },
        needs(['PutItem', 'arn:aws:dynamodb:us-east-1:111122223333:table/products']),
      ],
      [
        'an ARN in another region stays in that region',
        'Query',
        { TableName: 'arn:aws:dynamodb:eu-west-1:000000000000:table/products', IndexName: 'byName' },
        needs(['Query', 'arn:aws:dynamodb:eu-west-1:000000000000:table/products/index/byName']),
      ],
      [
        'a batch keyed by a table ARN',
        'BatchWriteItem',
        { RequestItems: { [arn('orders')]: [] } },
        needs(['BatchWriteItem', arn('orders')]),
      ],
    ],
    refused: [
      [
        'an ARN that is not a table ARN',
        'GetItem',
        { TableName: 'arn:aws:dynamodb:us-east-1:000000000000:products' },
        /not a DynamoDB table ARN/,
      ],
      [
        'an index ARN given as a table',
        'GetItem',
        { TableName: `${arn('products')}/index/byName` },
        /not a DynamoDB table ARN/,
      ],
      [
        'an ARN of another service',
        'GetItem',
        { TableName: 'arn:aws:s3:::products' },
        /not a DynamoDB table ARN/,
      ],
      ['a table name with a wildcard', 'GetItem', { TableName: 'prod*' }, /table name/],
    ],
  },
  'Using IAM with DynamoDB transactions': {
    allowed: [
      [
        "a write transaction needs each item's own action on its table",
        'TransactWriteItems',
        {
          TransactItems: [
            { Put: { TableName: 'products' } },
            { ConditionCheck: { TableName: 'orders' } },
            { Delete: { TableName: 'products' } },
            { Update: { TableName: arn('orders') } },
          ],
        },
        needs(
          ['PutItem', arn('products')],
          ['ConditionCheckItem', arn('orders')],
          ['DeleteItem', arn('products')],
          ['UpdateItem', arn('orders')],
        ),
      ],
      [
        'a read transaction needs GetItem on each table',
        'TransactGetItems',
        { TransactItems: [{ Get: { TableName: 'products' } }] },
        needs(['GetItem', arn('products')]),
      ],
    ],
    refused: [
      [
        'an item kind it does not know',
        'TransactWriteItems',
        { TransactItems: [{ Upsert: { TableName: 'products' } }] },
        /Upsert/,
      ],
      [
        'a Get inside a write transaction',
        'TransactWriteItems',
        { TransactItems: [{ Get: { TableName: 'products' } }] },
        /Get/,
      ],
      [
        'an item with two kinds',
        'TransactWriteItems',
        { TransactItems: [{ Put: { TableName: 'products' }, Delete: { TableName: 'orders' } }] },
        /exactly one/,
      ],
      ['no items', 'TransactGetItems', { TransactItems: [] }, /TransactItems/],
    ],
  },
  'IAM security policies with PartiQL for DynamoDB': {
    allowed: [
      [
        'SELECT needs PartiQLSelect on the table',
        'ExecuteStatement',
        { Statement: 'SELECT * FROM "products" WHERE "id" = ?' },
        needs(['PartiQLSelect', arn('products')]),
      ],
      [
        'SELECT from an index needs it on the index',
        'ExecuteStatement',
        { Statement: 'SELECT name FROM "products"."byName" WHERE name = \'Mug\'' },
        needs(['PartiQLSelect', `${arn('products')}/index/byName`]),
      ],
      [
        'INSERT needs PartiQLInsert',
        'ExecuteStatement',
        { Statement: "INSERT INTO products VALUE {'id': 'a', 'price': 1}" },
        needs(['PartiQLInsert', arn('products')]),
      ],
      [
        'UPDATE needs PartiQLUpdate',
        'ExecuteStatement',
        { Statement: 'UPDATE "products" SET price = 2 WHERE id = \'a\' RETURNING ALL NEW *' },
        needs(['PartiQLUpdate', arn('products')]),
      ],
      [
        'UPDATE with REMOVE',
        'ExecuteStatement',
        { Statement: "update products remove price where id = 'a'" },
        needs(['PartiQLUpdate', arn('products')]),
      ],
      [
        'DELETE needs PartiQLDelete',
        'ExecuteStatement',
        { Statement: "delete from products where id = 'a'" },
        needs(['PartiQLDelete', arn('products')]),
      ],
      [
        'a string that reads like SQL is only a string',
        'ExecuteStatement',
        { Statement: "SELECT * FROM products WHERE note = 'x'' FROM orders'" },
        needs(['PartiQLSelect', arn('products')]),
      ],
      [
        'a quoted table name with characters a bare one cannot have',
        'ExecuteStatement',
        { Statement: 'SELECT * FROM "lambda-apigateway"' },
        needs(['PartiQLSelect', arn('lambda-apigateway')]),
      ],
      [
        'a batch needs each statement on its table',
        'BatchExecuteStatement',
        {
          Statements: [
            { Statement: 'SELECT * FROM products WHERE id = ?' },
            { Statement: 'DELETE FROM "orders" WHERE id = ?' },
          ],
        },
        needs(['PartiQLSelect', arn('products')], ['PartiQLDelete', arn('orders')]),
      ],
      [
        'a transaction needs each statement on its table',
        'ExecuteTransaction',
        {
          TransactStatements: [
            { Statement: "UPDATE products SET a = 1 WHERE id = 'x'" },
            { Statement: "INSERT INTO orders VALUE {'id': 'y'}" },
          ],
        },
        needs(['PartiQLUpdate', arn('products')], ['PartiQLInsert', arn('orders')]),
      ],
    ],
    refused: [
      [
        'a statement it cannot read',
        'ExecuteStatement',
        { Statement: 'UPSERT INTO products VALUE {}' },
        /UPSERT/,
      ],
      [
        'a statement naming two tables',
        'ExecuteStatement',
        { Statement: 'SELECT * FROM products, orders' },
        /PartiQL/,
      ],
      [
        'a nested SELECT',
        'ExecuteStatement',
        { Statement: 'SELECT * FROM products WHERE id IN (SELECT id FROM orders)' },
        /PartiQL/,
      ],
      ['a comment', 'ExecuteStatement', { Statement: 'SELECT * FROM products -- FROM orders' }, /PartiQL/],
      ['a block comment', 'ExecuteStatement', { Statement: 'SELECT * FROM /* x */ orders' }, /PartiQL/],
      [
        'an unterminated string',
        'ExecuteStatement',
        { Statement: "SELECT * FROM products WHERE id = 'a" },
        /PartiQL/,
      ],
      [
        'an EXISTS check',
        'ExecuteTransaction',
        { TransactStatements: [{ Statement: "EXISTS(SELECT * FROM products WHERE id = 'a')" }] },
        /PartiQL/,
      ],
      [
        'INSERT into an index',
        'ExecuteStatement',
        { Statement: "INSERT INTO products.byName VALUE {'id': 'a'}" },
        /PartiQL/,
      ],
      ['a missing statement', 'ExecuteStatement', {}, /Statement/],
      ['an empty batch', 'BatchExecuteStatement', { Statements: [] }, /Statements/],
    ],
  },
  'DynamoDB Streams API Reference': {
    allowed: [
      [
        'DescribeStream is on the stream ARN',
        'DescribeStream',
        { StreamArn: `${arn('products')}/stream/2026-01-01T00:00:00.000` },
        needs(['DescribeStream', `${arn('products')}/stream/2026-01-01T00:00:00.000`]),
      ],
    ],
    refused: [
      ['a stream ARN that is not one', 'DescribeStream', { StreamArn: arn('products') }, /stream ARN/],
      [
        'GetRecords names its stream only inside an opaque iterator',
        'GetRecords',
        { ShardIterator: 'x' },
        /GetRecords/,
      ],
    ],
  },
};

const streams = new Set(['DescribeStream', 'GetRecords']);
for (const [page, { allowed, refused }] of Object.entries(GROUPS)) {
  describe(`readDynamoDbRequest: ${page}`, () => {
    for (const [name, operation, input, required] of allowed) {
      test(name, () => {
        const call = read(operation, input, streams.has(operation) ? 'DynamoDBStreams_20120810' : undefined);
        assert.deepEqual([call.invalid, call.unreadable], [null, null]);
        assert.deepEqual(call.required, required);
      });
    }
    for (const [name, operation, input, reason] of refused) {
      test(`refuses ${name}`, () => {
        const call = read(operation, input, streams.has(operation) ? 'DynamoDBStreams_20120810' : undefined);
        const [as, other] = NOT_UNDERSTOOD.has(name)
          ? (['unreadable', 'invalid'] as const)
          : (['invalid', 'unreadable'] as const);
        assert.match(call[as] ?? '(read as if understood)', reason);
        assert.equal(call[other], null);
        assert.deepEqual(call.required, []);
      });
    }
  });
}

test('the tables a request names, for faults scoped to a table, from names and ARNs alike', () => {
  const call = read('BatchWriteItem', { RequestItems: { products: [], [arn('orders')]: [] } });
  assert.deepEqual(call.tables, ['products', 'orders']);
  assert.deepEqual(read('ListTables', {}).tables, []);
});

test('a target outside the DynamoDB and Streams APIs is no operation', () => {
  assert.equal(read('GetItem', { TableName: 'products' }, 'DynamoDB_20111205').operation, null);
  assert.equal(readDynamoDbRequest({}, '{}', account).operation, null);
});

test('an unsigned request names no one', () => {
  const call = readDynamoDbRequest(
    { 'x-amz-target': 'DynamoDB_20120810.Scan' },
    '{"TableName":"products"}',
    account,
  );
  assert.equal(call.accessKeyId, null);
});
