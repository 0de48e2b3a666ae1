import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { startDynamoDbLocal } from './dynamodb-local-engine.ts';
import { locateDynamoDbLocalJar } from './dynamodb-local-jar.ts';
import {
  ARCHIVE_FILE,
  buildLauncherJar,
  copyJarWithoutManifest,
  LAUNCHER_CLASS,
  LAUNCHER_JAR,
  launcherKey,
  prepareLauncher,
} from './dynamodb-local-launcher.ts';
import { ENGINE_TEST_TIMEOUT_MS, localClient, withTempDir } from './engine-test-suite.ts';
import { findJava } from './find-java.ts';

const java = await findJava();
// Needs Java 17+: scripts/run-tests.mjs leaves this file out on a machine without it (never in CI).
const options = { timeout: ENGINE_TEST_TIMEOUT_MS };
const jar = locateDynamoDbLocalJar();

function requireJava() {
  assert.ok(java, 'Java 17+ is needed to run DynamoDB Local');
  return java;
}

/** Java as a bare JRE is: no javac anywhere (the real java, told it has none). */
function jre() {
  return { ...requireJava(), javac: null };
}

/** The command line of a running process, from Linux's /proc. */
async function commandLine(pid: number): Promise<string[]> {
  return (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').filter(Boolean);
}

/** `javap -c -p` of the launcher's classes in `classPath`: their code, whatever bytes javac chose. */
function disassembled(javap: string, classPath: string, classes: readonly string[]): string {
  const result = spawnSync(javap, ['-c', '-p', '-cp', classPath, ...classes], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout.replaceAll(classPath, '<jar>');
}

async function listTables(endpoint: string): Promise<void> {
  const { ListTablesCommand } = await import('@aws-sdk/client-dynamodb');
  const client = localClient(endpoint);
  try {
    assert.deepEqual((await client.send(new ListTablesCommand({}))).TableNames, []);
  } finally {
    client.destroy();
  }
}

test('the committed launcher jar is what its source compiles to', {
  ...options,
  skip: java?.javac ? false : 'needs javac (a JDK)',
}, async () => {
  await withTempDir(async (dir) => {
    const javac = java?.javac as string;
    const fresh = path.join(dir, `${LAUNCHER_CLASS}.jar`);
    await buildLauncherJar(javac, jar, fresh);
    const fix = 'LoopbackDynamoDbLocal.java changed: rebuild the jar with `npm run dynamodb-launcher`';
    if ((await readFile(fresh)).equals(await readFile(LAUNCHER_JAR))) return;
    // Another javac release may order the bytes differently: the code must still be the same.
    const javap = path.join(path.dirname(javac), 'javap');
    const classes = [LAUNCHER_CLASS, `${LAUNCHER_CLASS}$OnlyThisMachine`];
    assert.equal(disassembled(javap, LAUNCHER_JAR, classes), disassembled(javap, fresh, classes), fix);
  });
});

test(
  'with a JRE (no javac) DynamoDB Local starts, records a class data archive, and the next start uses it',
  options,
  async () => {
    await withTempDir(async (cacheRoot) => {
      const first = await startDynamoDbLocal({ java: jre(), dataDir: null, launcherCacheRoot: cacheRoot });
      let archive: string;
      try {
        assert.equal(first.launcher.sharing.state, 'record');
        archive = 'archive' in first.launcher.sharing ? first.launcher.sharing.archive : '';
        assert.equal(path.dirname(path.dirname(archive)), cacheRoot);
        const args = await commandLine(first.pid);
        assert.ok(args.some((arg) => arg.startsWith('-XX:ArchiveClassesAtExit=')));
        assert.ok(!args.some((arg) => arg.endsWith('.java')), 'no source launcher, so no compiler');
        await listTables(first.endpoint);
      } finally {
        await first.stop();
      }
      // Written as the JVM exited, under its final name only once complete.
      assert.ok((await stat(archive)).size > 1_000_000);
      assert.deepEqual((await readdir(path.dirname(archive))).sort(), [
        'DynamoDBLocal.jar',
        `${LAUNCHER_CLASS}.jar`,
        ARCHIVE_FILE,
      ]);

      const second = await startDynamoDbLocal({ java: jre(), dataDir: null, launcherCacheRoot: cacheRoot });
      try {
        assert.deepEqual(second.launcher.sharing, { state: 'use', archive });
        const args = await commandLine(second.pid);
        assert.ok(args.includes(`-XX:SharedArchiveFile=${archive}`));
        assert.ok(args.includes('-Xshare:auto'), 'an archive it cannot use is ignored, not fatal');
        assert.equal(
          args[args.indexOf('-cp') + 1]?.split(path.delimiter)[0],
          path.join(path.dirname(archive), `${LAUNCHER_CLASS}.jar`),
        );
        assert.ok(args.includes(LAUNCHER_CLASS));
        await listTables(second.endpoint);
      } finally {
        await second.stop();
      }
    });
  },
);

test('a damaged class data archive does not keep DynamoDB Local from starting', options, async () => {
  await withTempDir(async (cacheRoot) => {
    const launcher = await prepareLauncher({ java: jre(), jar, cacheRoot });
    assert.equal(launcher.sharing.state, 'record');
    const archive = 'archive' in launcher.sharing ? launcher.sharing.archive : '';
    await writeFile(archive, 'not an archive'.repeat(1000));
    const dynamodb = await startDynamoDbLocal({ java: jre(), dataDir: null, launcherCacheRoot: cacheRoot });
    try {
      assert.deepEqual(dynamodb.launcher.sharing, { state: 'use', archive });
      await listTables(dynamodb.endpoint);
    } finally {
      await dynamodb.stop();
    }
  });
});

test('without a writable cache DynamoDB Local runs the committed jar, without sharing', options, async () => {
  await withTempDir(async (dir) => {
    const notAFolder = path.join(dir, 'file');
    await writeFile(notAFolder, '');
    const dynamodb = await startDynamoDbLocal({ java: jre(), dataDir: null, launcherCacheRoot: notAFolder });
    try {
      assert.equal(dynamodb.launcher.sharing.state, 'off');
      assert.deepEqual(dynamodb.launcher.classPath, [LAUNCHER_JAR, jar.jar, path.join(jar.libDir, '*')]);
      await listTables(dynamodb.endpoint);
    } finally {
      await dynamodb.stop();
    }
  });
});

test('the cache folder name covers the Java, the DynamoDB Local release and the launcher', () => {
  const base = launcherKey(jre(), jar, Buffer.from('launcher'));
  assert.match(base, /^[0-9a-f]{16}$/);
  assert.equal(launcherKey(jre(), jar, Buffer.from('launcher')), base);
  assert.notEqual(launcherKey(jre(), jar, Buffer.from('launcher2')), base);
  assert.notEqual(launcherKey({ ...jre(), version: '17.0.99' }, jar, Buffer.from('launcher')), base);
  assert.notEqual(
    launcherKey({ ...jre(), command: '/opt/jdk/bin/java' }, jar, Buffer.from('launcher')),
    base,
  );
  const other = { jar: '/x/dynamodb_local_2027-01-01/DynamoDBLocal.jar', libDir: '/x/lib' };
  assert.notEqual(launcherKey(jre(), other, Buffer.from('launcher')), base);
});

test('the copy of DynamoDBLocal.jar differs only by its manifest set aside', async () => {
  await withTempDir(async (dir) => {
    const copy = path.join(dir, 'DynamoDBLocal.jar');
    await copyJarWithoutManifest(jar.jar, copy);
    const [before, after] = [await readFile(jar.jar), await readFile(copy)];
    assert.equal(after.length, before.length);
    assert.ok(before.includes('META-INF/MANIFEST.MF'));
    assert.ok(!after.includes('META-INF/MANIFEST.MF'));
    let changed = 0;
    for (let i = 0; i < before.length; i++) if (before[i] !== after[i]) changed++;
    // "MF" → "NO" in the central directory and in the local header.
    assert.equal(changed, 4);
  });
});

test('concurrent first starts share one cache folder and leave no temporary one', options, async () => {
  await withTempDir(async (cacheRoot) => {
    const launchers = await Promise.all(
      [1, 2, 3].map(() => prepareLauncher({ java: jre(), jar, cacheRoot })),
    );
    const dirs = new Set(launchers.map((l) => l.classPath[0] && path.dirname(l.classPath[0])));
    assert.equal(dirs.size, 1, `all use the same folder: ${[...dirs].join(', ')}`);
    const [dir = ''] = dirs;
    assert.deepEqual(await readdir(cacheRoot), [path.basename(dir)]);
  });
});

test('a recording left by a start that was killed is removed by the next', options, async () => {
  await withTempDir(async (cacheRoot) => {
    const first = await prepareLauncher({ java: jre(), jar, cacheRoot });
    const dir = path.dirname(first.classPath[0] ?? '');
    // The pid of a process that has exited.
    const gone = await new Promise<number>((resolve) => {
      const child = execFile(process.execPath, ['-e', '']);
      child.once('exit', () => resolve(child.pid as number));
    });
    const abandoned = path.join(dir, `.${gone}-0badc0de.jsa`);
    const live = path.join(dir, `.${process.pid}-0badc0de.jsa`);
    await mkdir(dir, { recursive: true });
    await writeFile(abandoned, 'partial');
    await writeFile(live, 'in progress');
    await prepareLauncher({ java: jre(), jar, cacheRoot });
    await assert.rejects(stat(abandoned), { code: 'ENOENT' });
    assert.ok((await stat(live)).isFile(), "a live process's recording is left alone");
    await first.finish({ code: null, signal: 'SIGKILL' });
    assert.ok(!(await readdir(dir)).includes(ARCHIVE_FILE), 'a killed JVM leaves no archive');
  });
});
