// Runs as each instance's process, under bare Node (no tsx) of the deployed major: it plays the
// part of Lambda's Node.js runtime. It imports the bundle once at start (module init), then runs
// one invocation at a time. The function's output lines go to the host on the same IPC channel as
// the replies (not through the process's stdout), so the host has every line of an invocation when
// its reply arrives, and writes START/END/REPORT around them itself.
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { format, types } from 'node:util';
import type { Context } from 'aws-lambda';
import { severityOf } from '#src/declaration/log-levels.ts';
import type { ErrorShape, InstanceData, InstanceMessage, InvokeMessage } from './instance-messages.ts';
import { folderBytes } from './instance-tmp.ts';
import { CALLBACK_HANDLER_MESSAGE } from './invocation-outcomes.ts';
import { consoleLine } from './lambda-log-lines.ts';

/** The context Lambda passes to handlers, without the long-deprecated done/succeed/fail. */
type LambdaContext = Omit<Context, 'done' | 'fail' | 'succeed'>;
/** Node.js 24 calls handlers with the event and the context only, and awaits what they return. */
type Handler = (event: unknown, context: LambdaContext) => unknown;

const sendToHost = process.send?.bind(process);
if (!sendToHost) throw new Error('instance-bootstrap runs only as a process started with an IPC channel');

// What the instance is comes as its one argument (spawn-instance.ts), taken off argv so that the
// function sees the command line of a runtime: the node binary and this file.
const instance: InstanceData = JSON.parse(process.argv[2] ?? '{}');
process.argv.splice(2);

// The host is gone (stopped or killed): so is the instance.
process.on('disconnect', () => process.exit(0));

let currentRequestId: string | undefined;
let peakBytes = 0;
/** True while a handler runs: only then is the memory size enforced here. */
let invoking = false;
const memoryLimitBytes = instance.memoryMb * 1024 * 1024;

// Max Memory Used is the instance process's resident memory, as Lambda measures its runtime
// process. It is sampled at the start and end of each invocation and every 10 ms while an async
// handler waits. The V8 heap limit (--max-old-space-size) cannot bound off-heap memory (Buffers),
// so the sample does: past the memory size, the instance ends as Lambda ends one out of memory.
function sampleMemory(): void {
  const used = process.memoryUsage.rss();
  peakBytes = Math.max(peakBytes, used);
  if (invoking && used > memoryLimitBytes) {
    flushPartial();
    send({ type: 'out-of-memory' });
    process.exit(137);
  }
}

function maxMemoryUsedMb(): number {
  sampleMemory();
  return Math.ceil(peakBytes / (1024 * 1024));
}

function send(message: InstanceMessage): void {
  sendToHost?.(message);
}

function print(line: string): void {
  send({ type: 'log', lines: [line] });
}

// Text written to stdout or stderr (Powertools Logger writes there) is cut into lines; a last
// unterminated piece waits for its newline, or for the end of the invocation.
let partial = '';
function writeOutput(chunk: unknown, encoding?: unknown, callback?: unknown): boolean {
  const text =
    typeof chunk === 'string'
      ? chunk
      : Buffer.from(chunk as Uint8Array).toString(
          typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8',
        );
  const lines = (partial + text).split('\n');
  partial = lines.pop() ?? '';
  if (lines.length > 0) send({ type: 'log', lines });
  const done = typeof encoding === 'function' ? encoding : callback;
  if (typeof done === 'function') queueMicrotask(() => done());
  return true;
}

function flushPartial(): void {
  if (partial !== '') print(partial);
  partial = '';
}

const minimumLevel = instance.minimumLogLevel === null ? -1 : severityOf(instance.minimumLogLevel);

// As Lambda's runtime does: console output carries timestamp, request id and level, and in the
// JSON log format a call below AWS_LAMBDA_LOG_LEVEL writes nothing.
const consoleWriter = (level: string) =>
  severityOf(level) < minimumLevel
    ? () => {}
    : (...args: unknown[]): void => print(consoleLine(level, currentRequestId, format(...args)));
console.log = consoleWriter('INFO');
console.info = consoleWriter('INFO');
console.debug = consoleWriter('DEBUG');
console.warn = consoleWriter('WARN');
console.error = consoleWriter('ERROR');
console.trace = consoleWriter('TRACE');
// On Lambda stdout and stderr end up in one log; sharing one writer here keeps their order.
process.stdout.write = writeOutput as typeof process.stdout.write;
process.stderr.write = writeOutput as typeof process.stderr.write;
// Whatever a dying instance printed last still reaches the host before it exits.
process.on('exit', flushPartial);

function describeError(error: unknown): ErrorShape {
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
function formatError(error: unknown): string {
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

// Exit codes are those of Lambda's Node.js runtime.
process.on('uncaughtException', (error) => crash('Uncaught Exception', error, 129));
process.on('unhandledRejection', (reason, promise) =>
  crash('Unhandled Promise Rejection', new UnhandledPromiseRejection(reason, promise), 128),
);

/** An init failure, logged as the Node.js 24 runtime logs it (`Init Error`), and its shape. */
function initError(error: unknown, shape: ErrorShape = describeError(error)): ErrorShape {
  console.error('Init Error', formatError(error));
  return shape;
}

/** A runtime error of this type and message, as the runtime raises it. */
function runtimeError(errorType: string, errorMessage: string): Error {
  const error = new Error(errorMessage);
  Object.defineProperty(error, 'name', { value: errorType });
  return error;
}

async function loadHandler(): Promise<Handler | ErrorShape> {
  let exports: Record<string, unknown>;
  try {
    exports = await import(pathToFileURL(instance.bundleFile).href);
  } catch (error) {
    const code = types.isNativeError(error) && 'code' in error ? error.code : undefined;
    if (code === 'ERR_MODULE_NOT_FOUND')
      return initError(error, { errorType: 'Runtime.ImportModuleError', errorMessage: String(error) });
    if (error instanceof SyntaxError)
      return initError(error, { errorType: 'Runtime.UserCodeSyntaxError', errorMessage: String(error) });
    return initError(error);
  }
  const handler = exports.handler;
  if (typeof handler !== 'function')
    return initError(runtimeError('Runtime.HandlerNotFound', 'index.handler is undefined or not exported'));
  // Node.js 24 tells a callback-style handler by its declared parameters and refuses it at init.
  if (handler.length >= 3)
    return initError(runtimeError('Runtime.CallbackHandlerDeprecated', CALLBACK_HANDLER_MESSAGE));
  return handler as Handler;
}

function lambdaContext(message: InvokeMessage): LambdaContext {
  return {
    functionName: instance.functionName,
    functionVersion: instance.functionVersion,
    invokedFunctionArn: instance.invokedFunctionArn,
    memoryLimitInMB: String(instance.memoryMb),
    awsRequestId: message.requestId,
    logGroupName: instance.logGroupName,
    logStreamName: instance.logStreamName,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, message.deadline - Date.now()),
  };
}

async function invoke(handler: Handler, message: InvokeMessage): Promise<void> {
  const { requestId } = message;
  currentRequestId = requestId;
  process.env._X_AMZN_TRACE_ID = message.traceId;
  invoking = true;
  sampleMemory();
  const sampler = setInterval(sampleMemory, 10);
  const started = performance.now();
  let outcome: { type: 'result'; json: string } | ({ type: 'error' } & ErrorShape);
  try {
    // A synchronous throw and a rejection end alike: as an invocation error.
    const value = await handler(JSON.parse(message.eventJson), lambdaContext(message));
    // Lambda serialises the result with JSON; undefined (or a function) becomes null.
    outcome = { type: 'result', json: JSON.stringify(value) ?? 'null' };
  } catch (error) {
    console.error('Invoke Error', formatError(error));
    outcome = { type: 'error', ...describeError(error) };
  }
  const durationMs = performance.now() - started;
  clearInterval(sampler);
  // A last sample: a handler that never yielded to the sampler is measured (and bounded) here.
  sampleMemory();
  invoking = false;
  flushPartial();
  // Measured here, on the instance's own thread, so that the host's event loop (the gateway) never walks a folder.
  const tmpBytes = folderBytes(process.env.TMPDIR ?? '');
  send({ ...outcome, requestId, durationMs, maxMemoryUsedMb: maxMemoryUsedMb(), tmpBytes });
}

async function main(): Promise<void> {
  const loaded = await loadHandler();
  flushPartial();
  if (typeof loaded !== 'function') {
    send({ type: 'init-error', ...loaded });
    return;
  }
  // The host sends one invocation at a time; the chain keeps it so even if it did not.
  let queue = Promise.resolve();
  process.on('message', (message: InvokeMessage) => {
    queue = queue.then(() => invoke(loaded, message));
  });
  send({ type: 'ready', maxMemoryUsedMb: maxMemoryUsedMb() });
}

void main();
