import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { DynamoDbLocalJar } from './dynamodb-local-jar.ts';
import { type JavaRuntime, MINIMUM_JAVA_MAJOR } from './find-java.ts';

/** The class that starts DynamoDB Local on 127.0.0.1 (see the .java file). */
export const LAUNCHER_CLASS = 'LoopbackDynamoDbLocal';
export const LAUNCHER_SOURCE = path.join(import.meta.dirname, `${LAUNCHER_CLASS}.java`);
/** Compiled launchers, one sub-folder per hash of what they were built from. */
export const LAUNCHER_CACHE_ROOT = path.resolve(
  import.meta.dirname,
  '../../node_modules/.cache/serverless-microservices/dynamodb-local-launcher',
);
/** javac is a JVM too: a cold one on a busy 2-core machine takes seconds. This only bounds a hang. */
const COMPILE_TIMEOUT_MS = 120_000;

/**
 * How to run the launcher: its compiled class from the cache (`classDir` goes first on the class
 * path), or its source file through Java's single-file source launcher, which compiles it in memory
 * at every start (1–5 s) and is only used when compiling once is not possible.
 */
export type Launcher =
  | {
      readonly kind: 'compiled';
      readonly classDir: string;
      /** True when this call compiled it, false when the cache already had it. */
      readonly compiledNow: boolean;
    }
  | {
      readonly kind: 'source';
      readonly file: string;
      /** Why the compiled class could not be used, e.g. `no javac beside /usr/bin/java`. */
      readonly reason: string;
    };

export interface PrepareLauncherOptions {
  readonly java: JavaRuntime;
  readonly jar: DynamoDbLocalJar;
  /** Defaults to `node_modules/.cache/serverless-microservices/dynamodb-local-launcher`. */
  readonly cacheRoot?: string;
  /** Defaults to `LoopbackDynamoDbLocal.java` beside this module; the file must keep that name. */
  readonly source?: string;
}

/**
 * Returns the launcher compiled with `javac` into `<cacheRoot>/<hash>/`, compiling it on first use;
 * the hash covers the source text, the DynamoDB Local release folder and the Java major version,
 * so any change of these builds a new folder. Safe when several processes start at once: each
 * compiles into its own temporary folder, then renames it into place; a process that loses the
 * race uses the winner's folder. Without `javac`, or if compiling fails (e.g. a read-only
 * node_modules), it falls back to the source file.
 *
 * @example
 * const launcher = await prepareLauncher({ java, jar: locateDynamoDbLocalJar() });
 * if (launcher.kind === 'compiled') console.log(`cached in ${launcher.classDir}`);
 */
export async function prepareLauncher({
  java,
  jar,
  cacheRoot = LAUNCHER_CACHE_ROOT,
  source = LAUNCHER_SOURCE,
}: PrepareLauncherOptions): Promise<Launcher> {
  if (!java.javac) return { kind: 'source', file: source, reason: `no javac beside ${java.command}` };
  let temp: string | undefined;
  try {
    const text = await readFile(source, 'utf8');
    const classDir = path.join(cacheRoot, launcherHash(text, jar, java.major));
    if (isCompiled(classDir)) return { kind: 'compiled', classDir, compiledNow: false };

    await mkdir(cacheRoot, { recursive: true });
    // Dot-prefixed and on the same file system as the final folder, so the rename is atomic.
    temp = await mkdtemp(path.join(cacheRoot, `.${path.basename(classDir)}-`));
    // The hashed text is compiled, not the file, which may have changed since it was read.
    const copy = path.join(temp, `${LAUNCHER_CLASS}.java`);
    await writeFile(copy, text);
    await compile(java.javac, jar, temp, copy);
    await chmod(temp, 0o755); // mkdtemp makes it private; the cache is as readable as node_modules.
    try {
      await rename(temp, classDir);
    } catch (error) {
      // Another process renamed its folder first (ENOTEMPTY, EEXIST, or EPERM on Windows): use it.
      if (!isCompiled(classDir)) throw error;
      return { kind: 'compiled', classDir, compiledNow: false };
    }
    temp = undefined;
    return { kind: 'compiled', classDir, compiledNow: true };
  } catch (error) {
    return { kind: 'source', file: source, reason: `compiling it failed: ${(error as Error).message}` };
  } finally {
    if (temp) await rm(temp, { recursive: true, force: true });
  }
}

/**
 * Names the cache folder: 16 hex digits of a SHA-256 over what the class depends on. The release
 * targeted by javac is included so that changing it also changes the folder.
 */
export function launcherHash(sourceText: string, jar: DynamoDbLocalJar, javaMajor: number): string {
  const release = path.basename(path.dirname(jar.jar));
  return createHash('sha256')
    .update(JSON.stringify([sourceText, release, javaMajor, MINIMUM_JAVA_MAJOR]))
    .digest('hex')
    .slice(0, 16);
}

/** A folder only appears under its final name once complete (rename), so the class file proves it. */
function isCompiled(classDir: string): boolean {
  return existsSync(path.join(classDir, `${LAUNCHER_CLASS}.class`));
}

function compile(
  javac: string,
  { jar, libDir }: DynamoDbLocalJar,
  outDir: string,
  file: string,
): Promise<void> {
  const args = [
    // Class files any Java 17+ runs, even when this javac is newer than the java that runs them.
    '--release',
    String(MINIMUM_JAVA_MAJOR),
    // No annotation processors: nothing to run, and looking for them scans every jar.
    '-proc:none',
    '-encoding',
    'UTF-8',
    '-nowarn',
    '-cp',
    [jar, path.join(libDir, '*')].join(path.delimiter),
    '-d',
    outDir,
    file,
  ];
  return new Promise((resolve, reject) => {
    execFile(javac, args, { timeout: COMPILE_TIMEOUT_MS, windowsHide: true }, (error, stdout, stderr) => {
      if (!error) return resolve();
      const output = `${stdout}${stderr}`.trim();
      const why = error.killed ? 'timed out' : `exit ${error.code ?? error.signal}`;
      reject(new Error(`${javac} failed (${why})${output ? `\n${output}` : ''}`));
    });
  });
}
