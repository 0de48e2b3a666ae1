// Request body validation as a REST API stage does it with a body validator: the method's model
// for the request's content type, JSON Schema draft 4, checked before the function runs.
import { assertDraft4Schema, draft4Ajv } from '#src/build/draft4-ajv.ts';

/** A method's request models: media type (or `$default`) → draft-4 JSON Schema. */
export type RequestModels = Readonly<Record<string, Readonly<Record<string, unknown>>>>;

export type BodyCheck =
  | { readonly ok: true }
  /** `message` is what `$context.error.validationErrorString` carries in the gateway response. */
  | { readonly ok: false; readonly message: string };

/** Checks one request body of one method; built once per method. */
export type BodyValidator = (contentType: string | undefined, body: string) => BodyCheck;

/**
 * Compiles a method's models with a maintained draft-4 validator (Ajv). As on API Gateway:
 * the model is picked by the request's media type, a request without Content-Type is taken as
 * `application/json`, `$default` serves any other type, and a type with no model is not
 * validated at all (the function then answers, e.g. 415). An empty body is validated as `{}`;
 * a body that is not JSON is refused with `Invalid request body`.
 *
 * @example
 * const check = bodyValidator({ 'application/json': { type: 'object', required: ['name'] } });
 * check(undefined, '{}'); // { ok: false, message: "[must have required property 'name']" }
 */
export function bodyValidator(models: RequestModels): BodyValidator {
  // allErrors: API Gateway reports every violation, not only the first.
  const ajv = draft4Ajv({ allErrors: true, strict: false });
  const compiled = new Map(
    Object.entries(models).map(([type, schema]) => [
      type.toLowerCase(),
      ajv.compile(assertDraft4Schema(schema)),
    ]),
  );
  return (contentType, body) => {
    const mediaType = contentType?.split(';')[0]?.trim().toLowerCase() || 'application/json';
    const validate = compiled.get(mediaType) ?? compiled.get('$default');
    if (!validate) return { ok: true };
    let value: unknown;
    try {
      value = body.trim() === '' ? {} : JSON.parse(body);
    } catch {
      return { ok: false, message: 'Invalid request body' };
    }
    if (validate(value)) return { ok: true };
    const problems = (validate.errors ?? []).map((error) => {
      // An unknown member is named itself, not the object that holds it.
      const extra = (error.params as { additionalProperty?: string }).additionalProperty;
      const path = [...error.instancePath.split('/').slice(1), ...(extra ? [extra] : [])].join('.');
      return `${path ? `${path}: ` : ''}${error.message ?? error.keyword}`;
    });
    return { ok: false, message: `[${problems.join(', ')}]` };
  };
}
