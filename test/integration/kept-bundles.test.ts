// `npm start` keeps the bundles it served, and a start with nothing changed serves them without
// building (dynalite: what is kept does not depend on the engine).
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type LocalSystem, startLocalSystem } from '#local/start-local-system.ts';
import { PROJECT_ROOT } from '#src/declaration/load-services.ts';
import { reloadEvents } from '../support/reload-events.ts';
import { declaration, handlerSource } from './hot-reload.ts';

describe('a start serves the bundles kept from the last one', { timeout: 120_000 }, () => {
  let dir: string;
  let handlers: string;
  let services: string;
  const systems: LocalSystem[] = [];
  const { events, onReload, next: nextReload } = reloadEvents();
  const start = async () => {
    const system = await startLocalSystem({
      port: 0,
      engine: 'dynalite',
      dataDir: dir,
      inMemory: true,
      logLevel: 'INFO',
      logSink: { write: () => {} },
      servicesDirs: [services],
      bundleCacheDir: path.join(dir, 'cache'),
      onReload,
    });
    systems.push(system);
    return system;
  };
  const get = async (system: LocalSystem, route: string) => (await fetch(`${system.url}${route}`)).text();

  before(async () => {
    await mkdir(path.join(PROJECT_ROOT, 'test', 'tmp'), { recursive: true });
    dir = await mkdtemp(path.join(PROJECT_ROOT, 'test', 'tmp', 'kept-'));
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

  test('the second start builds nothing, and its first edit rebuilds only what it reaches', async () => {
    const first = await start();
    assert.equal(first.bundlesFromCache, false);
    await first.stop();

    const second = await start();
    assert.equal(second.bundlesFromCache, true);
    assert.equal(await get(second, '/say'), 'hello');
    assert.equal(await get(second, '/shout'), 'HEY');
    // The build context fills in the background once nothing is in flight, so that the edit is
    // as quick to rebuild as any other.
    await second.bundlesWarmed;
    assert.equal(events.length, 0, 'the fill found the kept bundles as they are built: nothing was swapped');
    const served = nextReload((e) => e.kind === 'reloaded' && e.functions.includes('echo-say'));
    await writeFile(path.join(handlers, 'say.ts'), handlerSource('bonjour'));
    await served;
    assert.equal(await get(second, '/say'), 'bonjour');
    const reloads = events.filter((e) => e.kind === 'reloaded');
    assert.deepEqual(
      reloads.map((e) => e.rebuilt),
      [['echo-say']],
    );
    await second.stop();

    // What the reload served was kept.
    const third = await start();
    assert.equal(third.bundlesFromCache, true);
    assert.equal(await get(third, '/say'), 'bonjour');
    // An edit made before the context is filled is served too (that reload builds every bundle).
    const shouted = nextReload((e) => e.kind === 'reloaded' && e.functions.includes('loud-say'));
    await writeFile(path.join(handlers, 'shout.ts'), handlerSource('HO'));
    await shouted;
    assert.equal(await get(third, '/shout'), 'HO');
    await third.bundlesWarmed;
  });
});
