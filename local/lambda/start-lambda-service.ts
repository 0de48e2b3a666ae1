import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { InvokeOptions, InvokeOutcome, Invoker, LogSink } from '#local/contracts.ts';
import { bootstrapSource } from './compile-bootstrap.ts';
import { FunctionPool, type FunctionStats } from './function-pool.ts';
import { MAX_PAYLOAD_BYTES, SHUTDOWN_OUTCOME } from './invocation-outcomes.ts';
import { functionArn } from './lambda-environment.ts';

export type { FunctionStats } from './function-pool.ts';

/** A function as the local Lambda service runs it. */
export interface FunctionSpec {
  readonly name: string;
  /** The deployment bundle: an ESM file exporting `handler` (see src/build/bundle-function.ts). */
  readonly bundleFile: string;
  /** The function's own variables (its credentials included); the host's environment is not inherited. */
  readonly environment: Readonly<Record<string, string>>;
  /** Becomes the instance's V8 old-space limit. */
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
}

export interface LambdaServiceOptions {
  readonly functions: readonly FunctionSpec[];
  /** Default `us-east-1`. */
  readonly region?: string;
  readonly logSink: LogSink;
  /** Instances per function at most (default 10); further invocations wait for a free one. */
  readonly maxInstancesPerFunction?: number;
}

export interface LambdaService extends Invoker {
  /** Per function name: instances alive, busy, waiting invocations and cold starts so far. */
  stats(): Record<string, FunctionStats>;
  /** Terminates every instance; invocations still running or waiting get a ServiceException. */
  close(): Promise<void>;
}

/**
 * Starts a local Lambda service: each function runs in worker-thread instances started on
 * demand, with its own environment, module state, memory limit and timeout, and logs every
 * invocation to `logSink` as Lambda does (START, the function's lines, END, REPORT).
 *
 * An `options.signal` passed to `invoke` does not cancel anything: as on AWS, the invocation
 * runs to its end (or its timeout) when API Gateway stops waiting, and the caller simply
 * ignores the outcome.
 *
 * @example
 * const lambda = startLambdaService({
 *   functions: [{ name: 'products-get', bundleFile: '.build/products-get/index.mjs',
 *     environment: { TABLE_NAME: 'products' }, memoryMb: 256, timeoutSeconds: 10 }],
 *   logSink: { write: (fn, line) => console.log(`[${fn}] ${line}`) },
 * });
 * const outcome = await lambda.invoke('products-get', event);
 * await lambda.close();
 */
export function startLambdaService(options: LambdaServiceOptions): LambdaService {
  const region = options.region ?? 'us-east-1';
  const poolOptions = {
    region,
    logSink: options.logSink,
    maxInstances: options.maxInstancesPerFunction ?? 10,
    bootstrap: bootstrapSource(),
  };
  const pools = new Map<string, FunctionPool>();
  for (const spec of options.functions) {
    if (pools.has(spec.name)) throw new Error(`Function ${spec.name} is declared twice`);
    pools.set(spec.name, new FunctionPool(spec, poolOptions));
  }
  let closed = false;

  return {
    async invoke(
      functionName: string,
      event: APIGatewayProxyEvent,
      _options?: InvokeOptions,
    ): Promise<InvokeOutcome> {
      if (closed) return SHUTDOWN_OUTCOME;
      const pool = pools.get(functionName);
      if (!pool) {
        const errorMessage = `Function not found: ${functionArn(region, functionName)}`;
        return { kind: 'error', errorType: 'ResourceNotFoundException', errorMessage };
      }
      const eventJson = JSON.stringify(event);
      if (Buffer.byteLength(eventJson) > MAX_PAYLOAD_BYTES)
        return { kind: 'payload-too-large', direction: 'request' };
      return pool.invoke(randomUUID(), eventJson);
    },

    stats() {
      return Object.fromEntries([...pools].map(([name, pool]) => [name, pool.stats()]));
    },

    async close() {
      closed = true;
      await Promise.all([...pools.values()].map((pool) => pool.close()));
    },
  };
}
