// What the local Lambda service runs: a function's spec and Lambda's defaults for what it leaves out.
import { DEFAULT_LOG_LEVEL, type LogLevel } from '#src/declaration/log-levels.ts';
import { DEFAULT_LOG_FORMAT, type LogFormat } from '#src/declaration/types.ts';

/** A function as the local Lambda service runs it. */
export interface FunctionSpec {
  readonly name: string;
  /**
   * The deployment bundle: an ESM file exporting `handler` (see src/build/bundle-function.ts).
   * Empty while the bundle is not built yet (the local system builds it at the first invocation).
   */
  readonly bundleFile: string;
  /** The function's own variables (its credentials included); the host's environment is not inherited. */
  readonly environment: Readonly<Record<string, string>>;
  /** Becomes the instance's V8 old-space limit. */
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  /** Default `JSON`: console output below `logLevel` is dropped, as Lambda drops it. */
  readonly logFormat?: LogFormat;
  /** The level Lambda filters application logs at in the JSON format (default `INFO`, Lambda's). */
  readonly logLevel?: LogLevel;
  /** The size of the instance's temp folder (its `/tmp`), default 512 MB as on Lambda. */
  readonly ephemeralStorageMb?: number;
}

/** Lambda's defaults for what a spec leaves out. */
export const SPEC_DEFAULTS = {
  logFormat: DEFAULT_LOG_FORMAT,
  logLevel: DEFAULT_LOG_LEVEL,
  ephemeralStorageMb: 512,
} as const;
