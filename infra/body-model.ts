import { type JsonSchema, JsonSchemaVersion } from 'aws-cdk-lib/aws-apigateway';
import { z } from 'zod';

/**
 * The API Gateway model of a request body: the body's zod schema as JSON Schema draft 4, the
 * only draft API Gateway validates against. It is derived from the same schema the handler
 * validates with, so the gateway never accepts what the handler rejects for shape, or the reverse.
 *
 * @example
 * bodyJsonSchema(z.strictObject({ name: z.string().min(1) }));
 * // { schema: DRAFT4, type: 'object', properties: { name: { type: 'string', minLength: 1 } },
 * //   required: ['name'], additionalProperties: false }
 */
export function bodyJsonSchema(body: z.ZodType): JsonSchema {
  // `io: 'input'` describes what a client may send (e.g. a field with a default is optional).
  const { $schema: _draft, ...schema } = z.toJSONSchema(body, { target: 'draft-04', io: 'input' });
  // CDK's JsonSchema names `$schema` `schema`; the remaining keywords are draft-4 keywords with
  // the same names in both types, which TypeScript cannot see through zod's open-ended type.
  return { schema: JsonSchemaVersion.DRAFT4, ...(schema as JsonSchema) };
}
