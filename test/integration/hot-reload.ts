import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import type { EngineName } from '#local/dynamodb/start-dynamodb.ts';
import type { ReloadEvent } from '#local/hot-reload.ts';
import { type LocalSystem, startLocalSystem } from '#local/start-local-system.ts';
import { PROJECT_ROOT } from '#src/declaration/load-services.ts';

/** A declaration of one GET function (its handler in a folder beside, all under test/tmp/). */
export function declaration(name: string, route: string, handler: string): string {
  return [
    "import { allow } from '#src/declaration/access.ts';",
    "import { defineService } from '#src/declaration/define-service.ts';",
    'export default defineService({',
    `  name: '${name}',`,
    `  table: { name: '${name}', partitionKey: 'id' },`,
    `  functions: [{ name: '${name}-say', method: 'GET', path: '${route}', handler: '${handler}', actions: [], access: allow.public() }],`,
    '});',
    '',
  ].join('\n');
}

export const handlerSource = (word: string) =>
  `export function makeHandler() {\n  return async () => ({ statusCode: 200, body: ${JSON.stringify(word)} });\n}\n`;

/** Polls `check` until it holds (a reload is asynchronous), failing after `ms`. */
export async function eventually(what: string, check: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.fail(`${what} did not happen within ${ms} ms`);
}

/**
 * Hot reload against one engine: a temporary copy of a service (declaration and handler under
 * test/tmp/) is edited while the system runs, as a developer edits `services/` and `src/`.
 */
export function defineHotReloadSuite(engine: Exclude<EngineName, 'external'>): void {
  describe(`hot reload on ${engine}`, { timeout: 180_000 }, () => {
    let dir: string;
    let services: string;
    let handlers: string;
    let relative: string;
    let system: LocalSystem;
    const events: ReloadEvent[] = [];
    const get = async (route: string) => {
      const response = await fetch(`${system.url}${route}`);
      return { status: response.status, text: await response.text() };
    };

    before(async () => {
      await mkdir(path.join(PROJECT_ROOT, 'test', 'tmp'), { recursive: true });
      dir = await mkdtemp(path.join(PROJECT_ROOT, 'test', 'tmp', 'reload-'));
      services = path.join(dir, 'services');
      handlers = path.join(dir, 'handlers');
      await mkdir(services);
      await mkdir(handlers);
      relative = path.relative(PROJECT_ROOT, handlers);
      await writeFile(path.join(handlers, 'say.ts'), handlerSource('hello'));
      await writeFile(path.join(services, 'echo.ts'), declaration('echo', '/say', `${relative}/say.ts`));
      system = await startLocalSystem({
        port: 0,
        engine,
        dataDir: dir,
        inMemory: true,
        logLevel: 'INFO',
        logSink: { write: () => {} },
        servicesDirs: [services],
        onReload: (event) => events.push(event),
      });
    });
    after(async () => {
      await system?.stop();
      await rm(dir, { recursive: true, force: true });
    });

    test('serves an edited handler without a restart, from a new instance', async () => {
      assert.deepEqual(await get('/say'), { status: 200, text: 'hello' });
      const coldStarts = system.stats()['echo-say']?.coldStarts ?? 0;
      await writeFile(path.join(handlers, 'say.ts'), handlerSource('bonjour'));
      await eventually('the edit being served', async () => (await get('/say')).text === 'bonjour');
      assert.equal(system.stats()['echo-say']?.coldStarts, coldStarts + 1);
      assert.ok(events.some((e) => e.kind === 'reloaded' && e.functions.includes('echo-say')));
    });

    test('keeps serving the previous build and reports a broken edit once', async () => {
      const failuresBefore = events.filter((e) => e.kind === 'failed').length;
      await writeFile(path.join(handlers, 'say.ts'), 'export function makeHandler( {\n');
      await eventually(
        'the failure report',
        async () => events.filter((e) => e.kind === 'failed').length > failuresBefore,
      );
      const failure = events.findLast((e) => e.kind === 'failed');
      assert.match(failure?.kind === 'failed' ? failure.message : '', /say\.ts:\d+:\d+/);
      assert.deepEqual(await get('/say'), { status: 200, text: 'bonjour' });
      // Saving the same broken file again reports nothing new.
      await writeFile(path.join(handlers, 'say.ts'), 'export function makeHandler( {\n');
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      assert.equal(events.filter((e) => e.kind === 'failed').length, failuresBefore + 1);
      await writeFile(path.join(handlers, 'say.ts'), handlerSource('hallo'));
      await eventually('the fixed edit being served', async () => (await get('/say')).text === 'hallo');
    });

    test('serves a declaration file added while running, with its own table', async () => {
      assert.equal((await get('/shout')).status, 403);
      const reloads = events.length;
      await writeFile(path.join(handlers, 'shout.ts'), handlerSource('HEY'));
      await writeFile(path.join(services, 'loud.ts'), declaration('loud', '/shout', `${relative}/shout.ts`));
      await eventually('the new route', async () => (await get('/shout')).status === 200);
      assert.ok(events.slice(reloads).some((e) => e.kind === 'reloaded' && e.readDeclarations));
      assert.deepEqual(await get('/shout'), { status: 200, text: 'HEY' });
      assert.deepEqual(await get('/say'), { status: 200, text: 'hallo' });
      const admin = new DynamoDBClient({
        region: 'us-east-1',
        endpoint: system.dynamodb.endpoint,
        credentials: { accessKeyId: 'LOCALTEST', secretAccessKey: 'local' },
      });
      try {
        const { TableNames = [] } = await admin.send(new ListTablesCommand({}));
        assert.deepEqual(TableNames.sort(), ['echo', 'loud']);
      } finally {
        admin.destroy();
      }
    });

    test('a typed resource added while running writes and reads its table under its own policy', async () => {
      const notes = [
        "import { z } from 'zod';",
        "import { allow } from '#src/declaration/access.ts';",
        "import { defineCrudResource } from '#src/declaration/crud-resource.ts';",
        'export default defineCrudResource({',
        "  name: 'notes',",
        '  item: z.strictObject({ text: z.string() }),',
        '  access: { read: allow.public(), write: allow.public() },',
        '});',
        '',
      ].join('\n');
      await writeFile(path.join(services, 'notes.ts'), notes);
      // Its functions sign as themselves: the local IAM check knows them once the policies are re-read.
      const post = () =>
        fetch(`${system.url}/notes`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ text: 'written after a reload' }),
        });
      await eventually(
        'the new resource accepting writes',
        async () => (await post()).status === 201,
        60_000,
      );
      const created = (await (await post()).json()) as { id: string };
      const read = await get(`/notes/${created.id}`);
      assert.equal(read.status, 200, read.text);
      assert.match(read.text, /written after a reload/);
    });

    test('a save that replaces the file (as many editors save) is served, and so are the saves after it', async () => {
      const file = path.join(services, 'echo.ts');
      // Written beside it, then renamed over it: the file gets a new inode.
      await writeFile(`${file}.tmp`, declaration('echo', '/speak', `${relative}/say.ts`));
      await rename(`${file}.tmp`, file);
      await eventually(
        'the replaced declaration being served',
        async () => (await get('/speak')).status === 200,
      );
      await writeFile(file, declaration('echo', '/say', `${relative}/say.ts`));
      await eventually('the next save being served', async () => (await get('/say')).status === 200);
      assert.equal((await get('/speak')).status, 403);
    });

    test('an edit rebuilds only the bundles that include the edited file', async () => {
      const reloads = events.length;
      await writeFile(path.join(handlers, 'shout.ts'), handlerSource('HEY!'));
      await eventually('the edit being served', async () => (await get('/shout')).text === 'HEY!');
      const reloaded = events.slice(reloads).filter((e) => e.kind === 'reloaded');
      assert.deepEqual([...new Set(reloaded.flatMap((e) => e.rebuilt))], ['loud-say']);
      // No declaration imports the handler, so the declarations were not read again.
      assert.deepEqual(
        reloaded.map((e) => e.readDeclarations),
        reloaded.map(() => false),
      );
    });
  });
}
