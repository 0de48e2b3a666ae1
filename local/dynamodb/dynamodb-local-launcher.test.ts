import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { startDynamoDbLocal } from './dynamodb-local-engine.ts';
import { locateDynamoDbLocalJar } from './dynamodb-local-jar.ts';
import { LAUNCHER_CLASS, LAUNCHER_SOURCE, launcherHash, prepareLauncher } from './dynamodb-local-launcher.ts';
import { ENGINE_TEST_TIMEOUT_MS, withTempDir } from './engine-test-suite.ts';
import { findJava } from './find-java.ts';

const java = await findJava();
// Needs a JDK 17+: scripts/run-tests.mjs leaves this file out on a machine without Java (never in CI).
const options = { timeout: ENGINE_TEST_TIMEOUT_MS };
const jar = locateDynamoDbLocalJar();

function requireJdk() {
  assert.ok(java?.javac, 'a JDK 17+ with javac is needed to compile the launcher');
  return java;
}

/** What identifies a compiled class file: unchanged bytes and modification time mean no recompile. */
async function fingerprint(classDir: string) {
  const file = path.join(classDir, `${LAUNCHER_CLASS}.class`);
  const { mtimeMs, ino } = await stat(file);
  return { entries: (await readdir(classDir)).sort(), mtimeMs, ino, bytes: await readFile(file) };
}

/** The command line of a running process, from Linux's /proc. */
async function commandLine(pid: number): Promise<string[]> {
  return (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').filter(Boolean);
}

test('DynamoDB Local compiles its launcher on first start, then runs the cached class', options, async () => {
  await withTempDir(async (cacheRoot) => {
    const first = await startDynamoDbLocal({
      java: requireJdk(),
      dataDir: null,
      launcherCacheRoot: cacheRoot,
    });
    let before: Awaited<ReturnType<typeof fingerprint>>;
    let classDir: string;
    try {
      assert.equal(first.launcher.kind, 'compiled');
      assert.ok(first.launcher.kind === 'compiled' && first.launcher.compiledNow, 'the first start compiles');
      classDir = first.launcher.classDir;
      assert.equal(path.dirname(classDir), cacheRoot);
      before = await fingerprint(classDir);
    } finally {
      await first.stop();
    }

    const second = await startDynamoDbLocal({
      java: requireJdk(),
      dataDir: null,
      launcherCacheRoot: cacheRoot,
    });
    try {
      assert.deepEqual(second.launcher, { kind: 'compiled', classDir, compiledNow: false });
      assert.deepEqual(await fingerprint(classDir), before);
      assert.deepEqual(await readdir(cacheRoot), [path.basename(classDir)]);
      // The JVM runs the class from the cache, not the .java source.
      const args = await commandLine(second.pid);
      assert.equal(args[args.indexOf('-cp') + 1]?.split(path.delimiter)[0], classDir);
      assert.ok(args.includes(LAUNCHER_CLASS));
      assert.ok(!args.some((arg) => arg.endsWith('.java')));
    } finally {
      await second.stop();
    }
  });
});

test('a changed launcher source is compiled into a new cache folder', options, async () => {
  await withTempDir(async (dir) => {
    const cacheRoot = path.join(dir, 'cache');
    const original = await prepareLauncher({ java: requireJdk(), jar, cacheRoot });
    assert.equal(original.kind, 'compiled');
    if (original.kind !== 'compiled') return;
    const before = await fingerprint(original.classDir);

    const source = path.join(dir, 'edited', `${LAUNCHER_CLASS}.java`);
    await mkdir(path.dirname(source));
    await writeFile(source, `${await readFile(LAUNCHER_SOURCE, 'utf8')}\n// edited\n`);
    const edited = await prepareLauncher({ java: requireJdk(), jar, cacheRoot, source });
    assert.equal(edited.kind, 'compiled');
    if (edited.kind !== 'compiled') return;
    assert.ok(edited.compiledNow);
    assert.notEqual(edited.classDir, original.classDir);
    assert.deepEqual(
      (await readdir(cacheRoot)).sort(),
      [original.classDir, edited.classDir].map((d) => path.basename(d)).sort(),
    );
    assert.deepEqual(await fingerprint(original.classDir), before, 'the original is left as it was');
  });
});

test('the cache folder name covers the source text, the DynamoDB Local release and the Java major', () => {
  const other = { jar: '/x/dynamodb_local_2027-01-01/DynamoDBLocal.jar', libDir: '/x/lib' };
  const base = launcherHash('class A {}', jar, 17);
  assert.match(base, /^[0-9a-f]{16}$/);
  assert.equal(launcherHash('class A {}', jar, 17), base);
  assert.notEqual(launcherHash('class A { }', jar, 17), base);
  assert.notEqual(launcherHash('class A {}', other, 17), base);
  assert.notEqual(launcherHash('class A {}', jar, 21), base);
});

test('concurrent compilations end up in one cache folder and leave no temporary one', options, async () => {
  await withTempDir(async (cacheRoot) => {
    // All three find the cache empty and run javac at once; one rename wins, the others use its folder.
    const results = await Promise.all(
      [1, 2, 3].map(() => prepareLauncher({ java: requireJdk(), jar, cacheRoot })),
    );
    const dirs = new Set(
      results.map((result) => (result.kind === 'compiled' ? result.classDir : result.reason)),
    );
    assert.equal(dirs.size, 1, `all use the same folder: ${[...dirs].join(', ')}`);
    const [classDir = ''] = dirs;
    assert.equal(results.filter((result) => result.kind === 'compiled' && result.compiledNow).length, 1);
    assert.deepEqual(await readdir(cacheRoot), [path.basename(classDir)]);
    assert.ok((await stat(path.join(classDir, `${LAUNCHER_CLASS}.class`))).isFile());
  });
});

test(
  'a launcher that does not compile falls back to the source launcher and leaves no folder',
  options,
  async () => {
    await withTempDir(async (dir) => {
      const cacheRoot = path.join(dir, 'cache');
      const source = path.join(dir, `${LAUNCHER_CLASS}.java`);
      await writeFile(source, `public final class ${LAUNCHER_CLASS} { not java }\n`);
      const launcher = await prepareLauncher({ java: requireJdk(), jar, cacheRoot, source });
      assert.equal(launcher.kind, 'source');
      assert.ok(launcher.kind === 'source');
      assert.equal(launcher.file, source);
      assert.match(launcher.reason, /compiling it failed: .*javac failed \(exit 1\)[\s\S]*error:/);
      assert.deepEqual(await readdir(cacheRoot), []);
    });
  },
);

test('without javac DynamoDB Local still starts, through the source launcher', options, async () => {
  await withTempDir(async (cacheRoot) => {
    const dynamodb = await startDynamoDbLocal({
      java: { ...requireJdk(), javac: null },
      dataDir: null,
      launcherCacheRoot: cacheRoot,
    });
    try {
      assert.equal(dynamodb.launcher.kind, 'source');
      assert.ok((await commandLine(dynamodb.pid)).includes(LAUNCHER_SOURCE));
      assert.deepEqual(await readdir(cacheRoot), []);
    } finally {
      await dynamodb.stop();
    }
  });
});
