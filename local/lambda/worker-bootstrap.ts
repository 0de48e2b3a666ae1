// Runs inside each instance's worker thread, under bare Node (no tsx): it plays the part of
// Lambda's Node.js runtime. It imports the bundle once at start (module init), then runs one
// invocation at a time. The function's output lines go to the host on the same message port
// as the replies (not through the worker's stdout stream), so the host has every line of an
// invocation when its reply arrives, and writes START/END/REPORT around them itself.
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { format, types } from 'node:util';
import { getHeapStatistics } from 'node:v8';
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import type { Context } from 'aws-lambda';
import { consoleLine } from './lambda-log-lines.ts';
import type { ErrorShape, InstanceData, InstanceMessage, InvokeMessage } from './worker-messages.ts';

/** The context Lambda passes to handlers, without the long-deprecated done/succeed/fail. */
type LambdaContext = Omit<Context, 'done' | 'fail' | 'succeed'>;
type Handler = (
  event: unknown,
  context: LambdaContext,
  callback: (error?: unknown, value?: unknown) => void,
) => unknown;

function requirePort(): MessagePort {
  if (!parentPort) throw new Error('worker-bootstrap runs only inside a worker thread');
  return parentPort;
}

const port = requirePort();
const instance: InstanceData = workerData;

let currentRequestId: string | undefined;
let peakBytes = 0;

// Max Memory Used: threads share one process, so its rss says nothing about one instance. We
// measure the instance's own V8 isolate instead: heap memory committed (total_physical_size)
// plus off-heap memory owned by it (external_memory, e.g. Buffers). It is sampled at the start
// and end of each invocation and every 10 ms while an async handler waits.
function sampleMemory(): void {
  const heap = getHeapStatistics();
  peakBytes = Math.max(peakBytes, heap.total_physical_size + heap.external_memory);
}

function maxMemoryUsedMb(): number {
  sampleMemory();
  return Math.ceil(peakBytes / (1024 * 1024));
}

function send(message: InstanceMessage): void {
  port.postMessage(message);
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

// As Lambda's runtime does: console output carries timestamp, request id and level.
const consoleWriter =
  (level: string) =>
  (...args: unknown[]): void =>
    print(consoleLine(level, currentRequestId, format(...args)));
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

/** The error document Lambda's runtime logs after a label such as `Invoke Error`. */
function formatError(error: unknown): string {
  const stack = types.isNativeError(error) ? (error.stack?.split('\n') ?? []) : [];
  return `\t${JSON.stringify({ ...describeError(error), stack })}`;
}

function crash(label: string, error: unknown, shape: ErrorShape, exitCode: number): void {
  console.error(label, formatError(error));
  send({ type: 'crash', ...shape });
  process.exit(exitCode);
}

// Exit codes are those of Lambda's Node.js runtime.
process.on('uncaughtException', (error) => crash('Uncaught Exception', error, describeError(error), 129));
process.on('unhandledRejection', (reason) => {
  const shape = { errorType: 'Runtime.UnhandledPromiseRejection', errorMessage: String(reason) };
  crash('Unhandled Promise Rejection', reason, shape, 128);
});

async function loadHandler(): Promise<Handler | ErrorShape> {
  let exports: Record<string, unknown>;
  try {
    exports = await import(pathToFileURL(instance.bundleFile).href);
  } catch (error) {
    console.error('Uncaught Exception', formatError(error));
    const code = types.isNativeError(error) && 'code' in error ? error.code : undefined;
    if (code === 'ERR_MODULE_NOT_FOUND')
      return { errorType: 'Runtime.ImportModuleError', errorMessage: String(error) };
    if (error instanceof SyntaxError)
      return { errorType: 'Runtime.UserCodeSyntaxError', errorMessage: String(error) };
    return describeError(error);
  }
  const handler = exports.handler;
  if (typeof handler === 'function') return handler as Handler;
  return { errorType: 'Runtime.HandlerNotFound', errorMessage: 'index.handler is undefined or not exported' };
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

/** Async handlers resolve; callback-style handlers (three parameters) call back. */
function callHandler(handler: Handler, event: unknown, context: LambdaContext): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const callback = (error?: unknown, value?: unknown) => (error == null ? resolve(value) : reject(error));
    const returned = handler(event, context, callback);
    if (types.isPromise(returned)) returned.then(resolve, reject);
    else if (handler.length < 3) resolve(returned);
  });
}

async function invoke(handler: Handler, message: InvokeMessage): Promise<void> {
  const { requestId } = message;
  currentRequestId = requestId;
  sampleMemory();
  const sampler = setInterval(sampleMemory, 10);
  const started = performance.now();
  let outcome: { type: 'result'; json: string } | ({ type: 'error' } & ErrorShape);
  try {
    const value = await callHandler(handler, JSON.parse(message.eventJson), lambdaContext(message));
    // Lambda serialises the result with JSON; undefined (or a function) becomes null.
    outcome = { type: 'result', json: JSON.stringify(value) ?? 'null' };
  } catch (error) {
    console.error('Invoke Error', formatError(error));
    outcome = { type: 'error', ...describeError(error) };
  }
  const durationMs = performance.now() - started;
  clearInterval(sampler);
  flushPartial();
  send({ ...outcome, requestId, durationMs, maxMemoryUsedMb: maxMemoryUsedMb() });
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
  port.on('message', (message: InvokeMessage) => {
    queue = queue.then(() => invoke(loaded, message));
  });
  send({ type: 'ready', maxMemoryUsedMb: maxMemoryUsedMb() });
}

void main();
