// The same document in OpenAPI 3.0, the version API Gateway's REST API import reads: JSON Schema
// 2020-12 constructs are rewritten into their 3.0 equivalents, nothing else changes.

type Json = unknown;
type JsonObject = Record<string, Json>;

const isObject = (value: Json): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isNull = (schema: Json) =>
  isObject(schema) && schema.type === 'null' && Object.keys(schema).length === 1;

/** One schema object in 3.0 form: `nullable`, `enum` for `const`, `example`, boolean exclusive bounds. */
function schema30(input: JsonObject): JsonObject {
  let out: JsonObject = { ...input };
  const alternatives = out.anyOf ?? out.oneOf;
  if (Array.isArray(alternatives) && alternatives.some(isNull)) {
    const rest = alternatives.filter((s) => !isNull(s));
    const key = out.anyOf ? 'anyOf' : 'oneOf';
    const { [key]: _, ...others } = out;
    // 3.0 wants `nullable` beside a `type`: on the one alternative left, else on the first typed
    // one (one only, so that a null still matches exactly one of a `oneOf`).
    const typed = rest.findIndex((s) => isObject(s) && 'type' in s);
    out =
      rest.length === 1 && isObject(rest[0])
        ? { ...others, ...rest[0], nullable: true }
        : typed >= 0
          ? {
              ...others,
              [key]: rest.map((s, i) => (i === typed ? { ...(s as JsonObject), nullable: true } : s)),
            }
          : { ...others, [key]: rest, nullable: true };
  }
  if (Array.isArray(out.type)) {
    const types = out.type.filter((t) => t !== 'null');
    if (types.length < out.type.length) out.nullable = true;
    out.type = types.length === 1 ? types[0] : types;
  }
  if ('const' in out) {
    const { const: value, ...others } = out;
    out = { ...others, enum: [value] };
  }
  if (Array.isArray(out.examples)) {
    const { examples, ...others } = out;
    out = { ...others, example: examples[0] };
  }
  for (const [bound, plain] of [
    ['exclusiveMinimum', 'minimum'],
    ['exclusiveMaximum', 'maximum'],
  ] as const) {
    if (typeof out[bound] === 'number') out = { ...out, [plain]: out[bound], [bound]: true };
  }
  return out;
}

// Walks the document; every object under a schema position is rewritten bottom-up.
function convert(node: Json): Json {
  if (Array.isArray(node)) return node.map(convert);
  if (!isObject(node)) return node;
  const converted = Object.fromEntries(Object.entries(node).map(([key, value]) => [key, convert(value)]));
  const looksLikeSchema = ['type', 'anyOf', 'oneOf', 'const', 'examples', 'properties', 'items'].some(
    (key) => key in converted,
  );
  return looksLikeSchema && !('in' in converted) && !('content' in converted)
    ? schema30(converted)
    : converted;
}

/**
 * The OpenAPI 3.0.3 rendering of a 3.1 document built by buildOpenApiDocument.
 *
 * @example
 * const doc30 = toOpenApi30(buildOpenApiDocument(services, { version: '1.0.0' }));
 */
export function toOpenApi30(document: { openapi: string; info: JsonObject } & JsonObject): JsonObject {
  const { identifier: _, ...license } = (document.info.license ?? {}) as JsonObject;
  const converted = convert(document) as JsonObject;
  return {
    ...converted,
    openapi: '3.0.3',
    info: { ...(converted.info as JsonObject), license },
  };
}
