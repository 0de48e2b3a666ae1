import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LOCAL_ACCOUNT_ID } from '#local/local-account.ts';
import type { LogLevel } from '#src/declaration/function-environment.ts';
import { LAMBDA_EXECUTION_ENV } from '#src/declaration/lambda-runtime.ts';
import type { LogFormat } from '#src/declaration/types.ts';
import { pooledRandomBytes } from '#src/domain/random-pool.ts';

/** What identifies one instance of a function to itself. */
export interface InstanceIdentity {
  readonly functionName: string;
  readonly bundleFile: string;
  readonly memoryMb: number;
  readonly region: string;
  readonly logStreamName: string;
  readonly logFormat: LogFormat;
  /** The level Lambda filters application logs at (JSON format only). */
  readonly logLevel: LogLevel;
  /** The instance's own temp folder, its `/tmp`. */
  readonly tmpDir: string;
  /** The folder of the Node.js binary the instance runs on (default: the host's), first on PATH. */
  readonly nodeFolder?: string;
}

/**
 * Lambda's Runtime API address. Nothing serves it locally: the bootstrap talks to the host over
 * the instance process's IPC channel instead. Only custom runtimes and extensions would call it.
 */
export const RUNTIME_API_ADDRESS = '127.0.0.1:9001';

/** Where the runtime's own code lives (`/var/runtime` on Lambda): here, the bootstrap's folder. */
export const RUNTIME_DIR = path.dirname(fileURLToPath(import.meta.url));

/** The bin folders of Lambda's PATH, with the instance's Node folder in place of `/var/lang/bin`. */
const runtimePath = (nodeFolder: string) =>
  [nodeFolder, '/usr/local/bin', '/usr/bin', '/bin'].join(path.delimiter);

export const FUNCTION_VERSION = '$LATEST';

export function functionArn(region: string, functionName: string): string {
  return `arn:aws:lambda:${region}:${LOCAL_ACCOUNT_ID}:function:${functionName}`;
}

export function logGroupName(functionName: string): string {
  return `/aws/lambda/${functionName}`;
}

/**
 * A fresh log stream name in AWS's format, one per instance, as each execution environment
 * writes its own stream.
 *
 * @example
 * newLogStreamName(new Date('2024-05-01T10:00:00Z')); // '2024/05/01/[$LATEST]3f9c…' (32 hex digits)
 */
export function newLogStreamName(now = new Date()): string {
  const day = now.toISOString().slice(0, 10).replaceAll('-', '/');
  return `${day}/[${FUNCTION_VERSION}]${pooledRandomBytes(16).toString('hex')}`;
}

/**
 * An X-Ray trace header as Lambda puts it in `_X_AMZN_TRACE_ID` for one invocation: the root of the
 * trace API Gateway started (`Root=1-<8 hex epoch seconds>-<24 hex>`) when `root` is given, else a
 * new one, a new parent segment id, and not sampled (no X-Ray daemon runs locally).
 *
 * @example
 * traceHeader('Root=1-66704cad-0123456789abcdef01234567');
 * // 'Root=1-66704cad-0123456789abcdef01234567;Parent=9f2c0d4e1a2b3c4d;Sampled=0'
 */
export function traceHeader(root?: string, now = Date.now()): string {
  const traceRoot =
    root ??
    `Root=1-${Math.floor(now / 1000)
      .toString(16)
      .padStart(8, '0')}-${pooledRandomBytes(12).toString('hex')}`;
  return `${traceRoot};Parent=${pooledRandomBytes(8).toString('hex')};Sampled=0`;
}

const TRACE_ROOT = /(?:^|;)\s*(Root=1-[0-9a-f]{8}-[0-9a-f]{24})/;

/** The `Root=…` part of an `X-Amzn-Trace-Id` header, if it has a well-formed one. */
export function traceRootOf(header: string | undefined): string | undefined {
  return header === undefined ? undefined : TRACE_ROOT.exec(header)?.[1];
}

/**
 * The complete environment of an instance: the function's own variables plus those Lambda sets.
 * Nothing comes from the host's environment (not `NODE_OPTIONS`, not `PATH`), so no function sees
 * another's variables or the developer's AWS credentials; credentials arrive only through `own`.
 * Lambda's reserved variables win over `own`, as AWS refuses to let a function set them; those it
 * lets a function set (`LANG`, `PATH`, `TZ`) come before `own`. `TMPDIR`, `TEMP` and `TMP` are
 * local additions: they point `os.tmpdir()` at the instance's own temp folder.
 * `_X_AMZN_TRACE_ID` is set by the bootstrap for each invocation.
 */
export function instanceEnvironment(
  own: Readonly<Record<string, string>>,
  instance: InstanceIdentity,
): Record<string, string> {
  return {
    LANG: 'en_US.UTF-8',
    PATH: runtimePath(instance.nodeFolder ?? path.dirname(process.execPath)),
    TZ: ':UTC',
    ...own,
    AWS_LAMBDA_FUNCTION_NAME: instance.functionName,
    AWS_LAMBDA_FUNCTION_VERSION: FUNCTION_VERSION,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(instance.memoryMb),
    AWS_LAMBDA_LOG_GROUP_NAME: logGroupName(instance.functionName),
    AWS_LAMBDA_LOG_STREAM_NAME: instance.logStreamName,
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_REGION: instance.region,
    AWS_DEFAULT_REGION: instance.region,
    AWS_EXECUTION_ENV: LAMBDA_EXECUTION_ENV,
    AWS_LAMBDA_LOG_FORMAT: instance.logFormat,
    // Lambda sets the application log level only with the JSON format, which is what filters by it.
    ...(instance.logFormat === 'JSON' ? { AWS_LAMBDA_LOG_LEVEL: instance.logLevel } : {}),
    AWS_LAMBDA_RUNTIME_API: RUNTIME_API_ADDRESS,
    _HANDLER: 'index.handler',
    LAMBDA_TASK_ROOT: path.dirname(instance.bundleFile),
    LAMBDA_RUNTIME_DIR: RUNTIME_DIR,
    TMPDIR: instance.tmpDir,
    TEMP: instance.tmpDir,
    TMP: instance.tmpDir,
  };
}
