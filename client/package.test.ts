// The client as a user installs it (issue 28, item 7): packed, installed from the tarball into an
// empty folder with no registry, type-checked as a TypeScript user compiles it, bundled for a
// browser, and called from plain JavaScript against a running local system.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { PROJECT_ROOT } from '#src/declaration/load-services.ts';
import { buildClientPackage, CLIENT_PACKAGE_NAME } from '../scripts/client-package.ts';
import { docBlocks, TYPESCRIPT_LANGS } from '../test/support/doc-blocks.ts';
import { startTestSystem, type TestSystem } from '../test/support/test-system.ts';

const run = promisify(execFile);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** The docs' example of the installed client: the TypeScript block that imports the package. */
function documentedExample(): string {
  const example = docBlocks('docs/client.md').find(
    (block) => TYPESCRIPT_LANGS.has(block.lang) && block.code.includes(`from '${CLIENT_PACKAGE_NAME}'`),
  );
  assert.ok(example, `docs/client.md shows no TypeScript example importing ${CLIENT_PACKAGE_NAME}`);
  return example.code;
}

/** Every module specifier the files of a folder import, but those of its node_modules. */
async function importedSpecifiers(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    const full = path.join(entry.parentPath, entry.name);
    const own = !path.relative(dir, full).split(path.sep).includes('node_modules');
    if (!entry.isFile() || !own || !/\.(m?js|d\.ts)$/.test(entry.name)) continue;
    const text = await readFile(full, 'utf8');
    for (const match of text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"]([^'"]+)['"]/g)) {
      found.push(match[1] ?? '');
    }
  }
  return [...new Set(found)].sort();
}

describe('the client package', { timeout: 600_000 }, () => {
  let scratch: string;
  let app: string;
  let installed: string;
  before(async () => {
    scratch = await mkdtemp(path.join(os.tmpdir(), 'sm-client-package-'));
    const built = await buildClientPackage(path.join(scratch, 'package'));
    const packed = await run(npm, ['pack', built, '--pack-destination', scratch, '--json'], { cwd: scratch });
    const [{ filename }] = JSON.parse(packed.stdout) as [{ filename: string }];
    app = path.join(scratch, 'app');
    await run('mkdir', [app]);
    await writeFile(path.join(app, 'package.json'), '{ "private": true, "type": "module" }\n');
    // --offline: nothing may come from a registry; the package must carry what it needs.
    await run(npm, ['install', '--offline', '--no-audit', '--no-fund', path.join(scratch, filename)], {
      cwd: app,
    });
    installed = path.join(app, 'node_modules', CLIENT_PACKAGE_NAME);
  });
  after(() => rm(scratch, { recursive: true, force: true }));

  test('npm run build:client answers --help, and refuses an unknown option by name', async () => {
    const help = await run(npm, ['run', '-s', 'build:client', '--', '--help'], { cwd: PROJECT_ROOT });
    assert.match(help.stdout, /^Usage: npm run build:client/);
    const unknown = await run(npm, ['run', '-s', 'build:client', '--', '--frobnicate'], {
      cwd: PROJECT_ROOT,
    }).catch((error: { code: number; stderr: string }) => error);
    assert.ok('code' in unknown && unknown.code === 2, JSON.stringify(unknown));
    assert.match(unknown.stderr, /--frobnicate/);
  });

  test('is JavaScript with declarations, importing only its own files and its bundled dependency', async () => {
    const manifest = JSON.parse(await readFile(path.join(installed, 'package.json'), 'utf8'));
    assert.equal(manifest.type, 'module');
    assert.deepEqual(manifest.exports['.'], { types: './index.d.ts', default: './index.js' });
    const files = await readdir(installed);
    assert.ok(!files.some((file) => file.endsWith('.ts') && !file.endsWith('.d.ts')), files.join(' '));
    const outside = (await importedSpecifiers(installed)).filter((specifier) => !specifier.startsWith('./'));
    assert.deepEqual(outside, ['openapi-fetch']);
    assert.deepEqual(Object.keys(manifest.dependencies), ['openapi-fetch']);
  });

  test("the docs' example compiles against it without casts, strict and with every declaration checked", async () => {
    await writeFile(path.join(app, 'example.ts'), documentedExample());
    // A DocumentItem is what a user may write: a value that is not JSON must not type-check.
    await writeFile(
      path.join(app, 'refused.ts'),
      "import { createClient } from 'serverless-microservices-client';\n" +
        "await createClient().manager({ operation: 'create', payload: { Item: { id: 'a', at: new Date() } } });\n",
    );
    const tsconfig = (file: string) => ({
      compilerOptions: {
        module: 'nodenext',
        target: 'es2022',
        strict: true,
        lib: ['es2022', 'dom'],
        // process.env in the example: Node's types, from this project (the app installs nothing else).
        types: ['node'],
        typeRoots: [path.join(PROJECT_ROOT, 'node_modules', '@types')],
        skipLibCheck: false,
        noEmit: true,
      },
      files: [file],
    });
    await writeFile(path.join(app, 'tsconfig.json'), JSON.stringify(tsconfig('example.ts')));
    await writeFile(path.join(app, 'tsconfig.refused.json'), JSON.stringify(tsconfig('refused.ts')));
    const tsc = path.join(PROJECT_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const compiled = await run(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: app }).catch(
      (error: { stdout: string }) => ({ stdout: error.stdout, failed: true }),
    );
    assert.ok(!('failed' in compiled), compiled.stdout);
    const refused = await run(process.execPath, [tsc, '-p', 'tsconfig.refused.json'], { cwd: app }).catch(
      (error: { stdout: string }) => ({ stdout: error.stdout, failed: true }),
    );
    assert.ok('failed' in refused, 'a Date in an Item compiled');
    assert.match(refused.stdout, /refused\.ts\(2,\d+\): error TS2322/);
  });

  test('bundles for a browser: nothing it loads is a Node.js module', async () => {
    const result = await build({
      stdin: {
        contents: `import { createClient } from '${CLIENT_PACKAGE_NAME}';\nexport const client = createClient();\n`,
        resolveDir: app,
        sourcefile: 'app.js',
      },
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      logLevel: 'silent',
    });
    assert.deepEqual(result.errors, []);
    assert.deepEqual(result.warnings, []);
    assert.doesNotMatch(result.outputFiles[0]?.text ?? '', /from ['"]node:|require\(['"]node:/);
  });

  describe('called from a plain .mjs file', () => {
    let current: TestSystem;
    before(async () => {
      current = await startTestSystem({ engine: 'dynalite' });
    });
    after(() => current?.stop());

    test('creates, reads and deletes a product, and runs DynamoDBManager, against the local system', async () => {
      await writeFile(
        path.join(app, 'call.mjs'),
        `import { createClient, NotFoundError } from '${CLIENT_PACKAGE_NAME}';
const client = createClient({ baseUrl: process.env.SM_API_URL, token: () => process.env.SM_API_TOKEN });
const mug = await client.products.create({ name: 'Packed mug', price: 3 });
const read = await client.products.get(mug.id);
await client.manager({ operation: 'create', payload: { Item: { id: 'packed-1', number: 5, tags: ['a'] } } });
const { Item } = await client.manager({ operation: 'read', payload: { Key: { id: 'packed-1' } } });
await client.products.delete(mug.id);
const gone = await client.products.get(mug.id).then(() => false, (error) => error instanceof NotFoundError);
console.log(JSON.stringify({ name: read.name, item: Item, gone }));
`,
      );
      const { stdout } = await run(process.execPath, ['call.mjs'], {
        cwd: app,
        env: { ...process.env, SM_API_URL: current.url, SM_API_TOKEN: current.adminToken },
      });
      assert.deepEqual(JSON.parse(stdout), {
        name: 'Packed mug',
        item: { id: 'packed-1', number: 5, tags: ['a'] },
        gone: true,
      });
    });
  });
});
