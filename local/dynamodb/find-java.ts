import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

/** DynamoDB Local 3.x is built for Java 17. */
export const MINIMUM_JAVA_MAJOR = 17;

export interface JavaRuntime {
  /** What to spawn: `$JAVA_HOME/bin/java` or plain `java` (found on PATH). */
  readonly command: string;
  /** As `java -version` reports it, e.g. `17.0.15` or `1.8.0_392`. */
  readonly version: string;
  readonly major: number;
}

export interface FindJavaOptions {
  /** Where JAVA_HOME and PATH come from; defaults to `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
  readonly minimumMajor?: number;
}

/**
 * Finds a Java runtime recent enough for DynamoDB Local: `$JAVA_HOME/bin/java` first, then `java`
 * on PATH. Usually costs one spawn of `java -version`; resolves null when there is none.
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
    if (parsed && parsed.major >= minimumMajor) return { command, ...parsed };
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

/** Resolves the combined output of `java -version`, or null when it cannot run. */
function javaVersionOutput(command: string, env: NodeJS.ProcessEnv): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(command, ['-version'], { env, timeout: 15_000, windowsHide: true }, (error, stdout, stderr) => {
      resolve(error ? null : `${stderr}\n${stdout}`);
    });
  });
}
