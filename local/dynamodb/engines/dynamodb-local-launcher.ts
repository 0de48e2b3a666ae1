import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { chmod, copyFile, mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { LOCAL_CACHE_ROOT } from '../../cache-root.ts';
import { isProcessAlive } from '../../process-alive.ts';
import type { DynamoDbLocalJar } from './dynamodb-local-jar.ts';
import { type JavaRuntime, MINIMUM_JAVA_MAJOR } from './find-java.ts';

/** The class that starts DynamoDB Local on 127.0.0.1 (see the .java file). */
export const LAUNCHER_CLASS = 'LoopbackDynamoDbLocal';
export const LAUNCHER_SOURCE = path.join(import.meta.dirname, `${LAUNCHER_CLASS}.java`);
/**
 * The launcher, compiled for Java 17 and committed beside its source, so that a Java runtime
 * without a compiler (a JRE) runs it. `npm run dynamodb-launcher` rebuilds it after an edit of the
 * source; a test checks that it matches the source.
 */
export const LAUNCHER_JAR = path.join(import.meta.dirname, `${LAUNCHER_CLASS}.jar`);
/** One sub-folder per Java, DynamoDB Local release and launcher, holding the class data archive. */
export const LAUNCHER_CACHE_ROOT = path.join(LOCAL_CACHE_ROOT, 'dynamodb-local-launcher');
/** The archive of the classes a previous run loaded, which the JVM maps instead of loading them again. */
export const ARCHIVE_FILE = 'classes.jsa';
const BUILD_TIMEOUT_MS = 120_000;

/**
 * How to run DynamoDB Local: its class path and the JVM options for class data sharing (CDS).
 * `sharing` says whether an archive of a previous run's classes is used, is being recorded by this
 * run (written when the JVM exits cleanly, then used by every later start), or is off (`reason`).
 */
export interface Launcher {
  readonly classPath: readonly string[];
  readonly jvmOptions: readonly string[];
  readonly sharing:
    | { readonly state: 'use'; readonly archive: string }
    | { readonly state: 'record'; readonly archive: string }
    | { readonly state: 'off'; readonly reason: string };
  /**
   * Call once the JVM has exited: keeps the archive it recorded when it exited cleanly (exit code
   * 0, or 143 after SIGTERM), removes a partial one otherwise. Never rejects.
   */
  finish(exit: { code: number | null; signal: NodeJS.Signals | null }): Promise<void>;
}

export interface PrepareLauncherOptions {
  readonly java: JavaRuntime;
  readonly jar: DynamoDbLocalJar;
  /** Defaults to `node_modules/.cache/serverless-microservices/dynamodb-local-launcher`. */
  readonly cacheRoot?: string;
  /** Defaults to the committed `LoopbackDynamoDbLocal.jar`. */
  readonly launcherJar?: string;
}

/**
 * Prepares `<cacheRoot>/<key>/`, whose name covers what a class data archive depends on (see
 * `launcherKey`), with copies of the launcher jar and of `DynamoDBLocal.jar` (see
 * `copyJarWithoutManifest` for why), and returns how to run them: with the archive once there is
 * one, else recording it. Needs no compiler: the launcher is committed compiled. When the cache
 * cannot be written (e.g. a read-only node_modules) DynamoDB Local still runs, without sharing.
 *
 * @example
 * const launcher = await prepareLauncher({ java, jar: locateDynamoDbLocalJar() });
 * spawn(java.command, [...launcher.jvmOptions, '-cp', launcher.classPath.join(path.delimiter), LAUNCHER_CLASS]);
 */
export async function prepareLauncher({
  java,
  jar,
  cacheRoot = LAUNCHER_CACHE_ROOT,
  launcherJar = LAUNCHER_JAR,
}: PrepareLauncherOptions): Promise<Launcher> {
  const libs = path.join(jar.libDir, '*');
  try {
    const dir = path.join(cacheRoot, launcherKey(java, jar, await readFile(launcherJar)));
    await ensureCacheFolder(dir, jar.jar, launcherJar);
    const classPath = [path.join(dir, path.basename(launcherJar)), path.join(dir, 'DynamoDBLocal.jar'), libs];
    const archive = path.join(dir, ARCHIVE_FILE);
    if (existsSync(archive)) {
      return {
        classPath,
        // auto: an archive the JVM cannot use (damaged, or made by another build) is ignored.
        jvmOptions: [`-XX:SharedArchiveFile=${archive}`, '-Xshare:auto', ...QUIET_CDS],
        sharing: { state: 'use', archive },
        finish: async () => {},
      };
    }
    await removeAbandonedRecordings(dir);
    // Named after this process, so a later start can tell an abandoned recording from a live one.
    const recording = path.join(dir, `.${process.pid}-${randomBytes(4).toString('hex')}.jsa`);
    return {
      classPath,
      jvmOptions: [`-XX:ArchiveClassesAtExit=${recording}`, ...QUIET_CDS],
      sharing: { state: 'record', archive },
      async finish({ code, signal }) {
        try {
          if (!signal && (code === 0 || code === 143) && existsSync(recording)) {
            await rename(recording, archive);
          }
        } catch {
          // Another start may be recording the same archive; the next start tries again.
        } finally {
          await rm(recording, { force: true }).catch(() => {});
        }
      },
    };
  } catch (error) {
    return {
      classPath: [launcherJar, jar.jar, libs],
      jvmOptions: [],
      sharing: { state: 'off', reason: `the cache could not be prepared: ${(error as Error).message}` },
      finish: async () => {},
    };
  }
}

/**
 * The archive's warnings (classes it cannot hold, an archive it cannot use) go to stdout by
 * default, where they are noise: sharing is an optimisation, and falls back on its own.
 */
const QUIET_CDS = ['-Xlog:cds=off', '-Xlog:cds+dynamic=off'];

/**
 * Names the cache folder: 16 hex digits of a SHA-256 over what an archive depends on: the Java
 * (version and command), the DynamoDB Local release and its files' modification times (the JVM
 * refuses an archive whose class path jars changed), and the launcher's bytes.
 */
export function launcherKey(java: JavaRuntime, jar: DynamoDbLocalJar, launcherBytes: Buffer): string {
  const release = path.basename(path.dirname(jar.jar));
  const mtimes = [jar.jar, jar.libDir].map((file) => (existsSync(file) ? statSync(file).mtimeMs : 0));
  return createHash('sha256')
    .update(JSON.stringify([java.command, java.version, release, mtimes, MINIMUM_JAVA_MAJOR]))
    .update(launcherBytes)
    .digest('hex')
    .slice(0, 16);
}

/** A folder only appears under its final name once complete (rename), so its jars prove it. */
async function ensureCacheFolder(dir: string, dynamoDbLocalJar: string, launcherJar: string): Promise<void> {
  if (existsSync(path.join(dir, 'DynamoDBLocal.jar'))) return;
  const root = path.dirname(dir);
  await mkdir(root, { recursive: true });
  // Dot-prefixed and on the same file system as the final folder, so the rename is atomic.
  const temp = await mkdtemp(path.join(root, `.${path.basename(dir)}-`));
  try {
    await copyFile(launcherJar, path.join(temp, path.basename(launcherJar)));
    await copyJarWithoutManifest(dynamoDbLocalJar, path.join(temp, 'DynamoDBLocal.jar'));
    await chmod(temp, 0o755); // mkdtemp makes it private; the cache is as readable as node_modules.
    try {
      await rename(temp, dir);
    } catch (error) {
      // Another process renamed its folder first (ENOTEMPTY, EEXIST, or EPERM on Windows): use it.
      if (!existsSync(path.join(dir, 'DynamoDBLocal.jar'))) throw error;
    }
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}

/** Recordings left by a start whose process is gone (killed before its JVM could finish). */
async function removeAbandonedRecordings(dir: string): Promise<void> {
  for (const name of await readdir(dir)) {
    const pid = Number(/^\.(\d+)-[0-9a-f]+\.jsa$/.exec(name)?.[1]);
    if (pid && !isProcessAlive(pid)) await rm(path.join(dir, name), { force: true });
  }
}

const MANIFEST = Buffer.from('META-INF/MANIFEST.MF');
/** Same length, so no offset in the file moves. */
const SET_ASIDE = Buffer.from('META-INF/MANIFEST.NO');

/**
 * Copies a jar with its manifest renamed out of the way. DynamoDB Local's manifest puts `.` (its
 * release folder) on the class path, and the JVM records no class data archive while a class
 * path holds a non-empty folder. The manifest holds nothing else the launcher needs: its
 * dependencies are on the class path already (`DynamoDBLocal_lib/*`). The entry's name is
 * rewritten in place, in the central directory and in its local header; nothing else changes.
 */
export async function copyJarWithoutManifest(from: string, to: string): Promise<void> {
  const zip = await readFile(from);
  // End of central directory: signature, then (at 10) the entry count and (at 16) the directory offset.
  let end = zip.length - 22;
  while (end >= 0 && zip.readUInt32LE(end) !== 0x06054b50) end--;
  if (end < 0) throw new Error(`${from} is not a zip file`);
  const entries = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  if (entries === 0xffff || at === 0xffffffff) throw new Error(`${from} is a zip64 file`);
  for (let i = 0; i < entries; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error(`${from}: unexpected central directory`);
    const nameLength = zip.readUInt16LE(at + 28);
    const name = zip.subarray(at + 46, at + 46 + nameLength);
    if (name.equals(MANIFEST)) {
      const local = zip.readUInt32LE(at + 42);
      const localName = zip.subarray(local + 30, local + 30 + MANIFEST.length);
      if (zip.readUInt32LE(local) !== 0x04034b50 || !localName.equals(MANIFEST)) {
        throw new Error(`${from}: unexpected local header for its manifest`);
      }
      SET_ASIDE.copy(name);
      SET_ASIDE.copy(localName);
    }
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  await writeFile(to, zip);
}

/**
 * Compiles the launcher's source with `javac` for Java 17 and packs it with `jar` into `outJar`,
 * with fixed entry dates and order, so the same JDK always makes the same bytes. For
 * `npm run dynamodb-launcher` and the test that checks the committed jar; never at start-up.
 */
export async function buildLauncherJar(
  javac: string,
  { jar, libDir }: DynamoDbLocalJar,
  outJar: string,
  source = LAUNCHER_SOURCE,
): Promise<void> {
  const temp = await mkdtemp(path.join(os.tmpdir(), 'sm-launcher-'));
  try {
    await run(javac, [
      // Class files any Java 17+ runs, even when this javac is newer.
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
      temp,
      source,
    ]);
    const classes = (await readdir(temp)).filter((name) => name.endsWith('.class')).sort();
    const jarTool = path.join(path.dirname(javac), process.platform === 'win32' ? 'jar.exe' : 'jar');
    await run(jarTool, [
      '--create',
      '--no-manifest',
      '--date=2000-01-01T00:00:00Z',
      `--file=${outJar}`,
      ...classes.flatMap((name) => ['-C', temp, name]),
    ]);
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}

function run(command: string, args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: BUILD_TIMEOUT_MS, windowsHide: true }, (error, stdout, stderr) => {
      if (!error) return resolve();
      const output = `${stdout}${stderr}`.trim();
      reject(
        new Error(`${command} failed (exit ${error.code ?? error.signal})${output ? `\n${output}` : ''}`),
      );
    });
  });
}
