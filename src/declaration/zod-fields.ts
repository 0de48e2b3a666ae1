import type { z } from 'zod';
import { type FieldError, ValidationError } from '../domain/errors.ts';
import { type FieldsValidator, RESERVED_FIELDS } from '../domain/item.ts';

/** Maps zod issues to problem+json field errors (`tags.3`, or the key itself for unknown keys). */
export function toFieldErrors(issues: readonly z.core.$ZodIssue[]): FieldError[] {
  return issues.flatMap((issue) => {
    const base = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        path: base ? `${base}.${key}` : key,
        message: RESERVED_FIELDS.includes(key)
          ? 'is set by the server and cannot be sent'
          : 'is not a known field',
      }));
    }
    return [{ path: base, message: issue.message }];
  });
}

/**
 * A zod schema as a {@link FieldsValidator}: what a bundle carries when its item schema says
 * more than JSON Schema can (refinements, transforms, formats), so zod comes along.
 */
export function zodFieldsValidator(schema: z.ZodType): FieldsValidator {
  return (fields) => {
    const result = schema.safeParse(fields);
    if (!result.success) throw new ValidationError(toFieldErrors(result.error.issues));
    return result.data as Record<string, unknown>;
  };
}
