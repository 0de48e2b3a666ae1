import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InternalError, NotFoundError, ServiceUnavailableError } from '../domain/errors.ts';
import { problemInstance, problemResult } from './response.ts';

const URN = /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

test('the instance is a URI: the request id as a UUID URN, or a fresh one', () => {
  assert.equal(
    problemInstance('F88E38E3-2060-4A56-93C0-9EFBC6A659A0'),
    'urn:uuid:f88e38e3-2060-4a56-93c0-9efbc6a659a0',
  );
  for (const id of [undefined, '', 'req-1', 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef/x']) {
    assert.match(problemInstance(id), URN, String(id));
  }
});

test('shows the detail below 500; a 500 or 503 says nothing of its cause', () => {
  const id = 'f88e38e3-2060-4a56-93c0-9efbc6a659a0';
  const notFound = JSON.parse(problemResult(new NotFoundError('No item has the id "x".'), id).body);
  assert.equal(notFound.detail, 'No item has the id "x".');
  assert.equal(notFound.instance, `urn:uuid:${id}`);
  const internal = problemResult(new InternalError('db', new Error('AccessDeniedException: role/x')), id);
  assert.equal(internal.statusCode, 500);
  assert.doesNotMatch(internal.body, /AccessDenied|role|db/);
  const unavailable = problemResult(new ServiceUnavailableError('busy', 1, new Error('Throttling')), id);
  assert.equal(unavailable.statusCode, 503);
  assert.equal(unavailable.headers?.['Retry-After'], '1');
  assert.doesNotMatch(unavailable.body, /Throttling/);
});
