// What the local Lambda service runs: each function of the synthesized stack with its bundle.
import type { BuiltBundle } from './build/incremental-bundles.ts';
import { localAccessKey } from './dynamodb/guard/guarded-dynamodb.ts';
import type { FunctionSpec } from './lambda/function-spec.ts';
import type { StackFunction } from './stack/local-stack.ts';

export interface SpecContext {
  /** The DynamoDB endpoint functions call: the local IAM guard, or an external endpoint. */
  readonly endpoint: string;
  /** The developer's credentials, only with an external endpoint. */
  readonly hostCredentials: Record<string, string> | undefined;
}

/**
 * Every function of the stack with its bundle: memory, timeout, environment, log format and level
 * as the template deploys them, plus what only the local system needs (its endpoint, its keys).
 */
export function functionSpecs(
  functions: readonly StackFunction[],
  bundles: ReadonlyMap<string, Pick<BuiltBundle, 'file'>>,
  context: SpecContext,
): FunctionSpec[] {
  return functions.map((fn) => ({
    name: fn.name,
    bundleFile: bundles.get(fn.name)?.file ?? '',
    memoryMb: fn.memoryMb,
    timeoutSeconds: fn.timeoutSeconds,
    logFormat: fn.logFormat,
    ...(fn.logLevel ? { logLevel: fn.logLevel } : {}),
    environment: {
      ...fn.environment,
      AWS_ENDPOINT_URL_DYNAMODB: context.endpoint,
      // The SDK warns once per instance that Node 20 support ends; deployed functions run a
      // newer Node, so the warning says nothing about them and would repeat in every worker.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      ...(context.hostCredentials ?? localCredentials(fn.name)),
    },
  }));
}

/** With an external endpoint (e.g. real AWS), functions use the developer's own credentials. */
export function awsCredentialsFrom(env: NodeJS.ProcessEnv): Record<string, string> | undefined {
  const names = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'HOME'];
  const found = Object.fromEntries(names.flatMap((name) => (env[name] ? [[name, env[name]]] : [])));
  return found.AWS_ACCESS_KEY_ID || found.AWS_PROFILE ? found : undefined;
}

/**
 * Each function reaches DynamoDB with credentials of its own, never the developer's: the
 * access key names the function, which is where a local IAM check can tell callers apart.
 */
function localCredentials(principal: string) {
  return {
    AWS_ACCESS_KEY_ID: localAccessKey(principal),
    AWS_SECRET_ACCESS_KEY: 'local',
  };
}
