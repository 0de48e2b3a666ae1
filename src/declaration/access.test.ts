import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { z } from 'zod';
import {
  allow,
  decodeAccessRule,
  effectiveAccess,
  encodeAccessRule,
  GROUP_SEPARATOR,
  groupNameProblem,
  needsToken,
} from './access.ts';
import { defineCrudResource } from './crud-resource.ts';
import { defineService } from './define-service.ts';
import { loadServices } from './load-services.ts';

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
    assert.throws(fn({ allow: 'groups', groups: ['a b'] }), /not a Cognito group name/);
    assert.throws(
      fn({ allow: 'groups', groups: ['admin,ops'] }),
      /g-get names group "admin,ops", whose name holds ",": API Gateway passes a caller's groups joined by ","/,
    );
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

describe('group names and the separator API Gateway joins them with', () => {
  test('a name holding the separator, a space or nothing at all is refused; Cognito names pass', () => {
    assert.equal(GROUP_SEPARATOR, ',');
    for (const good of ['admin', 'Ops-Team_2', 'ÉQUIPE', 'a.b@c', '[admin]']) {
      assert.equal(groupNameProblem(good), undefined, good);
    }
    assert.match(groupNameProblem('admin,ops') ?? '', /holds ","/);
    for (const bad of ['', 'a b', 'tab\there', 'x'.repeat(129)]) {
      assert.match(groupNameProblem(bad) ?? '', /not a Cognito group name/, JSON.stringify(bad));
    }
  });

  test('the declaration loader refuses it, naming the file and the group', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sm-groups-'));
    try {
      const declarations = new URL('./define-service.ts', import.meta.url).href;
      const access = new URL('./access.ts', import.meta.url).href;
      await writeFile(
        path.join(dir, 'joined.ts'),
        `import { defineService } from '${declarations}';
import { allow } from '${access}';
export default defineService({
  name: 'joined',
  table: { name: 'joined', partitionKey: 'id' },
  functions: [{ name: 'joined-get', method: 'GET', path: '/joined', handler: 'h.ts', actions: [],
    access: allow.groups('admin,ops') }],
});
`,
      );
      await assert.rejects(loadServices([dir]), (error: Error) => {
        assert.match(error.message, new RegExp(`^${path.join(dir, 'joined.ts').replaceAll('/', '\\/')}: `));
        assert.match(error.message, /joined-get names group "admin,ops", whose name holds ","/);
        return true;
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
