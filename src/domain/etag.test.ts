import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BadRequestError } from './errors.ts';
import { etagOf, matchesIfMatch, parsePrecondition } from './etag.ts';

test('formats a version as a strong entity tag', () => {
  assert.equal(etagOf(3), '"3"');
});

test('parses *, single and listed tags, and ignores weak tags', () => {
  assert.deepEqual(parsePrecondition('*', 'If-Match'), { any: true });
  assert.deepEqual(parsePrecondition('"3"', 'If-Match'), { any: false, versions: [3] });
  assert.deepEqual(parsePrecondition(' "1" , W/"2", "5"', 'If-Match'), { any: false, versions: [1, 5] });
  assert.deepEqual(parsePrecondition('"abc"', 'If-Match'), { any: false, versions: [] });
  assert.equal(parsePrecondition(undefined, 'If-Match'), undefined);
});

test('refuses a malformed header with 400', () => {
  for (const header of ['3', '"3', 'W/3', '"1",', '']) {
    assert.throws(() => parsePrecondition(header, 'If-Match'), BadRequestError, header);
  }
});

test('matches If-Match against the current version', () => {
  assert.equal(matchesIfMatch({ any: false, versions: [2, 3] }, 3), true);
  assert.equal(matchesIfMatch({ any: false, versions: [2] }, 3), false);
  assert.equal(matchesIfMatch({ any: true }, 1), true);
  assert.equal(matchesIfMatch({ any: true }, undefined), false);
});
