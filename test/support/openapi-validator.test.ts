import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import document from '../../docs/openapi.json' with { type: 'json' };
import { openApiValidator } from './openapi-validator.ts';

const item = {
  id: '01JZ0000000000000000000000',
  name: 'Mug',
  price: 3,
  version: 1,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};
const json = (extra: Record<string, string> = {}) =>
  new Headers({ 'Content-Type': 'application/json', ...extra });

describe('the response validator', () => {
  const validator = openApiValidator(document);
  const check = (
    status: number,
    headers: Headers,
    body: unknown,
    method = 'GET',
    path = `/products/${item.id}`,
  ) =>
    validator.check({ method, path, status, headers, text: body === undefined ? '' : JSON.stringify(body) });

  test('accepts a response the document describes', () => {
    assert.deepEqual(check(200, json({ ETag: '"1"' }), item), []);
    assert.deepEqual(check(204, new Headers(), undefined, 'DELETE'), []);
  });

  test('refuses an undescribed status, operation, media type, header or body', () => {
    assert.match(check(418, json({ ETag: '"1"' }), item).join(), /status not described/);
    assert.match(check(200, json(), item, 'HEAD').join(), /no such operation/);
    assert.match(check(200, json({ ETag: '"1"' }), item, 'GET', '/nothing').join(), /no such operation/);
    assert.match(check(200, json(), item).join(), /header ETag is missing/);
    assert.match(
      check(200, new Headers({ ETag: '"1"', 'Content-Type': 'text/html' }), item).join(),
      /media type/,
    );
    assert.match(check(200, json({ ETag: '"1"' }), { ...item, extra: 1 }).join(), /additional properties/);
    assert.match(
      check(503, new Headers({ 'Content-Type': 'application/problem+json' }), {}).join(),
      /Retry-After/,
    );
    assert.match(check(204, json(), { a: 1 }, 'DELETE').join(), /a body where/);
  });
});
