import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';

/** DynamoDB Local 3.x is built for Java 17. */
export const MINIMUM_JAVA_MAJOR = 17;

export interface JavaRuntime {
  /** What to spawn: `$JAVA_HOME/bin/java` or plain `java` (found on PATH). */
  readonly command: string;
  /** As `java -version` reports it, e.g. `17.0.15` or `1.8.0_392`. */
  readonly version: string;
  readonly major: number;
  /**
   * `javac` of the same installation: beside `java`, or beside the file `java` links to (e.g.
   * `/usr/bin/java` → `/usr/lib/jvm/java-17-openjdk-amd64/bin/java`); null when there is none.
   */
  readonly javac: string | null;
}

export interface FindJavaOptions {
  /** Where JAVA_HOME and PATH come from; defaults to `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
  readonly minimumMajor?: number;
}

/**
 * Finds a Java runtime recent enough for DynamoDB Local: `$JAVA_HOME/bin/java` first, then `java`
 * on PATH. A JRE is enough (the loopback launcher is committed compiled); `javac` is only looked
 * for, without a spawn, for the tests and the script that rebuild the launcher. Costs one spawn of
 * `java -version` per candidate. Resolves null when there is no Java recent enough.
 *
 * @example
 * const java = await findJava();
 * if (java) console.log(`Java ${java.version} at ${java.command}`);
 */
export async function findJava({
  env = process.env,
  minimumMajor = MINIMUM_JAVA_MAJOR,
}: FindJavaOptions = {}): Promise<JavaRuntime | null> {
  for (const command of candidates(env)) {
    const output = await javaVersionOutput(command, env);
    const parsed = output === null ? null : parseJavaVersion(output);
    if (parsed && parsed.major >= minimumMajor)
      return { command, ...parsed, javac: javacBeside(command, env) };
  }
  return null;
}

/**
 * Reads the version out of `java -version` output (printed on stderr, possibly after
 * `Picked up JAVA_TOOL_OPTIONS` lines). Handles both `17.0.15` and the pre-9 `1.8.0_392` scheme.
 *
 * @example
 * parseJavaVersion('openjdk version "17.0.15" 2025-04-15'); // { version: '17.0.15', major: 17 }
 */
export function parseJavaVersion(output: string): { version: string; major: number } | null {
  const version = /version "([^"]+)"/.exec(output)?.[1];
  if (version === undefined) return null;
  const [first, second] = version.split(/[.+_-]/);
  const major = Number(first === '1' ? second : first);
  return Number.isInteger(major) && major > 0 ? { version, major } : null;
}

function candidates(env: NodeJS.ProcessEnv): string[] {
  const executable = process.platform === 'win32' ? 'java.exe' : 'java';
  const fromHome = env.JAVA_HOME ? path.join(env.JAVA_HOME, 'bin', executable) : null;
  return fromHome && existsSync(fromHome) ? [fromHome, 'java'] : ['java'];
}

/**
 * The `javac` of the installation `command` runs: beside the real file first (a symlink such as
 * Debian's `/usr/bin/java` leads into the JDK), then beside the link itself. This covers
 * `$JAVA_HOME/bin/javac` when the java of JAVA_HOME is the one picked; a JAVA_HOME whose java was
 * refused (too old, broken) is not consulted, as its javac would be just as old.
 */
function javacBeside(command: string, env: NodeJS.ProcessEnv): string | null {
  const java = path.isAbsolute(command) ? command : onPath(command, env);
  if (!java) return null;
  const javac = process.platform === 'win32' ? 'javac.exe' : 'javac';
  const dirs = new Set([path.dirname(realpathOrSelf(java)), path.dirname(java)]);
  for (const dir of dirs) {
    const file = path.join(dir, javac);
    if (isExecutableFile(file)) return file;
  }
  return null;
}

/** The file a bare command name runs, searched on PATH as the shell would. */
function onPath(name: string, env: NodeJS.ProcessEnv): string | null {
  const executable = process.platform === 'win32' ? `${name}.exe` : name;
  for (const dir of (env.PATH ?? env.Path ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const file = path.join(dir, executable);
    if (isExecutableFile(file)) return file;
  }
  return null;
}

function realpathOrSelf(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return file;
  }
}

function isExecutableFile(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    if (process.platform !== 'win32') accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Resolves the combined output of `java -version`, or null when it cannot run. */
function javaVersionOutput(command: string, env: NodeJS.ProcessEnv): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(command, ['-version'], { env, timeout: 15_000, windowsHide: true }, (error, stdout, stderr) => {
      resolve(error ? null : `${stderr}\n${stdout}`);
    });
  });
}
