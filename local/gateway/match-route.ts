// Picks the REST API resource and method for a request path, the way API Gateway (REST, v1) does.
//
// Path encoding: API Gateway routes on the path exactly as the client sent it and passes it on
// still percent-encoded, in `path` and in `pathParameters` alike (a capture from AWS shows
// `/user/test%2Balias@gmail.com` arriving as `test%2Balias@gmail.com`; aws-sam-cli#771 and
// serverless-offline#265 report the same). Only query strings are decoded. So we never decode
// here either, and an encoded slash `%2F` stays inside its segment: `/products/a%2Fb` matches
// `/products/{id}` with `id` = `a%2Fb`; it never reaches a deeper resource.
//
// Trailing slashes are ignored for matching (`/products/` is `/products`), as on AWS.
import type { RouteBinding } from '#local/contracts.ts';

/** What the gateway should do with a request. */
export type RouteMatch<R extends RouteBinding = RouteBinding> =
  /** A declared method: invoke `binding.functionName`. `pathParameters` is null when the resource has none. */
  | {
      readonly kind: 'integration';
      readonly binding: R;
      readonly pathParameters: Readonly<Record<string, string>> | null;
    }
  /** OPTIONS on a resource that declares no OPTIONS method: a CORS preflight (see start-gateway.ts). */
  | { readonly kind: 'preflight'; readonly resource: string }
  /** Unknown path, or a method the resource does not declare: AWS answers 403 Missing Authentication Token. */
  | { readonly kind: 'missing' };

interface Resource<R> {
  readonly template: string;
  readonly methods: Map<string, R>;
}

interface Node<R> {
  readonly literals: Map<string, Node<R>>;
  param?: { readonly name: string; readonly node: Node<R> };
  greedy?: { readonly name: string; readonly resource: Resource<R> };
  resource?: Resource<R>;
}

const PARAM = /^\{([A-Za-z0-9._-]+)(\+?)\}$/;

/**
 * Builds the router of a REST API from its routes. Literal segments win over `{param}` segments,
 * which win over a greedy `{name+}`; a branch that dead-ends falls back to the next candidate.
 * A method `ANY` matches every method the resource does not declare explicitly.
 *
 * @example
 * const route = createRouter([{ method: 'GET', resource: '/products/{id}', functionName: 'products-get' }]);
 * route('GET', '/products/01J0ABC');
 * // → { kind: 'integration', binding: {...}, pathParameters: { id: '01J0ABC' } }
 * route('DELETE', '/products/01J0ABC'); // → { kind: 'missing' }
 */
export function createRouter<R extends RouteBinding>(
  routes: readonly R[],
): (method: string, path: string) => RouteMatch<R> {
  const root = newNode<R>();
  for (const route of routes) addRoute(root, route);

  return (method, path) => {
    const found = walk(root, splitPath(path), 0, []);
    if (!found) return { kind: 'missing' };
    const binding = found.resource.methods.get(method) ?? found.resource.methods.get('ANY');
    if (binding) {
      const pathParameters = found.params.length ? Object.fromEntries(found.params) : null;
      return { kind: 'integration', binding, pathParameters };
    }
    if (method === 'OPTIONS') return { kind: 'preflight', resource: found.resource.template };
    return { kind: 'missing' };
  };
}

function newNode<R>(): Node<R> {
  return { literals: new Map() };
}

function addRoute<R extends RouteBinding>(root: Node<R>, route: R): void {
  if (!route.resource.startsWith('/')) throw new Error(`Resource ${route.resource} must start with /`);
  const segments = route.resource === '/' ? [] : route.resource.slice(1).split('/');
  let node = root;
  for (const [index, segment] of segments.entries()) {
    const param = PARAM.exec(segment);
    if (!param) {
      if (segment === '' || /[{}]/.test(segment))
        throw new Error(`Bad segment "${segment}" in ${route.resource}`);
      node = child(node.literals, segment);
      continue;
    }
    const [, name = '', plus] = param;
    if (plus) {
      if (index !== segments.length - 1)
        throw new Error(`${route.resource}: {${name}+} must be the last segment`);
      if (node.greedy && node.greedy.name !== name) {
        throw new Error(`${route.resource}: {${name}+} clashes with sibling {${node.greedy.name}+}`);
      }
      node.greedy ??= { name, resource: { template: route.resource, methods: new Map() } };
      bind(node.greedy.resource, route);
      return;
    }
    // API Gateway refuses two differently named variables under one parent, and so do we.
    if (node.param && node.param.name !== name) {
      throw new Error(`${route.resource}: {${name}} clashes with sibling {${node.param.name}}`);
    }
    node.param ??= { name, node: newNode<R>() };
    node = node.param.node;
  }
  node.resource ??= { template: route.resource, methods: new Map() };
  bind(node.resource, route);
}

function child<R>(literals: Map<string, Node<R>>, segment: string): Node<R> {
  const existing = literals.get(segment);
  if (existing) return existing;
  const created = newNode<R>();
  literals.set(segment, created);
  return created;
}

function bind<R extends RouteBinding>(resource: Resource<R>, route: R): void {
  if (resource.methods.has(route.method))
    throw new Error(`Duplicate route ${route.method} ${route.resource}`);
  resource.methods.set(route.method, route);
}

function splitPath(path: string): string[] {
  const trimmed = path.replace(/\/+$/, '');
  return trimmed === '' ? [] : trimmed.replace(/^\//, '').split('/');
}

type Found<R> = {
  readonly resource: Resource<R>;
  readonly params: ReadonlyArray<readonly [string, string]>;
};

function walk<R>(
  node: Node<R>,
  segments: string[],
  index: number,
  params: Found<R>['params'],
): Found<R> | undefined {
  const segment = segments[index];
  if (segment === undefined) return node.resource && { resource: node.resource, params };
  const literal = node.literals.get(segment);
  const viaLiteral = literal && walk(literal, segments, index + 1, params);
  if (viaLiteral) return viaLiteral;
  if (node.param && segment !== '') {
    const viaParam = walk(node.param.node, segments, index + 1, [...params, [node.param.name, segment]]);
    if (viaParam) return viaParam;
  }
  if (node.greedy) {
    return {
      resource: node.greedy.resource,
      params: [...params, [node.greedy.name, segments.slice(index).join('/')]],
    };
  }
  return undefined;
}
