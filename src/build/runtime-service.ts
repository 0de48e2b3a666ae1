// What a function needs of its service declaration at run time, without zod: the declaration's
// plain data, and its item schema compiled ahead of time (Ajv standalone code) from the draft-4
// JSON Schema the API Gateway model is (less DynamoDB's number bounds, which the handlers check
// on each number's text). zod stays the one schema source, at build time.

import standaloneCode from 'ajv/dist/standalone/index.js';
import type { z } from 'zod';
import { bodyDraft4Schema } from '../declaration/body-schema.ts';
import { PROJECT_ROOT } from '../declaration/load-services.ts';
import { mergePatchSchema } from '../declaration/merge-patch-schema.ts';
import type { RuntimeService, ServiceDeclaration } from '../declaration/types.ts';
import { type CompiledSchema, fieldsValidator } from '../domain/item.ts';
import { assertDraft4Schema, draft4Ajv } from './draft4-ajv.ts';

const ITEM_MODULE = `${PROJECT_ROOT}/src/domain/item.ts`;

/**
 * One Ajv per compilation, configured as zod validates: every failure reported (allErrors),
 * string lengths in UTF-16 code units like zod's `.length` (unicode: false), defaults applied.
 */
function newAjv(source: boolean) {
  return draft4Ajv({
    allErrors: true,
    strict: false,
    unicode: false,
    useDefaults: true,
    logger: false,
    inlineRefs: false,
    ...(source ? { code: { source: true, esm: true } } : {}),
  });
}

// Checks JSON Schema says exactly as zod does. Anything else (refinements, transforms, formats,
// stripping objects) keeps zod in the bundle: its semantics are not given up silently.
const PLAIN_CHECKS = new Set([
  'min_length',
  'max_length',
  'length_equals',
  'greater_than',
  'less_than',
  'multiple_of',
  'number_format',
]);
const WRAPPERS = new Set(['optional', 'nullable', 'default', 'readonly']);
const LEAVES = new Set(['string', 'number', 'boolean', 'null', 'literal', 'enum', 'unknown', 'any']);

/** Whether `schema` is said exactly by its JSON Schema (see {@link PLAIN_CHECKS}). */
export function isPlainSchema(schema: z.ZodType): boolean {
  const def = schema._zod.def as unknown as Record<string, unknown> & { type: string };
  const checks = (def.checks ?? []) as readonly z.ZodType[];
  for (const check of checks) {
    const checkDef = check._zod.def as unknown as { check: string; format?: string };
    if (!PLAIN_CHECKS.has(checkDef.check)) return false;
    if (checkDef.check === 'number_format' && !['safeint', 'int32', 'uint32'].includes(checkDef.format ?? ''))
      return false;
  }
  if (LEAVES.has(def.type)) return def.type !== 'string' || def.format === undefined;
  if (WRAPPERS.has(def.type)) return isPlainSchema(def.innerType as z.ZodType);
  if (def.type === 'array') return isPlainSchema(def.element as z.ZodType);
  if (def.type === 'union') return (def.options as z.ZodType[]).every(isPlainSchema);
  if (def.type === 'record') {
    const key = def.keyType as z.ZodType;
    return (
      key._zod.def.type === 'string' &&
      ((key._zod.def as { checks?: unknown[] }).checks ?? []).length === 0 &&
      isPlainSchema(def.valueType as z.ZodType)
    );
  }
  if (def.type === 'object') {
    const catchall = def.catchall as z.ZodType | undefined;
    // A stripping object (z.object) drops unknown members; JSON Schema would keep them.
    if (!catchall) return false;
    if (catchall._zod.def.type !== 'never' && !isPlainSchema(catchall)) return false;
    return Object.values(def.shape as Record<string, z.ZodType>).every(isPlainSchema);
  }
  return false;
}

/**
 * The draft-4 schemas of a typed resource's item and of its merge patch, as the function checks
 * them: the API models but for DynamoDB's number bounds. The handlers refuse a number DynamoDB
 * cannot store on its JSON text (digit by digit, so more exactly than a schema can) before they
 * validate, so the validators would never meet one; leaving the bounds out keeps each number
 * field's code in the bundles small.
 *
 * The members the patch repeats verbatim from the item (a field a patch replaces whole: a
 * string, a number, an array) become schemas of their own that both refer to, and Ajv compiles
 * each of them once, as a function both validators call (`inlineRefs: false`).
 */
function itemSchemas(itemSchema: z.ZodObject) {
  const options = { storableNumbers: false };
  return shareMembers(
    assertDraft4Schema(bodyDraft4Schema(itemSchema, options)),
    assertDraft4Schema(bodyDraft4Schema(mergePatchSchema(itemSchema), options)),
  );
}

type SchemaNode = Record<string, unknown>;

/** The ids of the member schemas the item and patch schemas share: `shared-member-0`, …. */
const SHARED = 'shared-member';
/** A member schema shorter than this (as JSON) is not worth a function call of its own. */
const SHARED_MIN_CHARS = 40;

function shareMembers(item: SchemaNode, patch: SchemaNode) {
  // Every member schema of the item: what `properties` and `items` hold, at any depth.
  const members = new Map<string, SchemaNode>();
  const collect = (node: unknown): void => {
    if (typeof node !== 'object' || node === null) return;
    const { properties, items } = node as SchemaNode;
    const children = [...Object.values((properties as Record<string, unknown>) ?? {}), items];
    for (const child of children) {
      if (typeof child !== 'object' || child === null || Array.isArray(child)) continue;
      const key = JSON.stringify(child);
      if (key.length >= SHARED_MIN_CHARS) members.set(key, child as SchemaNode);
      collect(child);
    }
  };
  collect(item);
  const names = new Map<string, string>();
  /** `node` with each subschema found among `candidates` replaced by a reference, outermost first. */
  const refer = (node: unknown, candidates: ReadonlyMap<string, unknown>, isRoot = false): unknown => {
    if (typeof node !== 'object' || node === null) return node;
    if (!isRoot && !Array.isArray(node)) {
      const key = JSON.stringify(node);
      if (candidates.has(key)) {
        if (!names.has(key)) names.set(key, `${SHARED}-${names.size}`);
        return { $ref: names.get(key) };
      }
    }
    if (Array.isArray(node)) return node.map((child) => refer(child, candidates));
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, refer(v, candidates)]));
  };
  const sharedPatch = refer(patch, members, true) as SchemaNode;
  // Only what the patch really repeats is shared; the item refers to the same definitions.
  const used = new Map([...members].filter(([key]) => names.has(key)));
  const sharedItem = refer(item, used, true) as SchemaNode;
  const shared = [...names].map(([key, name]) => ({ id: name, ...used.get(key) }));
  return { item: sharedItem, patch: sharedPatch, shared };
}

/** The declaration's plain data a handler reads (no schema). */
function plainData(service: ServiceDeclaration) {
  return {
    name: service.name,
    table: service.table,
    ...(service.ownerScoped ? { ownerScoped: true } : {}),
    ...(service.itemSchema ? { fields: Object.keys(service.itemSchema.shape) } : {}),
  };
}

/**
 * The run-time service of `service`, compiled in this process (the same validators the bundles
 * carry as standalone code): what tests and tools hand a handler's `makeHandler`.
 */
export function runtimeService(service: ServiceDeclaration): RuntimeService {
  const data = plainData(service);
  if (!service.itemSchema) return data;
  const ajv = newAjv(false);
  const { item, patch, shared } = itemSchemas(service.itemSchema);
  for (const member of shared) ajv.addSchema(member);
  return {
    ...data,
    item: fieldsValidator(ajv.compile(item) as CompiledSchema),
    patch: fieldsValidator(ajv.compile(patch) as CompiledSchema),
  };
}

/** A typed resource's validators a handler may use. */
export type ValidatorName = 'item' | 'patch';
export const ALL_VALIDATORS: readonly ValidatorName[] = ['item', 'patch'];

/**
 * The validators each built-in handler uses: a bundle carries only those (a read carries none).
 * Any other handler gets them all.
 */
export const HANDLER_VALIDATORS: Readonly<Record<string, readonly ValidatorName[]>> = {
  'src/handlers/create.ts': ['item'],
  'src/handlers/replace.ts': ['item'],
  'src/handlers/update.ts': ['item', 'patch'],
  'src/handlers/get.ts': [],
  'src/handlers/delete.ts': [],
  'src/handlers/list.ts': [],
};

/**
 * The source of the module a bundle imports as its service (see {@link runtimeService}): plain
 * data and Ajv standalone validators, so neither the declaration nor zod is in the bundle. An
 * item schema JSON Schema cannot say exactly (see {@link isPlainSchema}) keeps the declaration
 * and zod instead. Its imports are absolute paths.
 */
export function runtimeServiceSource(
  declarationFile: string,
  service: ServiceDeclaration,
  validators: readonly ValidatorName[] = ALL_VALIDATORS,
): string {
  const data = `const data = ${JSON.stringify(plainData(service))};`;
  const itemModule = JSON.stringify(ITEM_MODULE);
  if (!service.itemSchema || validators.length === 0) return `${data}\nexport default data;\n`;
  if (!isPlainSchema(service.itemSchema)) {
    return [
      `import declaration from ${JSON.stringify(declarationFile)};`,
      `import { zodFieldsValidator } from ${JSON.stringify(`${PROJECT_ROOT}/src/declaration/zod-fields.ts`)};`,
      `import { mergePatchSchema } from ${JSON.stringify(`${PROJECT_ROOT}/src/declaration/merge-patch-schema.ts`)};`,
      data,
      'export default { ...data, item: zodFieldsValidator(declaration.itemSchema),',
      '  patch: zodFieldsValidator(mergePatchSchema(declaration.itemSchema)) };',
      '',
    ].join('\n');
  }
  const ajv = newAjv(true);
  const { item, patch, shared } = itemSchemas(service.itemSchema);
  for (const member of shared) ajv.addSchema(member);
  const schemas = { item, patch };
  for (const name of validators) ajv.addSchema(schemas[name], name);
  const code = standaloneCode(ajv, Object.fromEntries(validators.map((name) => [`${name}Schema`, name])));
  const members = validators.map((name) => `${name}: fieldsValidator(${name}Schema)`);
  return [
    `import { fieldsValidator } from ${itemModule};`,
    code.replace(/^"use strict";/, ''),
    data,
    `export default { ...data, ${members.join(', ')} };`,
    '',
  ].join('\n');
}
