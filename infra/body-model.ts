import { type JsonSchema, JsonSchemaVersion } from 'aws-cdk-lib/aws-apigateway';
import { z } from 'zod';
import { DYNAMODB_NUMBER } from '#src/domain/dynamodb-number.ts';

type JsonSchemaNode = Record<string, unknown>;

/**
 * Narrows a number's draft-4 schema to what DynamoDB stores, as far as draft 4 can say it: a
 * magnitude of at most 9.99…E+125 (unless the declaration bounds it tighter) and none between 0
 * and 1E-130. The count of significant digits has no draft-4 keyword: the function checks it.
 */
function dynamoDbNumberBounds(node: JsonSchemaNode): void {
  const { magnitudeBelow, smallestMagnitude } = DYNAMODB_NUMBER;
  if (typeof node.maximum !== 'number' || node.maximum >= magnitudeBelow) {
    node.maximum = magnitudeBelow;
    node.exclusiveMaximum = true;
  }
  if (typeof node.minimum !== 'number' || node.minimum <= -magnitudeBelow) {
    node.minimum = -magnitudeBelow;
    node.exclusiveMinimum = true;
  }
  node.not = {
    type: 'number',
    minimum: -smallestMagnitude,
    exclusiveMinimum: true,
    maximum: smallestMagnitude,
    exclusiveMaximum: true,
    not: { enum: [0] },
  };
}

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
  const { $schema: _draft, ...schema } = z.toJSONSchema(body, {
    target: 'draft-04',
    io: 'input',
    override: ({ zodSchema, jsonSchema }) => {
      if (zodSchema._zod.def.type === 'number') dynamoDbNumberBounds(jsonSchema as JsonSchemaNode);
    },
  });
  // CDK's JsonSchema names `$schema` `schema`; the remaining keywords are draft-4 keywords with
  // the same names in both types, which TypeScript cannot see through zod's open-ended type.
  return { schema: JsonSchemaVersion.DRAFT4, ...(schema as JsonSchema) };
}
