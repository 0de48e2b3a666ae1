import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type ApiClient, rawRequest } from '../support/http.ts';
import type { TestSystem } from '../support/test-system.ts';
import { assertNamesField, assertProblem } from './products-contract.ts';

interface BadRequest {
  readonly name: string;
  readonly method: string;
  readonly path: string;
  readonly raw?: string;
  readonly contentType?: string | null;
  readonly headers?: Record<string, string>;
  readonly status: number;
  /** The field a 400 must name in its `errors`. */
  readonly field?: string;
}

const valid = { name: 'ok', price: 1 };
const json = (value: unknown) => JSON.stringify(value);
const EXISTING = 'corpus-existing';
const DEEP_ARRAYS = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
const DEEP_OBJECTS = `${'{"a":'.repeat(40_000)}1${'}'.repeat(40_000)}`;

/** Bodies, headers and parameters a careless or hostile client sends, with the 4xx each must get. */
const corpus: BadRequest[] = [
  { name: 'malformed JSON', method: 'POST', path: '/products', raw: '{"name": "x", ', status: 400 },
  { name: 'empty body', method: 'POST', path: '/products', raw: '', status: 400 },
  { name: 'array body', method: 'POST', path: '/products', raw: '[1,2]', status: 400 },
  { name: 'null body', method: 'POST', path: '/products', raw: 'null', status: 400 },
  { name: 'string body', method: 'POST', path: '/products', raw: '"text"', status: 400 },
  { name: 'wrong types', method: 'POST', path: '/products', raw: json({ name: 5, price: '9' }), status: 400 },
  {
    name: 'negative price',
    method: 'POST',
    path: '/products',
    raw: json({ name: 'x', price: -1 }),
    status: 400,
  },
  {
    name: 'overflowing number',
    method: 'POST',
    path: '/products',
    raw: '{"name":"x","price":1e400}',
    status: 400,
  },
  ...(
    [
      ['1e300', 'price'],
      ['1.7976931348623157e308', 'price'],
      ['-1e200', 'price'],
      ['1e-200', 'price'],
      ['1e-400', 'price'],
      ['12345678901234567890123456789012345678901', 'price'],
      [`9.${'9'.repeat(37)}e125`, 'price'],
    ] as const
  ).flatMap(([number, field]): BadRequest[] => [
    {
      name: `POST ${number}`,
      method: 'POST',
      path: '/products',
      raw: `{"name":"x","price":${number}}`,
      status: 400,
      field,
    },
    {
      name: `PUT ${number}`,
      method: 'PUT',
      path: `/products/${EXISTING}`,
      raw: `{"name":"x","price":${number}}`,
      status: 400,
      field,
    },
    {
      name: `PATCH ${number}`,
      method: 'PATCH',
      path: `/products/${EXISTING}`,
      raw: `{"price":${number}}`,
      status: 400,
      field,
    },
  ]),
  {
    name: 'member named twice, the last one invalid',
    method: 'POST',
    path: '/products',
    raw: '{"name":"x","price":1,"price":1e300}',
    status: 400,
    field: 'price',
  },
  { name: 'missing required', method: 'POST', path: '/products', raw: json({ name: 'x' }), status: 400 },
  {
    name: 'unknown field',
    method: 'POST',
    path: '/products',
    raw: json({ ...valid, colour: 'red' }),
    status: 400,
  },
  {
    name: 'system field id',
    method: 'POST',
    path: '/products',
    raw: json({ ...valid, id: 'mine' }),
    status: 400,
  },
  {
    name: 'system field version',
    method: 'POST',
    path: '/products',
    raw: json({ ...valid, version: 9 }),
    status: 400,
  },
  {
    name: 'system field createdAt',
    method: 'PUT',
    path: `/products/${EXISTING}`,
    raw: json({ ...valid, createdAt: '2000-01-01T00:00:00.000Z' }),
    status: 400,
  },
  {
    name: 'huge name',
    method: 'POST',
    path: '/products',
    raw: json({ name: 'x'.repeat(10_000), price: 1 }),
    status: 400,
  },
  {
    name: 'huge description',
    method: 'POST',
    path: '/products',
    raw: json({ ...valid, description: 'd'.repeat(2001) }),
    status: 400,
  },
  {
    name: '21 tags',
    method: 'POST',
    path: '/products',
    raw: json({ ...valid, tags: Array(21).fill('t') }),
    status: 400,
  },
  {
    name: 'long tag',
    method: 'POST',
    path: '/products',
    raw: json({ ...valid, tags: ['t'.repeat(51)] }),
    status: 400,
  },
  {
    // No item of the model can be this large: the stage's model refuses it first, as deployed.
    name: '500 KB body',
    method: 'POST',
    path: '/products',
    raw: json({ ...valid, description: 'd'.repeat(500_000) }),
    status: 400,
  },
  {
    name: '__proto__ key',
    method: 'POST',
    path: '/products',
    raw: '{"name":"x","price":1,"__proto__":{"admin":true}}',
    status: 400,
  },
  {
    name: 'nested __proto__',
    method: 'PUT',
    path: `/products/${EXISTING}`,
    raw: '{"name":"x","price":1,"tags":[{"__proto__":{}}]}',
    status: 400,
  },
  {
    name: 'constructor key',
    method: 'POST',
    path: '/products',
    raw: json({ ...valid, constructor: { prototype: {} } }),
    status: 400,
  },
  {
    name: 'text/plain',
    method: 'POST',
    path: '/products',
    raw: json(valid),
    contentType: 'text/plain',
    status: 415,
  },
  {
    name: 'form content type',
    method: 'PUT',
    path: `/products/${EXISTING}`,
    raw: json(valid),
    contentType: 'application/x-www-form-urlencoded',
    status: 415,
  },
  {
    name: 'XML',
    method: 'POST',
    path: '/products',
    raw: '<product/>',
    contentType: 'application/xml',
    status: 415,
  },
  {
    name: 'no content type',
    method: 'POST',
    path: '/products',
    raw: json(valid),
    contentType: null,
    status: 415,
  },
  {
    name: 'merge patch on POST',
    method: 'POST',
    path: '/products',
    raw: json(valid),
    contentType: 'application/merge-patch+json',
    status: 415,
  },
  {
    name: 'PATCH text/plain',
    method: 'PATCH',
    path: `/products/${EXISTING}`,
    raw: json({ price: 2 }),
    contentType: 'text/plain',
    status: 415,
  },
  {
    name: 'PATCH array',
    method: 'PATCH',
    path: `/products/${EXISTING}`,
    raw: '[{"op":"replace"}]',
    status: 400,
  },
  {
    name: 'PATCH system field',
    method: 'PATCH',
    path: `/products/${EXISTING}`,
    raw: json({ version: 99 }),
    status: 400,
  },
  {
    name: 'PATCH required to null',
    method: 'PATCH',
    path: `/products/${EXISTING}`,
    raw: json({ price: null }),
    status: 400,
  },
  {
    name: 'PATCH wrong type',
    method: 'PATCH',
    path: `/products/${EXISTING}`,
    raw: json({ tags: 'one' }),
    status: 400,
  },
  {
    name: 'malformed If-Match',
    method: 'PATCH',
    path: `/products/${EXISTING}`,
    raw: json({ price: 3 }),
    headers: { 'If-Match': 'abc' },
    status: 400,
  },
  {
    name: 'malformed If-None-Match',
    method: 'PUT',
    path: `/products/${EXISTING}`,
    raw: json(valid),
    headers: { 'If-None-Match': 'W/x' },
    status: 400,
  },
  {
    name: 'weak If-Match on PUT',
    method: 'PUT',
    path: `/products/${EXISTING}`,
    raw: json(valid),
    headers: { 'If-Match': 'W/"anything"' },
    status: 412,
  },
  // Tags shaped as an old item's version ("v1") once made a condition DynamoDB refuses (a 500).
  {
    name: 'DELETE an absent id with If-None-Match "v1"',
    method: 'DELETE',
    path: '/products/never-there',
    headers: { 'If-None-Match': '"v1"' },
    status: 404,
  },
  {
    name: 'PUT with If-Match "v1", "x"',
    method: 'PUT',
    path: `/products/${EXISTING}`,
    raw: json(valid),
    headers: { 'If-Match': '"v1", "x"' },
    status: 412,
  },
  {
    name: 'PATCH constructor member',
    method: 'PATCH',
    path: `/products/${EXISTING}`,
    raw: '{"constructor":{"prototype":{"price":0}}}',
    status: 400,
  },
  {
    name: 'PATCH system field revision',
    method: 'PATCH',
    path: `/products/${EXISTING}`,
    raw: json({ revision: 'mine' }),
    status: 400,
    field: 'revision',
  },
  {
    name: 'edited cursor with a valid shape',
    method: 'GET',
    path: `/products?cursor=${Buffer.from(json({ id: 'x', admin: true })).toString('base64url')}.AAAAAAAAAAAAAAAAAAAAAA`,
    status: 400,
  },
  { name: 'id with encoded slash', method: 'PUT', path: '/products/a%2Fb', raw: json(valid), status: 400 },
  { name: 'id with NUL', method: 'PUT', path: '/products/a%00b', raw: json(valid), status: 400 },
  { name: 'id ..', method: 'PUT', path: '/products/..', raw: json(valid), status: 400 },
  { name: 'id encoded ..', method: 'PUT', path: '/products/%2E%2E', raw: json(valid), status: 400 },
  { name: 'unicode id', method: 'PUT', path: '/products/%C3%A9t%C3%A9', raw: json(valid), status: 400 },
  { name: 'id too long', method: 'PUT', path: `/products/${'a'.repeat(129)}`, raw: json(valid), status: 400 },
  { name: 'id with slash', method: 'PUT', path: '/products/a/b', raw: json(valid), status: 403 },
  { name: 'GET unicode id', method: 'GET', path: '/products/%F0%9F%98%80', status: 400 },
  { name: 'DELETE dotted id', method: 'DELETE', path: '/products/a.b', status: 400 },
  { name: 'limit 0', method: 'GET', path: '/products?limit=0', status: 400 },
  { name: 'limit 101', method: 'GET', path: '/products?limit=101', status: 400 },
  { name: 'limit text', method: 'GET', path: '/products?limit=ten', status: 400 },
  {
    name: 'forged cursor',
    method: 'GET',
    path: '/products?cursor=eyJpZCI6IngifQ.AAAAAAAAAAAAAAAAAAAAAA',
    status: 400,
  },
  { name: 'garbage cursor', method: 'GET', path: '/products?cursor=%00%FF', status: 400 },
  {
    name: 'manager malformed JSON',
    method: 'POST',
    path: '/DynamoDBManager',
    raw: '{"operation":',
    status: 400,
  },
  {
    name: 'manager no operation',
    method: 'POST',
    path: '/DynamoDBManager',
    raw: json({ payload: {} }),
    status: 400,
  },
  {
    name: 'manager payload not object',
    method: 'POST',
    path: '/DynamoDBManager',
    raw: json({ operation: 'create', payload: [1] }),
    status: 400,
  },
  {
    name: 'manager create without Item',
    method: 'POST',
    path: '/DynamoDBManager',
    raw: json({ operation: 'create', payload: { id: 'x' } }),
    status: 400,
  },
  {
    name: 'manager Item without key',
    method: 'POST',
    path: '/DynamoDBManager',
    raw: json({ operation: 'create', payload: { Item: { n: 1 } } }),
    status: 400,
  },
  {
    name: 'manager key of wrong type',
    method: 'POST',
    path: '/DynamoDBManager',
    raw: json({ operation: 'create', payload: { Item: { id: 5 } } }),
    status: 400,
  },
  {
    name: 'manager foreign table',
    method: 'POST',
    path: '/DynamoDBManager',
    raw: json({ operation: 'create', tableName: 'products', payload: { Item: { id: 'x' } } }),
    status: 403,
  },
  {
    name: 'manager TableName in payload',
    method: 'POST',
    path: '/DynamoDBManager',
    raw: json({ operation: 'create', payload: { TableName: 'products', Item: { id: 'x' } } }),
    status: 403,
  },
  {
    name: 'manager __proto__',
    method: 'POST',
    path: '/DynamoDBManager',
    raw: '{"operation":"create","payload":{"Item":{"id":"p","__proto__":{"x":1}}}}',
    status: 400,
  },
  {
    name: 'manager 500 KB',
    method: 'POST',
    path: '/DynamoDBManager',
    raw: json({ operation: 'create', payload: { Item: { id: 'big', blob: 'b'.repeat(500_000) } } }),
    status: 413,
  },
  {
    name: 'manager number DynamoDB refuses',
    method: 'POST',
    path: '/DynamoDBManager',
    raw: '{"operation":"create","payload":{"Item":{"id":"n","n":1e300}}}',
    status: 400,
  },
  {
    name: 'manager item over 400 KB as DynamoDB counts it',
    method: 'POST',
    path: '/DynamoDBManager',
    raw: json({ operation: 'create', payload: { Item: { id: 'many', l: Array(150_000).fill(1) } } }),
    status: 413,
  },
  // 100,000 levels, 200 KB: the stage's model or the function refuses it, never a 5xx.
  ...(
    [
      ['POST', '/products', DEEP_ARRAYS],
      ['POST', '/products', `{"name":"x","price":1,"tags":${DEEP_ARRAYS}}`],
      ['PUT', `/products/${EXISTING}`, `{"name":"x","price":1,"description":${DEEP_ARRAYS}}`],
      ['PATCH', `/products/${EXISTING}`, `{"tags":${DEEP_ARRAYS}}`],
      ['PATCH', `/products/${EXISTING}`, DEEP_OBJECTS],
      ['POST', '/orders', `{"items":${DEEP_ARRAYS}}`],
      ['POST', '/gizmos', `{"label":"x","size":${DEEP_OBJECTS}}`],
      ['POST', '/DynamoDBManager', `{"operation":"echo","payload":${DEEP_ARRAYS}}`],
      [
        'POST',
        '/DynamoDBManager',
        `{"operation":"create","payload":{"Item":{"id":"d","x":${DEEP_OBJECTS}}}}`,
      ],
    ] as const
  ).map(
    ([method, path, raw]): BadRequest => ({
      name: `${method} ${path} nested 100,000 levels`,
      method,
      path,
      raw,
      status: 400,
    }),
  ),
  {
    name: 'manager bad expression',
    method: 'POST',
    path: '/DynamoDBManager',
    raw: json({ operation: 'update', payload: { Key: { id: 'x' }, UpdateExpression: 'DROP TABLE' } }),
    status: 400,
  },
];

/** Each bad request gets its 4xx with a problem+json body and leaves every table as it was. */
export function badRequests(api: () => ApiClient, system: () => TestSystem): void {
  describe('bad requests', () => {
    test('each gets the specified 4xx and the tables are unchanged', async () => {
      assert.equal((await api()('PUT', `/products/${EXISTING}`, { body: valid })).status < 300, true);
      const tables = ['products', 'lambda-apigateway'];
      const before = await Promise.all(tables.map((t) => system().scan(t)));
      for (const bad of corpus) {
        const contentType = bad.contentType === undefined ? 'application/json' : bad.contentType;
        // Sent byte for byte: fetch would normalise `..` and add a Content-Type of its own.
        const reply = await rawRequest(system().url, bad.method, bad.path, bad.raw, {
          Authorization: system().adminToken,
          ...(contentType && bad.raw !== undefined ? { 'Content-Type': contentType } : {}),
          ...bad.headers,
        });
        if (bad.status === 403 && bad.path.includes('/a/b')) {
          assert.equal(reply.status, 403, bad.name);
          assert.deepEqual(reply.json, { message: 'Missing Authentication Token' }, bad.name);
        } else {
          assert.equal(reply.status, bad.status, `${bad.name}: ${reply.text.slice(0, 300)}`);
          assertProblem(reply, bad.status);
          if (bad.field) assertNamesField(reply, bad.field, bad.name);
        }
      }
      const after = await Promise.all(tables.map((t) => system().scan(t)));
      assert.deepEqual(after, before);
    });
  });
}
