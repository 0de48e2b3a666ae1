import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BadRequestError } from './errors.ts';
import {
  etagOf,
  evaluatePreconditions,
  ifMatchHolds,
  ifNoneMatchHolds,
  isContentRevision,
  legacyVersion,
  MAX_LISTED_TAGS,
  newRevision,
  type Preconditions,
  parseTagList,
  revisionOf,
  type TagList,
} from './etag.ts';

test('makes a new strong tag for every revision', () => {
  const revisions = new Set(Array.from({ length: 1000 }, newRevision));
  assert.equal(revisions.size, 1000);
  for (const revision of revisions) assert.match(etagOf(revision), /^"[A-Za-z0-9_-]{16}"$/);
});

test('gives an item no handler wrote a revision made from its content: strong, stable, never a revision', () => {
  const item = { id: 'a', name: 'x', tags: new Set(['b', 'a']), size: { h: 1, w: [2, 3] } };
  const revision = revisionOf(item, 'revision');
  assert.match(revision, /^c\.[A-Za-z0-9_-]{22}$/);
  assert.ok(isContentRevision(revision));
  assert.equal(legacyVersion(revision), undefined);
  const reordered = { size: { w: [2, 3], h: 1 }, tags: new Set(['a', 'b']), name: 'x', id: 'a' };
  assert.equal(revisionOf(reordered, 'revision'), revision, 'attribute order does not matter');
  for (const changed of [
    { ...item, name: 'y' },
    { ...item, size: { h: 1, w: [3, 2] } },
    { ...item, tags: new Set(['a']) },
    { ...item, extra: null },
    { ...item, version: 'three' },
    { ...item, version: 0 },
  ]) {
    assert.notEqual(revisionOf(changed, 'revision'), revision, JSON.stringify(changed));
    assert.ok(isContentRevision(revisionOf(changed, 'revision')));
  }
  assert.notEqual(revisionOf({ id: 'a', version: Number.NaN }, 'revision'), 'vNaN');
  assert.equal(isContentRevision(newRevision()), false);
  assert.equal(isContentRevision('v3'), false);
});

test('gives an item stored without a revision its version as revision, v3', () => {
  assert.equal(revisionOf({ revision: 'abc', version: 3 }, 'revision'), 'abc');
  assert.equal(revisionOf({ version: 3 }, 'revision'), 'v3');
  assert.equal(legacyVersion('v3'), 3);
  for (const revision of ['abc', 'v0', 'v', 'v3x', newRevision()]) {
    assert.equal(legacyVersion(revision), undefined, revision);
  }
});

test('parses *, single and listed tags, weak ones marked, empty list elements ignored', () => {
  const cases: [string | undefined, TagList | undefined][] = [
    [undefined, undefined],
    ['*', { any: true }],
    [' * ', { any: true }],
    ['"a"', { any: false, tags: [{ weak: false, opaque: 'a' }] }],
    ['W/"a"', { any: false, tags: [{ weak: true, opaque: 'a' }] }],
    ['""', { any: false, tags: [{ weak: false, opaque: '' }] }],
    [
      ' "a" , W/"b",, "c",',
      {
        any: false,
        tags: [
          { weak: false, opaque: 'a' },
          { weak: true, opaque: 'b' },
          { weak: false, opaque: 'c' },
        ],
      },
    ],
  ];
  for (const [header, expected] of cases) {
    assert.deepEqual(parseTagList(header, 'If-Match'), expected, header);
  }
});

test('refuses a malformed header with 400 naming it', () => {
  const tooMany = Array.from({ length: MAX_LISTED_TAGS + 1 }, (_, i) => `"${i}"`).join(',');
  for (const header of ['3', '"3', 'W/3', 'w/"3"', '"a b"', '"a"b"', '*, "a"', ',', '', ' ', tooMany]) {
    assert.throws(
      () => parseTagList(header, 'If-None-Match'),
      (error: unknown) => error instanceof BadRequestError && /If-None-Match/.test(error.message),
      header,
    );
  }
});

const list = (header: string) => parseTagList(header, 'test') as TagList;

test('If-Match compares strongly: a weak tag never matches; * needs a current item', () => {
  const cases: [string, string | undefined, boolean][] = [
    ['"r1"', 'r1', true],
    ['"r1"', 'r2', false],
    ['W/"r1"', 'r1', false],
    ['"r0", W/"r1", "r1"', 'r1', true],
    ['"r0", W/"r1"', 'r1', false],
    ['*', 'r1', true],
    ['*', undefined, false],
    ['"r1"', undefined, false],
  ];
  for (const [header, current, expected] of cases) {
    assert.equal(ifMatchHolds(list(header), current), expected, `${header} vs ${current}`);
  }
});

test('If-None-Match compares weakly: weak and strong tags both match', () => {
  const cases: [string, string | undefined, boolean][] = [
    ['"r1"', 'r1', false],
    ['W/"r1"', 'r1', false],
    ['"r0", W/"r2"', 'r1', true],
    ['"r1"', undefined, true],
    ['*', 'r1', false],
    ['*', undefined, true],
  ];
  for (const [header, current, expected] of cases) {
    assert.equal(ifNoneMatchHolds(list(header), current), expected, `${header} vs ${current}`);
  }
});

test('evaluates in the order of RFC 9110 §13.2.2: If-Match first, then If-None-Match (304 on reads)', () => {
  const cases: [Record<string, string>, string | undefined, 'read' | 'write', string][] = [
    [{}, 'r1', 'write', 'proceed'],
    [{ ifMatch: '"r1"' }, 'r1', 'write', 'proceed'],
    [{ ifMatch: '"r0"' }, 'r1', 'write', 'precondition-failed'],
    [{ ifMatch: '"r0"' }, 'r1', 'read', 'precondition-failed'],
    [{ ifNoneMatch: '"r1"' }, 'r1', 'read', 'not-modified'],
    [{ ifNoneMatch: 'W/"r1"' }, 'r1', 'read', 'not-modified'],
    [{ ifNoneMatch: '"r1"' }, 'r1', 'write', 'precondition-failed'],
    [{ ifNoneMatch: '"r0"' }, 'r1', 'read', 'proceed'],
    [{ ifNoneMatch: '*' }, undefined, 'write', 'proceed'],
    [{ ifNoneMatch: '*' }, 'r1', 'write', 'precondition-failed'],
    // Both: a failing If-Match decides first, even on a read whose If-None-Match would say 304.
    [{ ifMatch: '"r0"', ifNoneMatch: '"r1"' }, 'r1', 'read', 'precondition-failed'],
    [{ ifMatch: '"r1"', ifNoneMatch: '"r1"' }, 'r1', 'read', 'not-modified'],
    [{ ifMatch: '"r1"', ifNoneMatch: '"r1"' }, 'r1', 'write', 'precondition-failed'],
    [{ ifMatch: '"r1"', ifNoneMatch: '"r0"' }, 'r1', 'write', 'proceed'],
    [{ ifMatch: '*', ifNoneMatch: '*' }, 'r1', 'write', 'precondition-failed'],
  ];
  for (const [headers, current, kind, expected] of cases) {
    const preconditions: Preconditions = {
      ...(headers.ifMatch ? { ifMatch: list(headers.ifMatch) } : {}),
      ...(headers.ifNoneMatch ? { ifNoneMatch: list(headers.ifNoneMatch) } : {}),
    };
    assert.equal(
      evaluatePreconditions(preconditions, current, kind),
      expected,
      JSON.stringify({ headers, current, kind }),
    );
  }
});
