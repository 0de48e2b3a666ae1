import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readDynamoDbRequest } from './dynamodb-request.ts';

const account = { region: 'us-east-1', accountId: '000000000000' };
const arn = (t: string) => `arn:aws:dynamodb:us-east-1:000000000000:table/${t}`;
const headers = (operation: string) => ({
  authorization:
    'AWS4-HMAC-SHA256 Credential=LOCALPRODUCTSGET/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=abc',
  'x-amz-target': `DynamoDB_20120810.${operation}`,
});

test('reads the signer, the operation and its table', () => {
  const call = readDynamoDbRequest(headers('GetItem'), '{"TableName":"products","Key":{}}', account);
  assert.equal(call.accessKeyId, 'LOCALPRODUCTSGET');
  assert.equal(call.operation, 'GetItem');
  assert.deepEqual(call.required, [{ action: 'dynamodb:GetItem', resource: arn('products') }]);
  assert.deepEqual(call.tables, ['products']);
});

test('a query on an index needs the index ARN', () => {
  const call = readDynamoDbRequest(
    headers('Query'),
    '{"TableName":"products","IndexName":"byName"}',
    account,
  );
  assert.deepEqual(call.required, [
    { action: 'dynamodb:Query', resource: `${arn('products')}/index/byName` },
  ]);
});

test('batch operations need their action on every table they name', () => {
  const body = JSON.stringify({ RequestItems: { products: {}, 'lambda-apigateway': {} } });
  const call = readDynamoDbRequest(headers('BatchWriteItem'), body, account);
  assert.deepEqual(call.required, [
    { action: 'dynamodb:BatchWriteItem', resource: arn('products') },
    { action: 'dynamodb:BatchWriteItem', resource: arn('lambda-apigateway') },
  ]);
  assert.deepEqual(call.tables, ['products', 'lambda-apigateway']);
});

test("a transaction needs each item's own action on its table", () => {
  const body = JSON.stringify({
    TransactItems: [
      { Put: { TableName: 'products' } },
      { ConditionCheck: { TableName: 'orders' } },
      { Delete: { TableName: 'products' } },
    ],
  });
  assert.deepEqual(readDynamoDbRequest(headers('TransactWriteItems'), body, account).required, [
    { action: 'dynamodb:PutItem', resource: arn('products') },
    { action: 'dynamodb:ConditionCheckItem', resource: arn('orders') },
    { action: 'dynamodb:DeleteItem', resource: arn('products') },
  ]);
  const get = JSON.stringify({ TransactItems: [{ Get: { TableName: 'products' } }] });
  assert.deepEqual(readDynamoDbRequest(headers('TransactGetItems'), get, account).required, [
    { action: 'dynamodb:GetItem', resource: arn('products') },
  ]);
});

test('an unsigned or malformed request names no one and leaves the body to the engine', () => {
  const call = readDynamoDbRequest({ 'x-amz-target': 'DynamoDB_20120810.Scan' }, '{not json', account);
  assert.equal(call.accessKeyId, null);
  assert.deepEqual(call.required, [{ action: 'dynamodb:Scan', resource: arn('*') }]);
});
