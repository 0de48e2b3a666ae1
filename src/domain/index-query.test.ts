import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SecondaryIndex } from '../declaration/types.ts';
import { BadRequestError } from './errors.ts';
import { indexQuery } from './index-query.ts';

const byNamePrice: SecondaryIndex = {
  name: 'byNamePrice',
  partitionKey: { field: 'name', type: 'string' },
  sortKey: { field: 'price', type: 'number' },
  key: { hash: { attribute: 'name', type: 'string' }, range: { attribute: 'price', type: 'number' } },
};
const byName: SecondaryIndex = {
  name: 'byName',
  partitionKey: { field: 'name', type: 'string' },
  key: { hash: { attribute: 'name', type: 'string' } },
};
const byStatus: SecondaryIndex = {
  name: 'byStatus',
  partitionKey: { field: 'status', type: 'string', values: ['open', 'shut'] },
  sortKey: { field: 'createdAt', type: 'string' },
  key: { hash: { attribute: 'status', type: 'string' }, range: { attribute: 'createdAt', type: 'string' } },
};
const indexes = [byNamePrice, byName, byStatus];

const badParameter = (name: string, message: RegExp) => (error: unknown) => {
  assert.ok(error instanceof BadRequestError);
  assert.equal(error.status, 400);
  assert.equal(error.errors?.[0]?.path, name);
  assert.match(error.message, message);
  return true;
};

test('an unfiltered list (limit and cursor only) is no query', () => {
  assert.equal(indexQuery(indexes, { limit: '5', cursor: 'x' }), undefined);
});

test('names the index by its partition field, typed by the schema, and each sort operator', () => {
  assert.deepEqual(indexQuery(indexes, { name: 'a' }), { index: byName, equals: 'a' });
  const sorts: [string, string, unknown][] = [
    ['price', '3', { operator: 'eq', values: [3] }],
    ['price[lt]', '3', { operator: 'lt', values: [3] }],
    ['price[lte]', '-1.5', { operator: 'lte', values: [-1.5] }],
    ['price[gt]', '1e2', { operator: 'gt', values: [100] }],
    ['price[gte]', '0', { operator: 'gte', values: [0] }],
    ['price[between]', '1,2', { operator: 'between', values: [1, 2] }],
  ];
  for (const [parameter, value, sort] of sorts) {
    assert.deepEqual(indexQuery(indexes, { name: 'a', [parameter]: value }), {
      index: byNamePrice,
      equals: 'a',
      sort,
    });
  }
  assert.deepEqual(indexQuery(indexes, { status: 'open', 'createdAt[begins_with]': '2026-' }), {
    index: byStatus,
    equals: 'open',
    sort: { operator: 'begins_with', values: ['2026-'] },
  });
});

test('refuses a filter no declared index answers, naming the indexes there are', () => {
  for (const query of [
    { colour: 'red' },
    { 'price[lt]': '3' },
    { name: 'a', status: 'open' },
    { name: 'a', 'createdAt[gt]': 'x' },
  ]) {
    assert.throws(
      () => indexQuery(indexes, query),
      (error: unknown) => {
        assert.ok(error instanceof BadRequestError);
        assert.match(
          error.message,
          /No declared index answers the filter .*byNamePrice \(name=…, price\[op\]=…\); byName \(name=…\); byStatus/,
        );
        return true;
      },
    );
  }
  assert.throws(() => indexQuery([], { name: 'a' }), /this resource declares no index/);
});

test('refuses a value its field cannot hold, naming the parameter', () => {
  assert.throws(
    () => indexQuery(indexes, { name: 'a', price: 'cheap' }),
    badParameter('price', /must be a number/),
  );
  assert.throws(
    () => indexQuery(indexes, { name: 'a', 'price[gt]': '1e300' }),
    badParameter('price[gt]', /DynamoDB can store/),
  );
  assert.throws(
    () => indexQuery(indexes, { name: 'a', 'price[gt]': ' 1' }),
    badParameter('price[gt]', /not a number/),
  );
  assert.throws(() => indexQuery(indexes, { status: 'lost' }), badParameter('status', /one of open, shut/));
  assert.throws(() => indexQuery(indexes, { name: '' }), badParameter('name', /must not be empty/));
  assert.throws(
    () => indexQuery(indexes, { name: 'a', 'price[between]': '1' }),
    badParameter('price[between]', /two values/),
  );
  assert.throws(
    () => indexQuery(indexes, { name: 'a', 'price[between]': '5,1' }),
    badParameter('price[between]', /low bound/),
  );
  assert.throws(
    () => indexQuery(indexes, { name: 'a', 'price[begins_with]': '1' }),
    badParameter('price[begins_with]', /string fields only/),
  );
  assert.throws(
    () => indexQuery(indexes, { name: 'a', 'price[ne]': '1' }),
    badParameter('price[ne]', /ne is not an operator/),
  );
});
