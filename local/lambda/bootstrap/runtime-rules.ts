// What Lambda's Node.js 24 runtime enforces on a function: how it finds and accepts the handler
// (an ES module exporting `handler`, no callback-style handlers) and the memory size.
import { pathToFileURL } from 'node:url';
import { types } from 'node:util';
import type { ErrorShape } from '../instance-messages.ts';
import { CALLBACK_HANDLER_MESSAGE } from '../invocation-outcomes.ts';
import type { LambdaContext } from './environment.ts';
import { initError, runtimeError } from './errors.ts';
import { send } from './host-channel.ts';
import { flushPartial } from './log-capture.ts';

/** Node.js 24 calls handlers with the event and the context only, and awaits what they return. */
export type Handler = (event: unknown, context: LambdaContext) => unknown;

/** Imports the bundle (module init) and takes its handler, or the init error the runtime reports. */
export async function loadHandler(bundleFile: string): Promise<Handler | ErrorShape> {
  let exports: Record<string, unknown>;
  try {
    exports = await import(pathToFileURL(bundleFile).href);
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

/**
 * Max Memory Used is the instance process's resident memory, as Lambda measures its runtime
 * process. It is sampled at the start and end of each invocation and every 10 ms while an async
 * handler waits. The V8 heap limit (--max-old-space-size) cannot bound off-heap memory (Buffers),
 * so the sample does: past the memory size, the instance ends as Lambda ends one out of memory.
 */
export class MemoryMeter {
  readonly #limitBytes: number;
  #peakBytes = 0;
  /** True while a handler runs: only then is the memory size enforced here. */
  #invoking = false;
  #sampler: NodeJS.Timeout | undefined;

  constructor(memoryMb: number) {
    this.#limitBytes = memoryMb * 1024 * 1024;
  }

  sample(): void {
    const used = process.memoryUsage.rss();
    this.#peakBytes = Math.max(this.#peakBytes, used);
    if (this.#invoking && used > this.#limitBytes) {
      flushPartial();
      send({ type: 'out-of-memory' });
      process.exit(137);
    }
  }

  startInvocation(): void {
    this.#invoking = true;
    this.sample();
    this.#sampler = setInterval(() => this.sample(), 10);
  }

  endInvocation(): void {
    clearInterval(this.#sampler);
    // A last sample: a handler that never yielded to the sampler is measured (and bounded) here.
    this.sample();
    this.#invoking = false;
  }

  maxMemoryUsedMb(): number {
    this.sample();
    return Math.ceil(this.#peakBytes / (1024 * 1024));
  }
}
