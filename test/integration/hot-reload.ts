import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rename, rm, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import type { EngineName } from '#local/dynamodb/engines/engine.ts';
import type { ReloadEvent } from '#local/hot-reload.ts';
import { type LocalSystem, startLocalSystem } from '#local/start-local-system.ts';
import { DEFAULT_API_SETTINGS } from '#src/declaration/api-settings.ts';
import { LOCAL_IDEMPOTENCY_TABLE } from '#src/declaration/idempotency.ts';
import { PROJECT_ROOT } from '#src/declaration/load-services.ts';
import { reloadEvents } from '../support/reload-events.ts';

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

/** A typed resource whose writes need a token and a body its model accepts: the stage's rules at work. */
const memos = [
  "import { z } from 'zod';",
  "import { allow } from '#src/declaration/access.ts';",
  "import { defineCrudResource } from '#src/declaration/crud-resource.ts';",
  'export default defineCrudResource({',
  "  name: 'memos',",
  '  item: z.strictObject({ text: z.string().min(1) }),',
  '  access: { read: allow.public(), write: allow.signedIn() },',
  '});',
  '',
].join('\n');

/** A stage throttle low enough to reach with a handful of preflights, high enough for the polling here. */
const api = { ...DEFAULT_API_SETTINGS, throttlingRateLimit: 50, throttlingBurstLimit: 50 };

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
    let token: string;
    const { events, onReload, next: nextReload } = reloadEvents();
    const reloaded = (event: ReloadEvent) => event.kind === 'reloaded';
    const firstFailures = () => events.filter((e) => e.kind === 'failed' && !e.repeated).length;
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
      await writeFile(path.join(services, 'memos.ts'), memos);
      system = await startLocalSystem({
        port: 0,
        engine,
        dataDir: dir,
        inMemory: true,
        logLevel: 'INFO',
        logSink: { write: () => {} },
        servicesDirs: [services],
        api,
        throttleClock,
        onReload,
      });
      token = await system.userPool.mint({ user: 'memo-writer' });
    });
    after(async () => {
      await system?.stop();
      await rm(dir, { recursive: true, force: true });
    });

    /**
     * The stage's rules, checked the same way at every point: the gateway (not the function)
     * answers a body that fails its model and a POST with no body, preflights, 401 without a
     * token and 429 over the burst; the routes match as declared.
     */
    // The throttle's clock runs, and each throttle check moves it a minute on: the bucket is full
    // again, and the requests after it are admitted without waiting for the refill.
    // While a burst arrives the clock stands still, so however slowly the machine delivers the
    // requests, the bucket does not refill under them.
    let clockOffset = 0;
    let frozenAt: number | undefined;
    const throttleClock = () => frozenAt ?? performance.now() + clockOffset;
    const stageRulesHold = async (when: string) => {
      clockOffset += 60_000; // a full bucket
      const post = (body: string | undefined, headers: Record<string, string>) =>
        fetch(`${system.url}/memos`, { method: 'POST', headers, ...(body === undefined ? {} : { body }) });
      const signed = { Authorization: token };
      const json = { ...signed, 'Content-Type': 'application/json' };
      const invalid = await post(JSON.stringify({ text: '' }), json);
      assert.equal(invalid.status, 400, `${when}: a body failing its model`);
      assert.equal(invalid.headers.get('content-type'), 'application/problem+json', when);
      const problem = (await invalid.json()) as { type: string; detail: string };
      // The stage's BAD_REQUEST_BODY (type about:blank), not the function's own 400.
      assert.equal(problem.type, 'about:blank', `${when}: answered by the gateway`);
      assert.equal(problem.detail, 'Invalid request body', when);
      const empty = await post(undefined, signed);
      assert.equal(empty.status, 400, `${when}: a POST with no body (the function would answer 415)`);
      assert.equal(((await empty.json()) as { type: string }).type, 'about:blank', when);
      const preflight = await fetch(`${system.url}/memos/m1`, {
        method: 'OPTIONS',
        headers: { Origin: 'http://localhost:5173', 'Access-Control-Request-Method': 'PUT' },
      });
      await preflight.arrayBuffer();
      assert.equal(preflight.status, 204, `${when}: preflight`);
      assert.equal(preflight.headers.get('access-control-allow-origin'), '*', when);
      const unsigned = await post(JSON.stringify({ text: 'x' }), { 'Content-Type': 'application/json' });
      assert.equal(unsigned.status, 401, `${when}: no token`);
      assert.equal(await unsigned.text(), '{"message":"Unauthorized"}', when);
      const listed = await fetch(`${system.url}/memos?limit=1`);
      await listed.arrayBuffer();
      assert.equal(listed.status, 200, `${when}: a declared route`);
      const unknown = await fetch(`${system.url}/nowhere`);
      await unknown.arrayBuffer();
      assert.equal(unknown.status, 403, `${when}: an unknown route`);
      // Twice the burst at once (preflights: no function runs) must find the bucket empty.
      frozenAt = throttleClock();
      const burst = await Promise.all(
        Array.from({ length: api.throttlingBurstLimit * 2 }, () =>
          fetch(`${system.url}/memos`, { method: 'OPTIONS' }).then(async (response) => ({
            status: response.status,
            text: await response.text(),
          })),
        ),
      );
      frozenAt = undefined;
      const throttled = burst.filter((reply) => reply.status === 429);
      // At most a bucketful is admitted: the other half at least is throttled.
      assert.ok(throttled.length >= api.throttlingBurstLimit, `${when}: throttled over the burst`);
      assert.equal(throttled[0]?.text, '{"message":"Too Many Requests"}', when);
      clockOffset += 60_000;
    };

    test('the stage rules hold at start', async () => {
      await stageRulesHold('at start');
    });

    test('serves an edited handler without a restart, from a new instance', async () => {
      assert.deepEqual(await get('/say'), { status: 200, text: 'hello' });
      const coldStarts = system.stats()['echo-say']?.coldStarts ?? 0;
      const swapped = nextReload((e) => reloaded(e) && e.functions.includes('echo-say'));
      await writeFile(path.join(handlers, 'say.ts'), handlerSource('bonjour'));
      await swapped;
      assert.deepEqual(await get('/say'), { status: 200, text: 'bonjour' });
      assert.equal(system.stats()['echo-say']?.coldStarts, coldStarts + 1);
    });

    test('keeps serving the previous build and reports a broken edit once', async () => {
      const failuresBefore = firstFailures();
      const failing = nextReload((e) => e.kind === 'failed');
      await writeFile(path.join(handlers, 'say.ts'), 'export function makeHandler( {\n');
      const failure = await failing;
      assert.equal(failure.kind === 'failed' && failure.repeated, false);
      assert.match(failure.kind === 'failed' ? failure.message : '', /say\.ts:\d+:\d+/);
      assert.deepEqual(await get('/say'), { status: 200, text: 'bonjour' });
      // Saving the same broken file again is tried, and marked as the failure already reported.
      const again = nextReload((e) => e.kind === 'failed');
      await writeFile(path.join(handlers, 'say.ts'), 'export function makeHandler( {\n');
      assert.deepEqual(await again, {
        kind: 'failed',
        message: failure.kind === 'failed' ? failure.message : '',
        repeated: true,
      });
      assert.equal(firstFailures(), failuresBefore + 1);
      const fixed = nextReload((e) => reloaded(e) && e.functions.includes('echo-say'));
      await writeFile(path.join(handlers, 'say.ts'), handlerSource('hallo'));
      await fixed;
      assert.deepEqual(await get('/say'), { status: 200, text: 'hallo' });
    });

    test('serves a declaration file added while running, with its own table', async () => {
      assert.equal((await get('/shout')).status, 403);
      const added = nextReload((e) => reloaded(e) && e.readDeclarations && e.functions.includes('loud-say'));
      await writeFile(path.join(handlers, 'shout.ts'), handlerSource('HEY'));
      await writeFile(path.join(services, 'loud.ts'), declaration('loud', '/shout', `${relative}/shout.ts`));
      await added;
      assert.deepEqual(await get('/shout'), { status: 200, text: 'HEY' });
      assert.deepEqual(await get('/say'), { status: 200, text: 'hallo' });
      const admin = new DynamoDBClient({
        region: 'us-east-1',
        endpoint: system.dynamodb.endpoint,
        credentials: { accessKeyId: 'LOCALTEST', secretAccessKey: 'local' },
      });
      try {
        const { TableNames = [] } = await admin.send(new ListTablesCommand({}));
        // The declared tables, and the records of idempotent creates (memos has a create).
        assert.deepEqual(TableNames.sort(), ['echo', LOCAL_IDEMPOTENCY_TABLE, 'loud', 'memos'].sort());
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
      const added = nextReload(
        (e) => reloaded(e) && e.readDeclarations && e.functions.includes('notes-create'),
      );
      await writeFile(path.join(services, 'notes.ts'), notes);
      await added;
      // Its functions sign as themselves: the local IAM check knew them before the reload was served.
      const post = () =>
        fetch(`${system.url}/notes`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ text: 'written after a reload' }),
        });
      const response = await post();
      assert.equal(response.status, 201);
      const created = (await response.json()) as { id: string };
      const read = await get(`/notes/${created.id}`);
      assert.equal(read.status, 200, read.text);
      assert.match(read.text, /written after a reload/);
    });

    test('a save that replaces the file (as many editors save) is served, and so are the saves after it', async () => {
      const file = path.join(services, 'echo.ts');
      // Written beside it, then renamed over it: the file gets a new inode.
      const replaced = nextReload((e) => reloaded(e) && e.readDeclarations);
      await writeFile(`${file}.tmp`, declaration('echo', '/speak', `${relative}/say.ts`));
      await rename(`${file}.tmp`, file);
      await replaced;
      assert.equal((await get('/speak')).status, 200);
      const saved = nextReload((e) => reloaded(e) && e.readDeclarations);
      await writeFile(file, declaration('echo', '/say', `${relative}/say.ts`));
      await saved;
      assert.equal((await get('/say')).status, 200);
      assert.equal((await get('/speak')).status, 403);
    });

    test('an edit rebuilds only the bundles that include the edited file', async () => {
      const edited = nextReload((e) => reloaded(e) && e.functions.includes('loud-say'));
      await writeFile(path.join(handlers, 'shout.ts'), handlerSource('HEY!'));
      const event = await edited;
      assert.deepEqual(await get('/shout'), { status: 200, text: 'HEY!' });
      assert.deepEqual(event.kind === 'reloaded' && event.rebuilt, ['loud-say']);
      // No declaration imports the handler, so the declarations were not read again.
      assert.equal(event.kind === 'reloaded' && event.readDeclarations, false);
    });

    test('the stage rules hold after every kind of reload: an edit, an added and a removed service, a build error and its fix', async () => {
      await stageRulesHold('after the reloads above');
      const edited = nextReload((e) => reloaded(e) && e.readDeclarations);
      await writeFile(path.join(services, 'memos.ts'), `// edited\n${memos}`);
      await edited;
      await stageRulesHold('after a declaration was edited');
      const handlerEdited = nextReload((e) => reloaded(e) && e.functions.includes('echo-say'));
      await writeFile(path.join(handlers, 'say.ts'), handlerSource('ciao'));
      await handlerEdited;
      await stageRulesHold('after a handler was edited');
      const added = nextReload((e) => reloaded(e) && e.readDeclarations);
      await writeFile(path.join(handlers, 'extra.ts'), handlerSource('extra'));
      await writeFile(
        path.join(services, 'extra.ts'),
        declaration('extra', '/extra', `${relative}/extra.ts`),
      );
      await added;
      assert.deepEqual(await get('/extra'), { status: 200, text: 'extra' });
      await stageRulesHold('after a service was added');
      const removed = nextReload((e) => reloaded(e) && e.readDeclarations);
      await unlink(path.join(services, 'extra.ts'));
      await removed;
      assert.equal((await get('/extra')).status, 403);
      await stageRulesHold('after a service was removed');
      const broken = nextReload((e) => e.kind === 'failed');
      await writeFile(path.join(services, 'memos.ts'), `${memos}export const broken = ;\n`);
      await broken;
      await stageRulesHold('while a build error is reported');
      const fixed = nextReload((e) => reloaded(e) && e.readDeclarations);
      await writeFile(path.join(services, 'memos.ts'), memos);
      await fixed;
      await stageRulesHold('after the build error was fixed');
    });
  });
}
