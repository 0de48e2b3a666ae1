// Errors as Lambda's Node.js runtime reports them: their shape for the host, the error document
// it logs after a label (`Invoke Error`, `Init Error`, `Uncaught Exception`), and the exit codes
// of a crash.
import { types } from 'node:util';
import type { ErrorShape } from '../instance-messages.ts';
import { send } from './host-channel.ts';

export function describeError(error: unknown): ErrorShape {
  if (types.isNativeError(error)) return { errorType: error.name, errorMessage: error.message };
  return { errorType: typeof error, errorMessage: String(error) };
}

/**
 * An error as the runtime writes it into a log document: type, message, code, its own enumerable
 * properties (errors nested in them alike) and the stack as an array of lines.
 */
function withEnumerableProperties(value: unknown): unknown {
  if (!types.isNativeError(value)) return value;
  const document: Record<string, unknown> = {
    errorType: value.name,
    errorMessage: value.message,
    code: (value as { code?: unknown }).code,
    ...value,
  };
  if (typeof value.stack === 'string') document.stack = value.stack.split('\n');
  return document;
}

/** The error document Lambda's runtime logs after a label such as `Invoke Error`. */
export function formatError(error: unknown): string {
  if (!types.isNativeError(error)) return `\t${JSON.stringify({ ...describeError(error), stack: [] })}`;
  try {
    return `\t${JSON.stringify(error, (_key, value: unknown) => withEnumerableProperties(value))}`;
  } catch {
    // A property that cannot be serialised (a cycle, a BigInt): the error's own fields only.
    return `\t${JSON.stringify({ ...describeError(error), stack: error.stack?.split('\n') ?? [] })}`;
  }
}

/** What Lambda's runtime reports for a rejection nobody handled: the reason and the promise inside. */
class UnhandledPromiseRejection extends Error {
  readonly reason: unknown;
  readonly promise: unknown;
  constructor(reason: unknown, promise: unknown) {
    super(String(reason));
    this.reason = reason;
    this.promise = promise;
  }
}
// On the prototype, so that the stack names it but the document has no `name` field.
Object.defineProperty(UnhandledPromiseRejection.prototype, 'name', {
  value: 'Runtime.UnhandledPromiseRejection',
});

function crash(label: string, error: unknown, exitCode: number): void {
  console.error(label, formatError(error));
  send({ type: 'crash', ...describeError(error) });
  process.exit(exitCode);
}

/** An error nobody caught ends the instance, with the exit codes of Lambda's Node.js runtime. */
export function crashOnUncaughtErrors(): void {
  process.on('uncaughtException', (error) => crash('Uncaught Exception', error, 129));
  process.on('unhandledRejection', (reason, promise) =>
    crash('Unhandled Promise Rejection', new UnhandledPromiseRejection(reason, promise), 128),
  );
}

/** An init failure, logged as the Node.js 24 runtime logs it (`Init Error`), and its shape. */
export function initError(error: unknown, shape: ErrorShape = describeError(error)): ErrorShape {
  console.error('Init Error', formatError(error));
  return shape;
}

/** A runtime error of this type and message, as the runtime raises it. */
export function runtimeError(errorType: string, errorMessage: string): Error {
  const error = new Error(errorMessage);
  Object.defineProperty(error, 'name', { value: errorType });
  return error;
}
