import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ServiceFunctions } from '#src/build/bundle-function.ts';
import { allow } from '#src/declaration/access.ts';
import { defineService } from '#src/declaration/define-service.ts';
import { loadServices, PROJECT_ROOT } from '#src/declaration/load-services.ts';
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
