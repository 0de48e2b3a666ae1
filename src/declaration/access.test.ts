import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { z } from 'zod';
import { allow, decodeAccessRule, effectiveAccess, encodeAccessRule, needsToken } from './access.ts';
import { defineCrudResource } from './crud-resource.ts';
import { defineService } from './define-service.ts';

const item = z.strictObject({ text: z.string() });

describe('access rules in declarations', () => {
  test('a function without a rule fails at load, naming it (deny by default)', () => {
    assert.throws(
      () =>
        defineService({
          name: 'bare',
          table: { name: 'bare', partitionKey: 'id' },
          // @ts-expect-error: the type demands a rule; a JavaScript declaration may still leave it out.
          functions: [{ name: 'bare-get', method: 'GET', path: '/bare', handler: 'h.ts', actions: [] }],
        }),
      /bare-get has no access rule: operations are denied unless/,
    );
  });

  test('a typed resource needs a rule for each operation; read and write cover them, a named one wins', () => {
    assert.throws(
      () => defineCrudResource({ name: 'notes', item, access: { read: allow.signedIn() } }),
      /create has no access rule.*replace has no access rule.*update has no access rule.*delete has no access rule/,
    );
    const notes = defineCrudResource({
      name: 'notes',
      item,
      access: { read: allow.public(), write: allow.groups('editors'), delete: allow.groups('admin') },
    });
    const rules = Object.fromEntries(notes.functions.map((fn) => [fn.name, encodeAccessRule(fn.access)]));
    assert.deepEqual(rules, {
      'notes-create': 'groups:editors',
      'notes-get': 'public',
      'notes-replace': 'groups:editors',
      'notes-update': 'groups:editors',
      'notes-delete': 'groups:admin',
      'notes-list': 'public',
    });
    assert.equal(notes.ownerScoped, undefined);
    assert.deepEqual(notes.table, { name: 'notes', partitionKey: 'id' });
  });

  test('owner rules key the table by owner and list with Query; they must cover every operation', () => {
    const mine = defineCrudResource({
      name: 'mine',
      item,
      access: { read: allow.owner(), write: allow.owner() },
    });
    assert.equal(mine.ownerScoped, true);
    assert.deepEqual(mine.table, { name: 'mine', partitionKey: 'owner', sortKey: 'id' });
    assert.deepEqual(mine.functions.find((fn) => fn.name === 'mine-list')?.actions, ['dynamodb:Query']);
    assert.throws(
      () =>
        defineCrudResource({ name: 'half', item, access: { read: allow.signedIn(), write: allow.owner() } }),
      /allow.owner\(\) keys the table by owner, so it must be the rule of every operation/,
    );
    assert.throws(
      () =>
        defineService({
          name: 'plain',
          table: { name: 'plain', partitionKey: 'id' },
          functions: [
            {
              name: 'plain-get',
              method: 'GET',
              path: '/p',
              handler: 'h.ts',
              actions: [],
              access: allow.owner(),
            },
          ],
        }),
      /needs an owner-scoped table/,
    );
    assert.throws(
      () =>
        defineCrudResource({
          name: 'owner',
          item: z.strictObject({ owner: z.string() }),
          access: { read: allow.owner(), write: allow.owner() },
        }),
      /owner are system fields/,
    );
  });

  test('group names are checked, and none is not a rule', () => {
    const fn = (access: unknown) => () =>
      defineService({
        name: 'g',
        table: { name: 'ggg', partitionKey: 'id' },
        functions: [
          { name: 'g-get', method: 'GET', path: '/g', handler: 'h.ts', actions: [], access: access as never },
        ],
      });
    assert.throws(fn({ allow: 'groups', groups: [] }), /allows groups but names none/);
    assert.throws(fn({ allow: 'groups', groups: ['a,b'] }), /invalid group/);
    assert.throws(fn({ allow: 'everyone' }), /unknown access rule "everyone"/);
  });

  test('openTutorial opens only rules declared publicWhen it, and only when on', () => {
    const rule = allow.groups('admin').publicWhen('openTutorial');
    assert.deepEqual(effectiveAccess(rule, { openTutorial: false }), {
      allow: 'groups',
      groups: ['admin'],
      publicWhen: 'openTutorial',
    });
    assert.deepEqual(effectiveAccess(rule, { openTutorial: true }), { allow: 'public' });
    assert.deepEqual(effectiveAccess(allow.groups('admin'), { openTutorial: true }), {
      allow: 'groups',
      groups: ['admin'],
    });
    assert.equal(needsToken(effectiveAccess(rule, { openTutorial: true })), false);
    assert.equal(needsToken(allow.signedIn()), true);
  });

  test('the rule travels to the function as one variable and back; anything else stops the function', () => {
    for (const rule of [allow.public(), allow.signedIn(), allow.owner(), allow.groups('admin', 'ops')]) {
      assert.deepEqual(decodeAccessRule(encodeAccessRule(rule)), { ...rule });
    }
    for (const bad of [undefined, '', 'groups:', 'admin', 'PUBLIC']) {
      assert.throws(() => decodeAccessRule(bad), /ACCESS_RULE/);
    }
  });
});
