// `npm start` with no bundle kept builds none before it serves: each function's bundle is built at
// its first request, the others once nothing is in flight (dynalite: the build does not depend on
// the engine).
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type LocalSystem, startLocalSystem } from '#local/start-local-system.ts';
import { DEFAULT_SERVICES_DIR, PROJECT_ROOT } from '#src/declaration/load-services.ts';
import { reloadEvents } from '../support/reload-events.ts';
import { declaration, handlerSource } from './hot-reload.ts';

describe('a start with no bundle kept builds each at its first request', { timeout: 120_000 }, () => {
  let dir: string;
  let handlers: string;
  let services: string;
  const systems: LocalSystem[] = [];
  const { events, onReload, next: nextReload } = reloadEvents();
  const start = async (servicesDir: string) => {
    const system = await startLocalSystem({
      port: 0,
      engine: 'dynalite',
      dataDir: dir,
      inMemory: true,
      logLevel: 'INFO',
      logSink: { write: () => {} },
      servicesDirs: [servicesDir],
      bundleCacheDir: path.join(dir, 'cache'),
      deferBuild: true,
      onReload,
      notice: () => {},
    });
    systems.push(system);
    return system;
  };
  const get = (system: LocalSystem, route: string) => fetch(`${system.url}${route}`);

  before(async () => {
    await mkdir(path.join(PROJECT_ROOT, 'test', 'tmp'), { recursive: true });
    dir = await mkdtemp(path.join(PROJECT_ROOT, 'test', 'tmp', 'deferred-'));
    services = path.join(dir, 'services');
    handlers = path.join(dir, 'handlers');
    await mkdir(services);
    await mkdir(handlers);
    const relative = path.relative(PROJECT_ROOT, handlers);
    await writeFile(path.join(handlers, 'say.ts'), handlerSource('hello'));
    await writeFile(path.join(handlers, 'shout.ts'), handlerSource('HEY'));
    await writeFile(path.join(services, 'echo.ts'), declaration('echo', '/say', `${relative}/say.ts`));
    await writeFile(path.join(services, 'loud.ts'), declaration('loud', '/shout', `${relative}/shout.ts`));
  });
  after(async () => {
    for (const system of systems) await system.stop();
    await rm(dir, { recursive: true, force: true });
  });

  test('the first request waits for its bundle, the rest fill in, and an edit rebuilds what it reaches', async () => {
    const first = await start(services);
    assert.equal(first.bundlesDeferred, true);
    assert.equal(first.bundlesFromCache, false);
    // Requests that come together wait for the same build.
    const answers = await Promise.all([get(first, '/say'), get(first, '/say')]);
    assert.deepEqual(await Promise.all(answers.map((res) => res.text())), ['hello', 'hello']);
    await first.bundlesWarmed;
    assert.deepEqual(events, [], 'building a bundle for the first time is not reported as a reload');
    assert.equal(await (await get(first, '/shout')).text(), 'HEY');
    const served = nextReload((e) => e.kind === 'reloaded' && e.functions.includes('echo-say'));
    await writeFile(path.join(handlers, 'say.ts'), handlerSource('bonjour'));
    const reload = await served;
    assert.deepEqual(reload.kind === 'reloaded' && reload.rebuilt, ['echo-say']);
    assert.equal(await (await get(first, '/say')).text(), 'bonjour');
    await first.stop();

    // The filled build was kept: the next start builds nothing and defers nothing.
    const second = await start(services);
    assert.equal(second.bundlesFromCache, true);
    assert.equal(second.bundlesDeferred, false);
    assert.equal(await (await get(second, '/say')).text(), 'bonjour');
    await second.stop();
  });

  test('a bundle that does not build fails its request as a broken function does, and the fix serves it', async () => {
    const brokenServices = path.join(dir, 'broken-services');
    await mkdir(brokenServices);
    const oops = path.join(handlers, 'oops.ts');
    await writeFile(oops, 'export function makeHandler( {\n');
    await writeFile(
      path.join(brokenServices, 'oops.ts'),
      declaration('oops', '/oops', `${path.relative(PROJECT_ROOT, handlers)}/oops.ts`),
    );
    const system = await start(brokenServices);
    assert.equal(system.bundlesDeferred, true);
    const failed = nextReload((e) => e.kind === 'failed');
    // API Gateway's answer to a function that cannot run; the cause goes to the terminal only.
    const res = await get(system, '/oops');
    assert.equal(res.status, 502);
    assert.deepEqual(await res.json(), { message: 'Internal server error' });
    const event = await failed;
    assert.match(event.kind === 'failed' ? event.message : '', /oops\.ts/);

    const fixed = nextReload((e) => e.kind === 'reloaded' && e.functions.includes('oops-say'));
    await writeFile(oops, handlerSource('fixed'));
    await fixed;
    assert.equal(await (await get(system, '/oops')).text(), 'fixed');
  });

  test("a log level switched in the console before a function's first request is the level it runs at", async () => {
    const lines: string[] = [];
    let reported: () => void = () => {};
    const report = new Promise<void>((resolve) => {
      reported = resolve;
    });
    const system = await startLocalSystem({
      port: 0,
      engine: 'dynalite',
      dataDir: dir,
      inMemory: true,
      logLevel: 'INFO',
      logSink: {
        write: (fn, line) => {
          if (fn !== 'products-get') return;
          lines.push(line);
          if (line.startsWith('REPORT')) reported();
        },
      },
      servicesDirs: [DEFAULT_SERVICES_DIR],
      bundleCacheDir: path.join(dir, 'cache-levels'),
      deferBuild: true,
      onReload,
      notice: () => {},
      console: {},
    });
    systems.push(system);
    assert.equal(system.bundlesDeferred, true);
    const switched = await fetch(`${system.url}/_local/console/api/switches`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', 'x-console-secret': system.console?.secret ?? '' },
      body: JSON.stringify({ logLevel: 'WARN' }),
    });
    assert.equal(switched.status, 200);
    const token = await system.userPool.mint({ user: 'alice', groups: [] });
    const res = await fetch(`${system.url}/products/p1`, { headers: { authorization: token } });
    assert.equal(res.status, 404);
    await report;
    assert.ok(
      lines.some((line) => line.startsWith('START')),
      lines.join('\n'),
    );
    // At WARN the INFO line every request writes is dropped.
    assert.deepEqual(
      lines.filter((line) => line.includes('request completed')),
      [],
    );
  });
});
