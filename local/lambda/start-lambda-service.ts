import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { InvokeOptions, InvokeOutcome, Invoker, LogSink } from '#local/contracts.ts';
import { LOCAL_REGION } from '#local/local-account.ts';
import { scratchDirSync } from '../build/scratch-dir.ts';
import { bootstrapSource } from './compile-bootstrap.ts';
import { type DeployedNode, resolveDeployedNode } from './deployed-runtime.ts';
import { FunctionPool, type FunctionStats } from './function-pool.ts';
import type { FunctionSpec } from './function-spec.ts';
import { InspectorPorts } from './inspector-ports.ts';
import { MAX_PAYLOAD_BYTES, SHUTDOWN_OUTCOME } from './invocation-outcomes.ts';
import { functionArn, traceRootOf } from './lambda-environment.ts';
import { bootstrapFileIn, instanceLaunch, instanceRuntime } from './spawn-instance.ts';
import { StandbyProcesses } from './standby-processes.ts';

export type { FunctionStats } from './function-pool.ts';

export interface LambdaServiceOptions {
  readonly functions: readonly FunctionSpec[];
  /** Default `us-east-1`. */
  readonly region?: string;
  readonly logSink: LogSink;
  /** Instances per function at most (default: see DEFAULT_MAX_INSTANCES); further invocations wait. */
  readonly maxInstancesPerFunction?: number;
  /** A function's last idle instance is stopped after this long (default DEFAULT_IDLE_TIMEOUT_MS). */
  readonly idleTimeoutMs?: number;
  /** Its other idle instances are stopped after this long (default DEFAULT_SCALE_IN_MS). */
  readonly scaleInMs?: number;
  /** The Node.js instances run on (default: the deployed major's, see deployed-runtime.ts). */
  readonly node?: DeployedNode;
  /**
   * Open each instance's inspector on loopback, the first on `port`, each further one on the
   * lowest port above it that no running instance holds (`npm start -- --inspect`).
   */
  readonly inspect?: { readonly port: number };
  /**
   * Builds the bundle of a function served without one (its spec's `bundleFile` is empty) and
   * serves it through `update` before it resolves. The function's first invocation waits for it;
   * invocations that come meanwhile wait for the same build. Rejects with the build's error.
   */
  readonly buildBundle?: (functionName: string) => Promise<void>;
}

/** The `X-Amzn-Trace-Id` header API Gateway passed on, whatever the case of its name. */
function traceHeaderOf(event: APIGatewayProxyEvent): string | undefined {
  const headers = event.headers ?? {};
  const exact = headers['X-Amzn-Trace-Id'];
  if (exact !== undefined) return exact;
  const name = Object.keys(headers).find((key) => key.toLowerCase() === 'x-amzn-trace-id');
  return name === undefined ? undefined : headers[name];
}

/**
 * One machine's cores bound how many instances can do work at once: each instance beyond that
 * only adds a heap and a JIT to warm. Lambda would scale much further; here invocations wait.
 */
export const DEFAULT_MAX_INSTANCES = Math.max(2, availableParallelism());
/** Lambda keeps an idle instance for minutes; a laptop wants its memory back sooner. */
export const DEFAULT_IDLE_TIMEOUT_MS = 30_000;
/**
 * The extra instances a burst started (each an isolate of tens of MB) go sooner: a function keeps
 * one warm instance, and the memory of the others comes back a few seconds after the burst.
 */
export const DEFAULT_SCALE_IN_MS = 5_000;

export interface LambdaService extends Invoker {
  /** Per function name: instances alive, busy, waiting invocations and cold starts so far. */
  stats(): Record<string, FunctionStats>;
  /**
   * Serves `functions` from now on (after a rebuild): a function whose spec is given runs it
   * in new instances, its old instances retiring once idle; new names are added; functions
   * not given keep running as they are (nothing is dropped).
   */
  update(functions: readonly FunctionSpec[]): void;
  /** Terminates every instance; invocations still running or waiting get a ServiceException. */
  close(): Promise<void>;
}

/**
 * Starts a local Lambda service: each function runs in instances started on demand, each a
 * process of the Node.js major the stack deploys, with its own environment, module state, memory limit and timeout, and logs every
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
  const region = options.region ?? LOCAL_REGION;
  const names = options.functions.map((spec) => spec.name);
  const twice = names.find((name, i) => names.indexOf(name) !== i);
  if (twice) throw new Error(`Function ${twice} is declared twice`);
  // Every instance's temp folder lives in this one, which goes with the service even after `kill -9`.
  const tmp = scratchDirSync('sm-lambda-tmp-');
  const node = options.node ?? resolveDeployedNode();
  // Processes started ahead of need (standby-processes.ts); not with --inspect, whose port each instance's Node opens as it boots.
  const standbys = options.inspect ? undefined : new StandbyProcesses(tmp.dir);
  const poolOptions = {
    region,
    logSink: options.logSink,
    maxInstances: options.maxInstancesPerFunction ?? DEFAULT_MAX_INSTANCES,
    idleTimeoutMs: options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
    scaleInMs: options.scaleInMs ?? DEFAULT_SCALE_IN_MS,
    runtime: instanceRuntime(node),
    bootstrap: bootstrapSource(),
    tmpRoot: tmp.dir,
    ...(options.inspect ? { inspector: new InspectorPorts(options.inspect.port) } : {}),
    ...(standbys ? { standbys } : {}),
  };
  const pools = new Map<string, FunctionPool>();
  for (const spec of options.functions) {
    pools.set(spec.name, new FunctionPool(spec, poolOptions));
  }
  // The first cold start finds a standby too: one for each kind of launch the functions need.
  if (standbys) {
    const bootstrapFile = bootstrapFileIn(tmp.dir, poolOptions.bootstrap);
    for (const spec of options.functions)
      standbys.prepare(instanceLaunch(spec, region, poolOptions.runtime, bootstrapFile, '', tmp.dir));
  }
  let closed = false;
  const { buildBundle } = options;
  /** Bundles being built for a first invocation, by function name. */
  const building = new Map<string, Promise<void>>();
  /** Invocations waiting for their function's bundle, by function name. */
  const awaitingBuild = new Map<string, number>();
  const bundleBuilt = (functionName: string, build: (name: string) => Promise<void>) => {
    let made = building.get(functionName);
    if (!made) {
      made = build(functionName).finally(() => building.delete(functionName));
      building.set(functionName, made);
    }
    return made;
  };

  return {
    async invoke(
      functionName: string,
      event: APIGatewayProxyEvent,
      options?: InvokeOptions,
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
      if (pool.spec.bundleFile === '' && buildBundle) {
        awaitingBuild.set(functionName, (awaitingBuild.get(functionName) ?? 0) + 1);
        try {
          await bundleBuilt(functionName, buildBundle);
        } catch (error) {
          // The code cannot be loaded: the caller gets a service fault, the terminal esbuild's messages.
          const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
          return {
            kind: 'error',
            errorType: 'ServiceException',
            errorMessage: `The local Lambda service could not build ${functionName}: ${reason}`,
          };
        } finally {
          awaitingBuild.set(functionName, (awaitingBuild.get(functionName) ?? 1) - 1);
        }
        if (closed) return SHUTDOWN_OUTCOME;
      }
      return pool.invoke(randomUUID(), eventJson, traceRootOf(traceHeaderOf(event)), options?.observer);
    },

    update(functions) {
      for (const spec of functions) {
        const pool = pools.get(spec.name);
        if (pool) pool.replace(spec);
        else pools.set(spec.name, new FunctionPool(spec, poolOptions));
      }
    },

    stats() {
      return Object.fromEntries(
        [...pools].map(([name, pool]) => {
          const stats = pool.stats();
          // An invocation waiting for its function's bundle is queued, as one waiting for an instance.
          return [name, { ...stats, queued: stats.queued + (awaitingBuild.get(name) ?? 0) }];
        }),
      );
    },

    async close() {
      closed = true;
      await Promise.all([standbys?.close(), ...[...pools.values()].map((pool) => pool.close())]);
      await tmp.remove();
    },
  };
}
