import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fullWrite } from './item-write.ts';

test('sets given fields, removes the other declared ones and bumps the version', () => {
  const write = fullWrite({ name: 'n', price: 1 }, ['name', 'price', 'tags'], 'T', { kind: 'none' });
  assert.match(write.UpdateExpression ?? '', /^SET #version = if_not_exists\(#version, :zero\) \+ :one, /);
  assert.match(write.UpdateExpression ?? '', /#f0 = :f0, #f1 = :f1 REMOVE #f2$/);
  assert.equal(write.ConditionExpression, undefined);
  assert.deepEqual(write.ExpressionAttributeNames?.['#f2'], 'tags');
});

test('expresses each condition on id and version, naming only what it uses', () => {
  const absent = fullWrite({}, [], 'T', { kind: 'absent' });
  assert.equal(absent.ConditionExpression, 'attribute_not_exists(#id)');
  const version = fullWrite({}, [], 'T', { kind: 'version', version: 4 });
  assert.equal(version.ConditionExpression, '#version = :expected');
  assert.equal(version.ExpressionAttributeValues?.[':expected'], 4);
  assert.equal(version.ExpressionAttributeNames?.['#id'], undefined);
  const listed = fullWrite({}, [], 'T', { kind: 'if-match', precondition: { any: false, versions: [1, 2] } });
  assert.equal(listed.ConditionExpression, '#version IN (:m0, :m1)');
  const any = fullWrite({}, [], 'T', { kind: 'if-match', precondition: { any: true } });
  assert.equal(any.ConditionExpression, 'attribute_exists(#id)');
});
