import { z } from 'zod';
import { DYNAMODB_NUMBER } from '#src/domain/dynamodb-number.ts';

type JsonSchemaNode = Record<string, unknown>;

/** The draft API Gateway validates models against, and the only one it accepts. */
export const DRAFT_04 = 'http://json-schema.org/draft-04/schema#';

/**
 * A declared body's zod schema as the JSON Schema draft 4 model the stage validates with: the
 * stack deploys it as the method's model and the local gateway validates with the very same
 * document, so neither can accept what the other refuses.
 *
 * @example
 * bodyDraft4Schema(z.strictObject({ name: z.string().min(1) }));
 * // { $schema: DRAFT_04, type: 'object', properties: { name: { type: 'string', minLength: 1 } },
 * //   required: ['name'], additionalProperties: false }
 *
 * `storableNumbers: false` leaves out the bounds of what DynamoDB stores (see
 * `dynamoDbNumberBounds`): for the functions' own validators, whose handlers have refused such
 * numbers on their JSON text before validating (`readJsonBody`'s `storableNumbers`).
 */
export function bodyDraft4Schema(
  body: z.ZodType,
  { storableNumbers = true }: { readonly storableNumbers?: boolean } = {},
): Record<string, unknown> {
  // `io: 'input'` describes what a client may send (e.g. a field with a default is optional).
  const { $schema: _draft, ...schema } = z.toJSONSchema(body, {
    target: 'draft-04',
    io: 'input',
    override: ({ zodSchema, jsonSchema }) => {
      if (storableNumbers && zodSchema._zod.def.type === 'number')
        dynamoDbNumberBounds(jsonSchema as JsonSchemaNode);
    },
  });
  return { $schema: DRAFT_04, ...schema };
}

/**
 * Narrows a number's draft-4 schema to what DynamoDB stores, as far as draft 4 can say it: a
 * magnitude of at most 9.99…E+125 (unless the declaration bounds it tighter) and none between 0
 * and 1E-130. The count of significant digits has no draft-4 keyword: the function checks it.
 * `storableNumberBounds2020` says the same in JSON Schema 2020-12, for the OpenAPI document.
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
 * The bounds of {@link dynamoDbNumberBounds} in JSON Schema 2020-12 (OpenAPI 3.1), where the
 * exclusive limits are numbers rather than flags.
 */
export function storableNumberBounds2020(node: JsonSchemaNode): void {
  const { magnitudeBelow, smallestMagnitude } = DYNAMODB_NUMBER;
  const upper = node.maximum ?? node.exclusiveMaximum;
  if (typeof upper !== 'number' || upper >= magnitudeBelow) {
    delete node.maximum;
    node.exclusiveMaximum = magnitudeBelow;
  }
  const lower = node.minimum ?? node.exclusiveMinimum;
  if (typeof lower !== 'number' || lower <= -magnitudeBelow) {
    delete node.minimum;
    node.exclusiveMinimum = -magnitudeBelow;
  }
  node.not = {
    type: 'number',
    exclusiveMinimum: -smallestMagnitude,
    exclusiveMaximum: smallestMagnitude,
    not: { const: 0 },
  };
}
