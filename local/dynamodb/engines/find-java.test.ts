import assert from 'node:assert/strict';
import { mkdir, readFile, symlink } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { fakeJava, withTempDir } from './engine-test-suite.ts';
import { findJava, parseJavaVersion } from './find-java.ts';

async function runs(log: string): Promise<string[]> {
  return (await readFile(log, 'utf8')).trim().split('\n');
}

test('parseJavaVersion reads modern, legacy and decorated version output', () => {
  assert.deepEqual(parseJavaVersion('openjdk version "17.0.15" 2025-04-15\nOpenJDK Runtime'), {
    version: '17.0.15',
    major: 17,
  });
  assert.deepEqual(parseJavaVersion('java version "1.8.0_392"'), { version: '1.8.0_392', major: 8 });
  assert.deepEqual(parseJavaVersion('Picked up JAVA_TOOL_OPTIONS: -Xmx1g\nopenjdk version "21" 2023-09-19'), {
    version: '21',
    major: 21,
  });
  assert.deepEqual(parseJavaVersion('openjdk version "22-ea" 2024-03-19'), { version: '22-ea', major: 22 });
  assert.equal(parseJavaVersion('bash: java: command not found'), null);
});

test('findJava returns null when neither JAVA_HOME nor PATH has a java', async () => {
  await withTempDir(async (dir) => {
    assert.equal(await findJava({ env: { PATH: dir, JAVA_HOME: path.join(dir, 'missing') } }), null);
  });
});

test('findJava prefers the java of JAVA_HOME over the one on PATH', async () => {
  await withTempDir(async (dir) => {
    const home = path.join(dir, 'jdk');
    const fromHome = await fakeJava(path.join(home, 'bin'), '21.0.4');
    await fakeJava(path.join(dir, 'path-bin'), '17.0.2');
    const java = await findJava({ env: { JAVA_HOME: home, PATH: path.join(dir, 'path-bin') } });
    assert.deepEqual(java, {
      command: fromHome,
      version: '21.0.4',
      major: 21,
      javac: null,
    });
  });
});

test('findJava falls back to PATH when the java of JAVA_HOME is too old', async () => {
  await withTempDir(async (dir) => {
    const home = path.join(dir, 'jdk8');
    await fakeJava(path.join(home, 'bin'), '1.8.0_392');
    await fakeJava(path.join(dir, 'path-bin'), '17.0.2');
    const java = await findJava({ env: { JAVA_HOME: home, PATH: path.join(dir, 'path-bin') } });
    assert.deepEqual(java, { command: 'java', version: '17.0.2', major: 17, javac: null });
  });
});

test('findJava returns null when the only java is older than 17', async () => {
  await withTempDir(async (dir) => {
    await fakeJava(dir, '11.0.22');
    assert.equal(await findJava({ env: { PATH: dir } }), null);
  });
});

test('findJava reports the javac beside java without running java again', async () => {
  await withTempDir(async (dir) => {
    const log = path.join(dir, 'runs.log');
    await fakeJava(path.join(dir, 'jdk', 'bin'), '17.0.2', { javac: true, log });
    const java = await findJava({ env: { PATH: path.join(dir, 'jdk', 'bin') } });
    assert.deepEqual(java, {
      command: 'java',
      version: '17.0.2',
      major: 17,
      javac: path.join(dir, 'jdk', 'bin', 'javac'),
    });
    assert.deepEqual(await runs(log), ['-version']);
  });
});

test('findJava looks for javac beside the file a java symlink leads to', async () => {
  await withTempDir(async (dir) => {
    const real = await fakeJava(path.join(dir, 'jvm', 'jdk-17', 'bin'), '17.0.2', { javac: true });
    await mkdir(path.join(dir, 'usr-bin'));
    await symlink(real, path.join(dir, 'usr-bin', 'java'));
    const java = await findJava({ env: { PATH: path.join(dir, 'usr-bin') } });
    assert.equal(java?.javac, path.join(dir, 'jvm', 'jdk-17', 'bin', 'javac'));
  });
});

test('findJava takes a JRE (no javac) with one run of java -version, and no other', async () => {
  await withTempDir(async (dir) => {
    const log = path.join(dir, 'runs.log');
    await fakeJava(dir, '17.0.2', { log });
    const java = await findJava({ env: { PATH: dir } });
    assert.deepEqual(java, { command: 'java', version: '17.0.2', major: 17, javac: null });
    assert.deepEqual(await runs(log), ['-version']);
  });
});
