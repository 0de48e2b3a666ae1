// The console's overview: services, routes, functions with their exact permissions (and those not
// used since start), tables with their keys and indexes, from the declarations running now.
import type { RouteBinding } from '#local/contracts.ts';
import type { FunctionPolicy } from '#local/dynamodb/iam/policy-types.ts';
import type { UnusedPermissions } from '#local/dynamodb/iam/unused-permissions.ts';
import { encodeAccessRule } from '#src/declaration/access.ts';
import { LAMBDA_NODEJS_RUNTIME } from '#src/declaration/lambda-runtime.ts';
import type { LoadedService } from '#src/declaration/load-services.ts';
import type { TableDeclaration } from '#src/declaration/types.ts';

export interface OverviewSources {
  services(): readonly LoadedService[];
  routes(): readonly RouteBinding[];
  policies(): ReadonlyMap<string, FunctionPolicy>;
  unusedPermissions(): UnusedPermissions;
  generation(): number;
}

const list = (value: string | readonly string[] | undefined): string[] =>
  value === undefined ? [] : typeof value === 'string' ? [value] : [...value];

/** A table as the console lists it: its key and its indexes' keys. */
export function tableView(table: TableDeclaration) {
  return {
    name: table.name,
    partitionKey: table.partitionKey,
    ...(table.sortKey ? { sortKey: table.sortKey } : {}),
    indexes: (table.indexes ?? []).map((index) => ({
      name: index.name,
      partitionKey: index.key.hash.attribute,
      ...(index.key.range ? { sortKey: index.key.range.attribute } : {}),
    })),
  };
}

export function overview(sources: OverviewSources) {
  const services = sources.services();
  const routes = sources.routes();
  const policies = sources.policies();
  const unused = sources.unusedPermissions();
  return {
    generation: sources.generation(),
    services: services.map(({ service }) => ({
      name: service.name,
      routes: service.functions.map((fn) => ({
        method: fn.method,
        path: fn.path,
        access: encodeAccessRule(fn.access),
        function: fn.name,
        authorization: routes.find((r) => r.functionName === fn.name)?.authorizationType ?? 'NONE',
      })),
    })),
    functions: services.flatMap(({ service }) =>
      service.functions.map((fn) => {
        const allows = (policies.get(fn.name)?.statements ?? []).filter((s) => s.Effect === 'Allow');
        const permissions = allows.map((s) => ({ actions: list(s.Action), resources: list(s.Resource) }));
        return {
          name: fn.name,
          service: service.name,
          table: service.table.name,
          memoryMb: fn.memoryMb,
          timeoutSeconds: fn.timeoutSeconds,
          runtime: LAMBDA_NODEJS_RUNTIME,
          permissions,
          unusedPermissions: (unused.get(fn.name) ?? []).flatMap((action) =>
            permissions
              .filter((p) => p.actions.includes(action))
              .flatMap((p) => p.resources.map((resource) => ({ action, resource }))),
          ),
        };
      }),
    ),
    tables: services.map(({ service }) => tableView(service.table)),
  };
}
