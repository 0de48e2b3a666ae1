import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ServiceFunctions } from '#src/build/bundle-function.ts';
import { allow } from '#src/declaration/access.ts';
import { defineService } from '#src/declaration/define-service.ts';
import { loadServices, PROJECT_ROOT } from '#src/declaration/load-services.ts';
import { BundleCache } from './bundle-cache.ts';
import { IncrementalBundles } from './incremental-bundles.ts';

const handlerSource = (word: string) =>
  `export function makeHandler() {\n  return async () => ({ statusCode: 200, body: ${JSON.stringify(word)} });\n}\n`;

/** The project's services, and one more whose handler lives in a temporary file under test/tmp/. */
describe('incremental bundles rebuild only what a change reaches', { timeout: 120_000 }, () => {
  let outDir: string;
  let tmp: string;
  let sayFile: string;
  let services: ServiceFunctions[];
  let bundles: IncrementalBundles;
  const functionsOf = (handler: string) =>
    services.flatMap(({ service }) =>
      service.functions.filter((fn) => fn.handler === handler).map((fn) => fn.name),
    );
  const all = () => services.flatMap(({ service }) => service.functions.map((fn) => fn.name)).sort();

  before(async () => {
    outDir = await mkdtemp(path.join(os.tmpdir(), 'incremental-bundles-'));
    await mkdir(path.join(PROJECT_ROOT, 'test', 'tmp'), { recursive: true });
    tmp = await mkdtemp(path.join(PROJECT_ROOT, 'test', 'tmp', 'incremental-'));
    sayFile = path.join(tmp, 'say.ts');
    await writeFile(sayFile, handlerSource('hello'));
    const say = defineService({
      name: 'say',
      table: { name: 'say', partitionKey: 'id' },
      functions: [
        {
          name: 'say-get',
          method: 'GET',
          path: '/say',
          handler: path.relative(PROJECT_ROOT, sayFile),
          actions: [],
          access: allow.public(),
        },
      ],
    });
    services = [...(await loadServices()), { file: path.join(tmp, 'say-service.ts'), service: say }];
    bundles = new IncrementalBundles(outDir);
  });
  after(async () => {
    await bundles?.dispose();
    await rm(outDir, { recursive: true, force: true });
    await rm(tmp, { recursive: true, force: true });
  });

  test('the first build builds every bundle and lists their sources to watch', async () => {
    const built = await bundles.build(services);
    assert.deepEqual([...built.rebuilt].sort(), all());
    assert.deepEqual([...built.changed].sort(), all());
    assert.deepEqual([...built.bundles.keys()].sort(), all());
    assert.ok(built.inputs.includes(path.join(PROJECT_ROOT, 'src', 'handlers', 'get.ts')));
    assert.ok(built.inputs.includes(sayFile));
  });

  test('a changed handler file rebuilds the bundles that include it, and no other', async () => {
    const before = (await bundles.build(services, new Set())).bundles;
    const getHandler = path.join(PROJECT_ROOT, 'src', 'handlers', 'get.ts');
    const built = await bundles.build(services, new Set([getHandler]));
    assert.ok(functionsOf('src/handlers/get.ts').length >= 2);
    assert.deepEqual([...built.rebuilt].sort(), functionsOf('src/handlers/get.ts').sort());
    // Its content is the same, so nothing is swapped and every bundle keeps its file.
    assert.deepEqual(built.changed, []);
    for (const [name, bundle] of built.bundles) assert.equal(bundle, before.get(name), name);
  });

  test('a file no bundle includes rebuilds nothing; an unknown change rebuilds everything', async () => {
    assert.deepEqual(
      (await bundles.build(services, new Set([path.join(PROJECT_ROOT, 'README.md')]))).rebuilt,
      [],
    );
    assert.deepEqual([...(await bundles.build(services)).rebuilt].sort(), all());
  });

  test('an edited file gives its bundles a new file, the rest keep theirs', async () => {
    const before = (await bundles.build(services, new Set())).bundles;
    await writeFile(sayFile, handlerSource('bonjour'));
    const built = await bundles.build(services, new Set([sayFile]));
    assert.deepEqual(built.rebuilt, ['say-get']);
    assert.deepEqual(built.changed, ['say-get']);
    assert.notEqual(built.bundles.get('say-get')?.file, before.get('say-get')?.file);
    const { handler } = (await import(built.bundles.get('say-get')?.file ?? '')) as {
      handler: () => Promise<{ body: string }>;
    };
    assert.equal((await handler()).body, 'bonjour');
    for (const name of all().filter((n) => n !== 'say-get'))
      assert.equal(built.bundles.get(name), before.get(name));
  });

  test("a changed declaration rebuilds its own functions' bundles only", async () => {
    const renamed = services.map((s) =>
      s.service.name === 'products'
        ? { ...s, service: { ...s.service, table: { ...s.service.table, name: 'goods' } } }
        : s,
    );
    const products =
      services.find((s) => s.service.name === 'products')?.service.functions.map((fn) => fn.name) ?? [];
    assert.ok(products.length > 0);
    const built = await bundles.build(renamed, new Set());
    assert.deepEqual([...built.rebuilt].sort(), [...products].sort());
    assert.deepEqual([...built.changed].sort(), [...products].sort());
    assert.deepEqual([...(await bundles.build(services, new Set())).rebuilt].sort(), [...products].sort());
  });

  test('a broken edit fails the build, and its bundles are asked for again until one builds', async () => {
    await writeFile(sayFile, 'export function makeHandler( {\n');
    await assert.rejects(bundles.build(services, new Set([sayFile])), /say\.ts:\d+:\d+/);
    // Nothing else changed, but the failed bundle is still to be built.
    await assert.rejects(bundles.build(services, new Set()), /say\.ts:\d+:\d+/);
    await writeFile(sayFile, handlerSource('hallo'));
    const built = await bundles.build(services, new Set([sayFile]));
    assert.deepEqual(built.rebuilt, ['say-get']);
    assert.deepEqual((await bundles.build(services, new Set())).rebuilt, []);
  });
});

/** One service whose handler lives in a temporary file under test/tmp/, built with a cache. */
describe('bundles kept between starts', { timeout: 120_000 }, () => {
  let dir: string;
  let sayFile: string;
  let services: ServiceFunctions[];
  let cache: BundleCache;
  const opened: IncrementalBundles[] = [];
  /** A new start's builder: its own output folder, the same cache. */
  const start = async () => {
    const bundles = new IncrementalBundles(await mkdtemp(path.join(dir, 'out-')), { cache });
    opened.push(bundles);
    return bundles;
  };
  const say = async (built: { bundles: ReadonlyMap<string, { file: string }> }) => {
    const { handler } = (await import(built.bundles.get('say-get')?.file ?? '')) as {
      handler: () => Promise<{ body: string }>;
    };
    return (await handler()).body;
  };
  /**
   * A save, as a reload sees it: a reload begins at least its settle time after the save. The
   * file's time is set, not waited for: each save a second apart, all well in the past.
   */
  let saves = 0;
  const save = async (text: string) => {
    await writeFile(sayFile, handlerSource(text));
    saves += 1;
    const stamp = new Date(Date.now() - 3_600_000 + saves * 1000);
    await utimes(sayFile, stamp, stamp);
  };

  before(async () => {
    await mkdir(path.join(PROJECT_ROOT, 'test', 'tmp'), { recursive: true });
    dir = await mkdtemp(path.join(PROJECT_ROOT, 'test', 'tmp', 'kept-bundles-'));
    sayFile = path.join(dir, 'say.ts');
    await save('hello');
    cache = new BundleCache(path.join(dir, 'cache'));
    const service = defineService({
      name: 'say',
      table: { name: 'say', partitionKey: 'id' },
      functions: ['say-get', 'say-list'].map((name) => ({
        name,
        method: 'GET' as const,
        path: `/${name}`,
        handler: path.relative(PROJECT_ROOT, sayFile),
        actions: [],
        access: allow.public(),
      })),
    });
    services = [{ file: path.join(dir, 'say-service.ts'), service }];
  });
  after(async () => {
    for (const bundles of opened) await bundles.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  test('a start with nothing changed serves the kept bundles without building', async () => {
    const first = await start();
    const built = await first.build(services);
    assert.equal(built.fromCache, false);
    await first.dispose(); // resolves once the build is kept

    const second = await start();
    const kept = await second.build(services);
    assert.equal(kept.fromCache, true);
    assert.deepEqual(kept.rebuilt, []);
    assert.deepEqual([...kept.changed].sort(), ['say-get', 'say-list']);
    for (const [name, bundle] of built.bundles) assert.equal(kept.bundles.get(name)?.hash, bundle.hash, name);
    assert.ok(kept.inputs.includes(sayFile));
    assert.equal(await say(kept), 'hello');
    assert.equal(second.cold, true);

    // Warming up builds every bundle once, and finds them the same.
    const warmed = await second.warm(services);
    assert.deepEqual([...warmed.rebuilt].sort(), ['say-get', 'say-list']);
    assert.deepEqual(warmed.changed, []);
    assert.equal(second.cold, false);
    await second.dispose();
  });

  test('what a reload served is kept for the next start', async () => {
    const running = await start();
    assert.equal((await running.build(services)).fromCache, true);
    await running.warm(services);
    await save('bonjour');
    const reloaded = await running.build(services, new Set([sayFile]));
    assert.deepEqual([...reloaded.rebuilt].sort(), ['say-get', 'say-list']);
    await running.dispose();

    const next = await start();
    const kept = await next.build(services);
    assert.equal(kept.fromCache, true);
    assert.equal(await say(kept), 'bonjour');
    await next.dispose();
  });

  test('a file edited while nothing ran is built again, and so is a change before the warm-up', async () => {
    await save('hallo');
    const next = await start();
    const built = await next.build(services);
    assert.equal(built.fromCache, false);
    assert.equal(await say(built), 'hallo');
    await next.dispose();

    const cold = await start();
    assert.equal((await cold.build(services)).fromCache, true);
    await save('hej');
    // Its context has built nothing yet: every bundle is built, and the edited ones are swapped.
    const changed = await cold.build(services, new Set([sayFile]));
    assert.deepEqual([...changed.rebuilt].sort(), ['say-get', 'say-list']);
    assert.deepEqual([...changed.changed].sort(), ['say-get', 'say-list']);
    assert.equal(await say(changed), 'hej');
  });

  test('a deferred start builds nothing, then each function asked for, and keeps the build once whole', async () => {
    await save('ciao'); // what is kept was built from another text: nothing to serve
    const first = await start();
    const deferred = await first.build(services, undefined, { defer: true });
    assert.equal(deferred.fromCache, false);
    assert.deepEqual(deferred.rebuilt, []);
    assert.equal(deferred.bundles.size, 0);
    assert.deepEqual([...deferred.unbuilt].sort(), ['say-get', 'say-list']);
    assert.equal(first.cold, true);

    const one = await first.build(services, new Set(), { only: new Set(['say-get']) });
    assert.deepEqual(one.rebuilt, ['say-get']);
    assert.deepEqual(one.unbuilt, ['say-list']);
    assert.equal(await say(one), 'ciao');
    assert.ok(one.inputs.includes(sayFile));
    assert.equal(first.cold, true, 'a bundle is still missing');
    // A function that has its bundle is not built again when asked for.
    assert.deepEqual((await first.build(services, new Set(), { only: new Set(['say-get']) })).rebuilt, []);
    await first.dispose(); // resolves once anything to keep is kept

    // Part of a build is not kept: the next start finds nothing, and builds both when asked at once.
    const second = await start();
    assert.equal((await second.build(services, undefined, { defer: true })).fromCache, false);
    const both = await Promise.all(
      ['say-get', 'say-list'].map((name) => second.build(services, new Set(), { only: new Set([name]) })),
    );
    assert.deepEqual(
      both.map((built) => built.rebuilt),
      [['say-get'], ['say-list']],
    );
    assert.deepEqual(both[1]?.unbuilt, []);
    assert.equal(second.cold, false);
    await second.dispose();

    const third = await start();
    const kept = await third.build(services, undefined, { defer: true });
    assert.equal(kept.fromCache, true);
    assert.equal(await say(kept), 'ciao');
    await third.dispose();
  });

  test('the fill builds what a deferred start left unbuilt, and an edit then rebuilds what it reaches', async () => {
    await save('moi');
    const running = await start();
    await running.build(services, undefined, { defer: true });
    await running.build(services, new Set(), { only: new Set(['say-list']) });
    const filled = await running.warm(services);
    assert.deepEqual(filled.rebuilt, ['say-get']);
    assert.deepEqual(filled.unbuilt, []);
    assert.equal(running.cold, false);
    await save('terve');
    const edited = await running.build(services, new Set([sayFile]));
    assert.deepEqual([...edited.rebuilt].sort(), ['say-get', 'say-list']);
    assert.equal(await say(edited), 'terve');
    await running.dispose();
  });
});
