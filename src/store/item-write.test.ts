import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseTagList, type TagList } from '../domain/etag.ts';
import {
  conditionFor,
  fullWrite,
  UNCHANGED_COMPARISONS,
  unchangedCondition,
  type WriteCondition,
} from './item-write.ts';

const stamp = { now: 'T', revision: 'r9' };
const tags = (header: string) => parseTagList(header, 'test') as TagList;

test('sets given fields, removes the other declared ones, bumps the version and stores a revision', () => {
  const write = fullWrite({ name: 'n', price: 1 }, ['name', 'price', 'tags'], stamp, {});
  assert.match(
    write.UpdateExpression ?? '',
    /^SET #version = if_not_exists\(#version, :zero\) \+ :one, #revision = :revision, /,
  );
  assert.match(write.UpdateExpression ?? '', /#f0 = :f0, #f1 = :f1 REMOVE #f2$/);
  assert.equal(write.ConditionExpression, undefined);
  assert.equal(write.ExpressionAttributeValues?.[':revision'], 'r9');
  assert.deepEqual(write.ExpressionAttributeNames?.['#f2'], 'tags');
});

test('expresses each precondition against the stored revision, naming only what it uses', () => {
  const cases: [WriteCondition, string | undefined, Record<string, unknown>][] = [
    [{}, undefined, {}],
    [{ exists: true }, 'attribute_exists(#id)', {}],
    [{ preconditions: { ifMatch: tags('*') } }, 'attribute_exists(#id)', {}],
    [{ preconditions: { ifMatch: tags('"a", W/"b", "a"') } }, '#revision IN (:m0)', { ':m0': 'a' }],
    [
      { preconditions: { ifMatch: tags('W/"a"') } },
      'attribute_not_exists(#id) AND attribute_exists(#id)',
      {},
    ],
    [{ preconditions: { ifNoneMatch: tags('*') } }, 'attribute_not_exists(#id)', {}],
    [
      { preconditions: { ifNoneMatch: tags('"a", W/"b"') } },
      'NOT (#revision IN (:n0, :n1))',
      { ':n0': 'a', ':n1': 'b' },
    ],
    [
      { exists: true, preconditions: { ifMatch: tags('"a"'), ifNoneMatch: tags('W/"b"') } },
      'attribute_exists(#id) AND #revision IN (:m0) AND NOT (#revision IN (:n0))',
      { ':m0': 'a', ':n0': 'b' },
    ],
    [{ revision: 'r1' }, '#revision = :expected', { ':expected': 'r1' }],
    // Items written before revisions were stored: their tag is their version, `v3`.
    [{ revision: 'v3' }, 'attribute_not_exists(#revision) AND #version = :expected', { ':expected': 3 }],
    [
      { preconditions: { ifMatch: tags('"v3", "a"') } },
      '(#revision IN (:m0) OR (attribute_not_exists(#revision) AND #version IN (:mv0)))',
      { ':m0': 'a', ':mv0': 3 },
    ],
    [
      { preconditions: { ifNoneMatch: tags('"v3", "a"') } },
      'NOT (#revision IN (:n0) OR (attribute_not_exists(#revision) AND #version IN (:nv0)))',
      { ':n0': 'a', ':nv0': 3 },
    ],
    [
      { preconditions: { ifNoneMatch: tags('W/"v2"') } },
      // DynamoDB refuses redundant parentheses (ValidationException): none around a lone alternative.
      'NOT (attribute_not_exists(#revision) AND #version IN (:nv0))',
      { ':nv0': 2 },
    ],
  ];
  for (const [condition, expression, expectedValues] of cases) {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    assert.equal(conditionFor(condition, names, values), expression, JSON.stringify(condition));
    assert.deepEqual(values, expectedValues);
    const used = new Set(expression?.match(/#\w+/g) ?? []);
    assert.deepEqual(new Set(Object.keys(names)), used, 'every name is used, and only those');
  }
});

test('an item no handler wrote is written only while every stored value is as read', () => {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const stored = {
    id: 'a',
    name: 'x',
    n: 1,
    tags: ['p', 'q'],
    size: { h: 1 },
    set: new Set(['s']),
    gone: null,
  };
  assert.equal(
    conditionFor({ unchanged: stored }, names, values),
    'attribute_exists(#id) AND attribute_not_exists(#revision) AND #u0 = :u6 AND #u1 = :u7 AND ' +
      'size(#u2) = :u8 AND size(#u3) = :u10 AND #u4 = :u11 AND #u5 = :u12 AND ' +
      '#u2[0] = :u13 AND #u2[1] = :u14 AND #u3.#u9 = :u15',
  );
  assert.deepEqual(names, {
    '#id': 'id',
    '#revision': 'revision',
    '#u0': 'name',
    '#u1': 'n',
    '#u2': 'tags',
    '#u3': 'size',
    '#u4': 'set',
    '#u5': 'gone',
    '#u9': 'h',
  });
  assert.deepEqual(values, {
    ':u6': 'x',
    ':u7': 1,
    ':u8': 2,
    ':u10': 1,
    ':u11': new Set(['s']),
    ':u12': null,
    ':u13': 'p',
    ':u14': 'q',
    ':u15': 1,
  });
});

test('compares at most UNCHANGED_COMPARISONS values one by one, the rest by their list size', () => {
  const values: Record<string, unknown> = {};
  const expression = unchangedCondition({ id: 'a', many: Array(500).fill(1) }, {}, values) ?? '';
  assert.equal(expression, 'attribute_not_exists(#revision) AND size(#u0) = :u1');
  const some = unchangedCondition({ id: 'a', few: Array(UNCHANGED_COMPARISONS - 1).fill(1) }, {}, {});
  assert.equal(some.split(' AND ').length, 1 + 1 + (UNCHANGED_COMPARISONS - 1));
});
