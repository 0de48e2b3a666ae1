import { z } from 'zod';

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
 */
export function bodyDraft4Schema(body: z.ZodType): Record<string, unknown> {
  // `io: 'input'` describes what a client may send (e.g. a field with a default is optional).
  const { $schema: _draft, ...schema } = z.toJSONSchema(body, { target: 'draft-04', io: 'input' });
  return { $schema: DRAFT_04, ...schema };
}
