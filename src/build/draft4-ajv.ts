// Ajv instances for draft-4 schemas, made cheaply. By default each new Ajv compiles the draft-4
// meta-schema the first time it checks a schema against it, about 20–40 ms of CPU each; the local
// system makes a dozen at start (a run-time service per bundle, a body validator per method).
// Here one shared instance checks every schema against the meta-schema, compiled once.
import AjvDraft04, { type Options } from 'ajv-draft-04';

let metaChecker: AjvDraft04 | undefined;

/**
 * A new Ajv for draft-4 schemas that leaves the meta-schema check to {@link assertDraft4Schema}.
 * Call that for each schema before compiling it, as Ajv itself would (`validateSchema`).
 *
 * @example
 * const ajv = draft4Ajv({ allErrors: true });
 * const validate = ajv.compile(assertDraft4Schema(schema));
 */
export function draft4Ajv(options: Options): AjvDraft04 {
  return new AjvDraft04({ ...options, validateSchema: false });
}

/** `schema`, once checked against the draft-4 meta-schema; throws as Ajv does when it is invalid. */
export function assertDraft4Schema<T extends object>(schema: T): T {
  metaChecker ??= new AjvDraft04({ strict: false, logger: false });
  if (!metaChecker.validateSchema(schema)) {
    throw new Error(`schema is invalid: ${metaChecker.errorsText(metaChecker.errors)}`);
  }
  return schema;
}
