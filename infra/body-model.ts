import { type JsonSchema, JsonSchemaVersion } from 'aws-cdk-lib/aws-apigateway';
import type { z } from 'zod';
import { bodyDraft4Schema } from '#src/declaration/body-schema.ts';

/**
 * The API Gateway model of a request body: {@link bodyDraft4Schema} (the same document the local
 * gateway validates with) in CDK's `JsonSchema` shape.
 *
 * @example
 * bodyJsonSchema(z.strictObject({ name: z.string().min(1) }));
 * // { schema: DRAFT4, type: 'object', properties: { name: { type: 'string', minLength: 1 } },
 * //   required: ['name'], additionalProperties: false }
 */
export function bodyJsonSchema(body: z.ZodType): JsonSchema {
  const { $schema: _draft, ...schema } = bodyDraft4Schema(body);
  // CDK's JsonSchema names `$schema` `schema`; the remaining keywords are draft-4 keywords with
  // the same names in both types, which TypeScript cannot see through zod's open-ended type.
  return { schema: JsonSchemaVersion.DRAFT4, ...(schema as JsonSchema) };
}
