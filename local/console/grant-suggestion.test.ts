import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { loadServices, PROJECT_ROOT } from '#src/declaration/load-services.ts';
import { grantSuggestion } from './grant-suggestion.ts';

const services = await loadServices([path.join(PROJECT_ROOT, 'services')]);
const TABLE = 'arn:aws:dynamodb:us-east-1:000000000000:table';

test('a missing action on the own table is granted by adding it to the function’s actions', () => {
  assert.equal(
    grantSuggestion(services, 'dynamodb-manager', {
      action: 'dynamodb:Query',
      resource: `${TABLE}/lambda-apigateway`,
    }),
    "// services/dynamodb-manager.ts, function dynamodb-manager\nactions: ['dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:Scan', 'dynamodb:Query'],",
  );
});

test('a Query on an index is granted by naming the index, with Query added when missing', () => {
  const text = grantSuggestion(services, 'products-get', {
    action: 'dynamodb:Query',
    resource: `${TABLE}/products/index/byNamePrice`,
  });
  assert.match(text ?? '', /^\/\/ services\/products\.ts, function products-get\n/);
  assert.match(
    text ?? '',
    /\nactions: \['dynamodb:GetItem', 'dynamodb:Query'\],\nindexes: \['byNamePrice'\],$/,
  );
});

test('another service’s table and an action no declaration grants are explained, not suggested', () => {
  assert.match(
    grantSuggestion(services, 'products-get', { action: 'dynamodb:GetItem', resource: `${TABLE}/orders` }) ??
      '',
    /^No declaration grants dynamodb:GetItem on .*its own table \(products\) only/,
  );
  assert.match(
    grantSuggestion(services, 'products-get', {
      action: 'dynamodb:BatchGetItem',
      resource: `${TABLE}/products`,
    }) ?? '',
    /^No declaration grants dynamodb:BatchGetItem: a function may be granted only /,
  );
  assert.equal(
    grantSuggestion(services, 'no-such-function', {
      action: 'dynamodb:GetItem',
      resource: `${TABLE}/products`,
    }),
    undefined,
  );
});
