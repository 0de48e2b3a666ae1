// Reads the OpenAPI document of the running declarations into what the explorer's form needs.

export interface Schema {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  format?: string;
  description?: string;
  example?: unknown;
  default?: unknown;
  oneOf?: Schema[];
  anyOf?: Schema[];
  allOf?: Schema[];
  title?: string;
}

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  description?: string;
  schema?: Schema;
}

export interface Operation {
  method: string;
  path: string;
  operationId?: string;
  summary?: string;
  access?: string;
  parameters: Parameter[];
  body?: Schema;
  bodyRequired: boolean;
  secured: boolean;
}

type Document = {
  paths: Record<string, Record<string, Record<string, unknown>>>;
  security?: unknown[];
};

const METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'];

/** Follows a local `$ref` (`#/components/...`) until it reaches a value. */
export function deref<T>(document: unknown, value: T): T {
  let current: unknown = value;
  for (let depth = 0; depth < 20; depth++) {
    const ref = (current as { $ref?: unknown } | undefined)?.$ref;
    if (typeof ref !== 'string' || !ref.startsWith('#/')) break;
    current = ref
      .slice(2)
      .split('/')
      .reduce<unknown>(
        (node, part) =>
          (node as Record<string, unknown> | undefined)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')],
        document,
      );
  }
  return current as T;
}

/** Every operation of the document, in its order, with parameters and body schema resolved. */
export function operationsOf(document: Document): Operation[] {
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    const shared = (item.parameters as unknown as unknown[] | undefined) ?? [];
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const parameters = [...shared, ...((operation.parameters as unknown[] | undefined) ?? [])]
        .map((parameter) => deref<Parameter>(document, parameter as Parameter))
        .filter((parameter): parameter is Parameter => Boolean(parameter?.name) && parameter.in !== 'cookie');
      const requestBody = deref<
        { required?: boolean; content?: Record<string, { schema?: Schema }> } | undefined
      >(document, operation.requestBody as never);
      const content = requestBody?.content;
      const media = content?.['application/json'] ?? (content ? Object.values(content)[0] : undefined);
      const security = (operation.security as unknown[] | undefined) ?? document.security ?? [];
      operations.push({
        method: method.toUpperCase(),
        path,
        operationId: operation.operationId as string | undefined,
        summary: operation.summary as string | undefined,
        access: operation['x-access'] as string | undefined,
        parameters,
        body: media?.schema ? deref(document, media.schema) : undefined,
        bodyRequired: Boolean(requestBody?.required),
        secured: security.some((requirement) => Object.keys(requirement as object).length > 0),
      });
    }
  }
  return operations;
}

/** A starting value for a schema: its example or default, else the required fields with placeholders. */
export function exampleOf(document: unknown, schema: Schema | undefined, depth = 0): unknown {
  const resolved = deref(document, schema);
  if (!resolved || depth > 6) return null;
  if (resolved.example !== undefined) return resolved.example;
  if (resolved.default !== undefined) return resolved.default;
  if (resolved.const !== undefined) return resolved.const;
  if (resolved.enum?.length) return resolved.enum[0];
  const choice = resolved.oneOf?.[0] ?? resolved.anyOf?.[0];
  if (choice) return exampleOf(document, choice, depth + 1);
  if (resolved.allOf) {
    return Object.assign({}, ...resolved.allOf.map((part) => exampleOf(document, part, depth + 1) as object));
  }
  const type = Array.isArray(resolved.type) ? resolved.type.find((t) => t !== 'null') : resolved.type;
  switch (type ?? (resolved.properties ? 'object' : undefined)) {
    case 'object': {
      const value: Record<string, unknown> = {};
      const required = new Set(resolved.required ?? []);
      for (const [name, property] of Object.entries(resolved.properties ?? {})) {
        if (required.has(name)) value[name] = exampleOf(document, property, depth + 1);
      }
      return value;
    }
    case 'array':
      return [];
    case 'integer':
    case 'number':
      return resolved.minimum ?? 0;
    case 'boolean':
      return false;
    case 'string':
      return resolved.format === 'date-time' ? new Date(0).toISOString() : '';
    default:
      return null;
  }
}

/** The rules a value must follow, in words, e.g. `string, matches ^[a-z]+$, at most 128 characters`. */
export function hintOf(document: unknown, schema: Schema | undefined): string {
  const resolved = deref(document, schema);
  if (!resolved) return '';
  const parts: string[] = [];
  if (resolved.type) parts.push(Array.isArray(resolved.type) ? resolved.type.join(' or ') : resolved.type);
  if (resolved.format) parts.push(`format ${resolved.format}`);
  if (resolved.enum) parts.push(`one of ${resolved.enum.map((value) => JSON.stringify(value)).join(', ')}`);
  if (resolved.pattern) parts.push(`matches ${resolved.pattern}`);
  if (resolved.minLength !== undefined) parts.push(`at least ${resolved.minLength} characters`);
  if (resolved.maxLength !== undefined) parts.push(`at most ${resolved.maxLength} characters`);
  if (resolved.minimum !== undefined) parts.push(`≥ ${resolved.minimum}`);
  if (resolved.maximum !== undefined) parts.push(`≤ ${resolved.maximum}`);
  return parts.join(', ');
}

/** The body's fields with their rules, for the hint under the body editor. */
export function fieldHints(
  document: unknown,
  schema: Schema | undefined,
): { name: string; required: boolean; hint: string }[] {
  const resolved = deref(document, schema);
  const required = new Set(resolved?.required ?? []);
  return Object.entries(resolved?.properties ?? {}).map(([name, property]) => ({
    name,
    required: required.has(name),
    hint: hintOf(document, property),
  }));
}

/** Problems the form can see before sending: missing required values and values off their pattern. */
export function checkParameter(parameter: Parameter, value: string): string | undefined {
  if (!value) return parameter.required ? 'required' : undefined;
  const pattern = parameter.schema?.pattern;
  if (pattern && !new RegExp(pattern, 'u').test(value)) return `does not match ${pattern}`;
  const values = parameter.schema?.enum;
  if (values && !values.map(String).includes(value)) return `must be one of ${values.join(', ')}`;
  return undefined;
}

export function checkBody(document: unknown, schema: Schema | undefined, text: string): string | undefined {
  if (!text.trim()) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return `not JSON: ${(error as Error).message}`;
  }
  const resolved = deref(document, schema);
  if (resolved?.required && value && typeof value === 'object' && !Array.isArray(value)) {
    const missing = resolved.required.filter((name) => !(name in value));
    if (missing.length) return `missing required ${missing.join(', ')}`;
  }
  return undefined;
}
