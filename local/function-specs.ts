// What the local Lambda service and gateway run, derived from the declarations and the bundles.
import { needsToken } from '#src/declaration/access.ts';
import { bodyMediaTypes } from '#src/declaration/api-settings.ts';
import { bodyDraft4Schema } from '#src/declaration/body-schema.ts';
import { functionEnvironment, type LogLevel } from '#src/declaration/function-environment.ts';
import { LOCAL_IDEMPOTENCY_TABLE } from '#src/declaration/idempotency.ts';
import type { LoadedService } from '#src/declaration/load-services.ts';
import type { BuiltBundle } from './build/incremental-bundles.ts';
import type { RouteBinding } from './contracts.ts';
import { localAccessKey } from './dynamodb/guarded-dynamodb.ts';
import type { FunctionSpec } from './lambda/function-spec.ts';

export interface SpecContext {
  readonly endpoint: string;
  readonly logLevel: LogLevel;
  /** The stage's CORS origins, which the functions answer with. */
  readonly corsOrigins: readonly string[];
  /** The developer's credentials, only with an external endpoint. */
  readonly hostCredentials: Record<string, string> | undefined;
}

/** Every declared function with its bundle and its own environment. */
export function functionSpecs(
  services: readonly LoadedService[],
  bundles: ReadonlyMap<string, Pick<BuiltBundle, 'file'>>,
  context: SpecContext,
): FunctionSpec[] {
  return services.flatMap(({ service }) =>
    service.functions.map((fn) => ({
      name: fn.name,
      bundleFile: bundles.get(fn.name)?.file ?? '',
      memoryMb: fn.memoryMb,
      timeoutSeconds: fn.timeoutSeconds,
      logFormat: fn.logFormat,
      // The level the stack deploys as the application log level (JSON format only).
      logLevel: context.logLevel,
      environment: {
        ...functionEnvironment(service, fn, {
          tableName: service.table.name,
          logLevel: context.logLevel,
          corsOrigins: context.corsOrigins,
          idempotencyTableName: LOCAL_IDEMPOTENCY_TABLE,
        }),
        AWS_ENDPOINT_URL_DYNAMODB: context.endpoint,
        // The SDK warns once per instance that Node 20 support ends; deployed functions run a
        // newer Node, so the warning says nothing about them and would repeat in every worker.
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        ...(context.hostCredentials ?? localCredentials(fn.name)),
      },
    })),
  );
}

/** Every declared route and the function behind it. */
export function routeBindings(services: readonly LoadedService[]): RouteBinding[] {
  return services.flatMap(({ service }) =>
    service.functions.map((fn) => {
      const route = {
        method: fn.method,
        resource: fn.path,
        functionName: fn.name,
        authorizationType: needsToken(fn.access) ? ('COGNITO_USER_POOLS' as const) : ('NONE' as const),
      };
      if (!fn.body) return route;
      // The same models the stack deploys, for the same media types.
      const model = bodyDraft4Schema(fn.body);
      return {
        ...route,
        requestModels: Object.fromEntries(bodyMediaTypes(fn.method).map((t) => [t, model])),
      };
    }),
  );
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
