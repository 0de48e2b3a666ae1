import assert from 'node:assert/strict';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { withTempDir } from './engine-test-suite.ts';
import { findJava, parseJavaVersion } from './find-java.ts';

/** A stand-in `java` that reports `version` the way the real one does: on stderr. */
async function fakeJava(binDir: string, version: string): Promise<string> {
  await mkdir(binDir, { recursive: true });
  const file = path.join(binDir, 'java');
  await writeFile(file, `#!/bin/sh\necho 'openjdk version "${version}" 2024-01-16' >&2\n`);
  await chmod(file, 0o755);
  return file;
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
    assert.deepEqual(java, { command: fromHome, version: '21.0.4', major: 21 });
  });
});

test('findJava falls back to PATH when the java of JAVA_HOME is too old', async () => {
  await withTempDir(async (dir) => {
    const home = path.join(dir, 'jdk8');
    await fakeJava(path.join(home, 'bin'), '1.8.0_392');
    await fakeJava(path.join(dir, 'path-bin'), '17.0.2');
    const java = await findJava({ env: { JAVA_HOME: home, PATH: path.join(dir, 'path-bin') } });
    assert.deepEqual(java, { command: 'java', version: '17.0.2', major: 17 });
  });
});

test('findJava returns null when the only java is older than 17', async () => {
  await withTempDir(async (dir) => {
    await fakeJava(dir, '11.0.22');
    assert.equal(await findJava({ env: { PATH: dir } }), null);
  });
});
