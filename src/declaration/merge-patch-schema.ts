import { z } from 'zod';

/**
 * The schema of a merge patch (RFC 7396) for a value of `schema`: objects (and records) become
 * partial, each member nullable (`null` removes it), at every depth; other values are replaced
 * whole, so they keep their own schema. The merged result is validated against the full schema
 * afterwards, so this only has to accept every patch whose result may be valid.
 */
function patchOf(schema: z.ZodType): z.ZodType {
  if (
    schema instanceof z.ZodOptional ||
    schema instanceof z.ZodNullable ||
    schema instanceof z.ZodDefault ||
    schema instanceof z.ZodReadonly
  ) {
    return patchOf(schema.def.innerType as z.ZodType);
  }
  if (schema instanceof z.ZodUnion)
    return z.union(schema.options.map((option) => patchOf(option as z.ZodType)));
  if (schema instanceof z.ZodRecord) {
    return z.record(schema.keyType as z.ZodType<string>, patchOf(schema.valueType as z.ZodType).nullable());
  }
  if (schema instanceof z.ZodObject) return objectPatch(schema);
  return schema;
}

function objectPatch(object: z.ZodObject): z.ZodObject {
  const shape = Object.fromEntries(
    Object.entries(object.shape).map(([key, member]) => [
      key,
      patchOf(member as z.ZodType)
        .nullable()
        .optional(),
    ]),
  );
  const catchall = object.def.catchall as z.ZodType | undefined;
  const kind = catchall?._zod.def.type;
  if (kind === 'never') return z.strictObject(shape);
  if (kind === 'unknown' || kind === 'any') return z.looseObject(shape);
  return catchall ? z.object(shape).catchall(patchOf(catchall).nullable()) : z.object(shape);
}

/**
 * A JSON Merge Patch body for `item`: every field optional, `null` removes a field, and nested
 * objects may be patched partially (`{"address": {"city": null}}` removes one member).
 *
 * @example
 * mergePatchSchema(z.strictObject({ name: z.string(), size: z.strictObject({ w: z.number(), h: z.number() }) }))
 *   .parse({ size: { h: 3 } }) // accepted: the merged item keeps size.w
 */
export function mergePatchSchema(item: z.ZodObject): z.ZodObject {
  return objectPatch(item);
}
