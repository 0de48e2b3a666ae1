import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RouteBinding } from '#local/contracts.ts';
import { createRouter } from './match-route.ts';

const routes: RouteBinding[] = [
  { method: 'GET', resource: '/products', functionName: 'products-list' },
  { method: 'POST', resource: '/products', functionName: 'products-create' },
  { method: 'GET', resource: '/products/{id}', functionName: 'products-get' },
  { method: 'DELETE', resource: '/products/{id}', functionName: 'products-delete' },
  { method: 'GET', resource: '/products/search', functionName: 'products-search' },
  { method: 'GET', resource: '/products/{id}/reviews', functionName: 'reviews-list' },
  { method: 'POST', resource: '/DynamoDBManager', functionName: 'dynamodb-manager' },
  { method: 'GET', resource: '/a/b/c', functionName: 'abc' },
  { method: 'GET', resource: '/a/{x}/d', functionName: 'axd' },
  { method: 'GET', resource: '/files/{proxy+}', functionName: 'files' },
  { method: 'ANY', resource: '/any', functionName: 'any' },
  { method: 'PUT', resource: '/any', functionName: 'any-put' },
  { method: 'OPTIONS', resource: '/custom-options', functionName: 'custom-options' },
];
const route = createRouter(routes);

function functionFor(method: string, path: string): string | undefined {
  const match = route(method, path);
  return match.kind === 'integration' ? match.binding.functionName : undefined;
}

function parametersFor(method: string, path: string): Readonly<Record<string, string>> | null | undefined {
  const match = route(method, path);
  return match.kind === 'integration' ? match.pathParameters : undefined;
}

describe('createRouter', () => {
  it('prefers a literal segment over a parameter at the same level', () => {
    assert.equal(functionFor('GET', '/products/search'), 'products-search');
    assert.equal(functionFor('GET', '/products/other'), 'products-get');
    assert.deepEqual(parametersFor('GET', '/products/other'), { id: 'other' });
  });

  it('falls back to a parameter when the literal branch dead-ends', () => {
    assert.equal(functionFor('GET', '/a/b/d'), 'axd');
    assert.deepEqual(parametersFor('GET', '/a/b/d'), { x: 'b' });
    assert.equal(functionFor('GET', '/a/b/c'), 'abc');
  });

  it('gives null pathParameters to a resource without parameters', () => {
    assert.equal(parametersFor('GET', '/products'), null);
  });

  it('captures the rest of the path in a greedy parameter, which needs at least one segment', () => {
    assert.deepEqual(parametersFor('GET', '/files/a/b/c.txt'), { proxy: 'a/b/c.txt' });
    assert.deepEqual(route('GET', '/files'), { kind: 'missing' });
  });

  it('ignores trailing slashes, as API Gateway does', () => {
    assert.equal(functionFor('GET', '/products/'), 'products-list');
    assert.deepEqual(parametersFor('GET', '/products/p1/'), { id: 'p1' });
    assert.deepEqual(parametersFor('GET', '/files/a/b/'), { proxy: 'a/b' });
  });

  it('keeps path parameters percent-encoded, as AWS passes them', () => {
    assert.deepEqual(parametersFor('GET', '/products/test%2Balias%40example.com'), {
      id: 'test%2Balias%40example.com',
    });
    assert.deepEqual(parametersFor('GET', '/products/a%20b'), { id: 'a%20b' });
  });

  it('keeps an encoded slash inside its segment', () => {
    assert.deepEqual(parametersFor('GET', '/products/a%2Freviews'), { id: 'a%2Freviews' });
    assert.equal(functionFor('GET', '/products/a%2Freviews'), 'products-get');
    assert.deepEqual(parametersFor('GET', '/files/x%2Fy/z'), { proxy: 'x%2Fy/z' });
  });

  it('matches literal segments case-sensitively and without decoding them', () => {
    assert.deepEqual(route('POST', '/dynamodbmanager'), { kind: 'missing' });
    assert.deepEqual(route('GET', '/product%73'), { kind: 'missing' });
    assert.equal(functionFor('POST', '/DynamoDBManager'), 'dynamodb-manager');
  });

  it('reports an unknown path or an undeclared method as missing', () => {
    assert.deepEqual(route('GET', '/nothing-here'), { kind: 'missing' });
    assert.deepEqual(route('PATCH', '/products/p1'), { kind: 'missing' });
    assert.deepEqual(route('GET', '/'), { kind: 'missing' });
    assert.deepEqual(route('GET', '/products//reviews'), { kind: 'missing' });
  });

  it('does not answer HEAD with a GET route', () => {
    assert.deepEqual(route('HEAD', '/products'), { kind: 'missing' });
  });

  it('treats OPTIONS on a declared resource as a preflight unless OPTIONS is declared', () => {
    assert.deepEqual(route('OPTIONS', '/products/p1'), { kind: 'preflight', resource: '/products/{id}' });
    assert.equal(functionFor('OPTIONS', '/custom-options'), 'custom-options');
    assert.deepEqual(route('OPTIONS', '/nothing-here'), { kind: 'missing' });
  });

  it('lets ANY match every method the resource does not declare itself', () => {
    assert.equal(functionFor('PATCH', '/any'), 'any');
    assert.equal(functionFor('HEAD', '/any'), 'any');
    assert.equal(functionFor('PUT', '/any'), 'any-put');
  });

  it('refuses route tables API Gateway would refuse', () => {
    const get = (resource: string) => ({ method: 'GET', resource, functionName: 'f' });
    assert.throws(() => createRouter([get('/p'), get('/p')]), /Duplicate route GET \/p/);
    assert.throws(() => createRouter([get('/p/{id}'), get('/p/{name}/x')]), /clashes with sibling \{id\}/);
    assert.throws(() => createRouter([get('/p/{proxy+}/x')]), /must be the last segment/);
    assert.throws(() => createRouter([get('products')]), /must start with \//);
    assert.throws(() => createRouter([get('/p/{id')]), /Bad segment/);
  });
});
