// Checks real responses against the OpenAPI document with Ajv (JSON Schema 2020-12, the dialect of
// OpenAPI 3.1): the operation, the status, the media type, the body and the headers must all be
// described. A response the document does not describe is an error, never a pass.
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

/** The parts of a response the document speaks about. */
export interface ObservedResponse {
  readonly method: string;
  /** The request path, e.g. `/products/01J…?limit=2` (query and stage prefix are ignored). */
  readonly path: string;
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

interface ResponseObject {
  readonly content?: Record<string, { schema?: unknown }>;
  readonly headers?: Record<string, { $ref?: string; required?: boolean; schema?: unknown }>;
}

type Document = { paths: Record<string, Record<string, { responses: Record<string, { $ref?: string }> }>> };

const DOC_ID = 'openapi.json';
const pointer = (segments: readonly string[]) =>
  `#/${segments.map((s) => encodeURIComponent(s.replaceAll('~', '~0').replaceAll('/', '~1'))).join('/')}`;
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;

/**
 * A validator over one document. `check` returns every way the response departs from it.
 *
 * @example
 * const validate = openApiValidator(document);
 * assert.deepEqual(validate.check({ method: 'GET', path: '/products/1', status: 200, headers, text }), []);
 */
export function openApiValidator(document: object) {
  const doc = document as Document;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(document, DOC_ID);
  const compiled = new Map<string, ValidateFunction>();
  const resolve = (value: { $ref?: string }): [unknown, string[]] => {
    if (!value.$ref) return [value, []];
    const segments = value.$ref.replace(/^#\//, '').split('/');
    let node: unknown = document;
    for (const s of segments)
      node = (node as Record<string, unknown>)[s.replaceAll('~1', '/').replaceAll('~0', '~')];
    return [node, segments];
  };
  const templates = Object.keys(doc.paths).map((template) => ({
    template,
    pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
  }));

  return {
    /** The path template a request path matches, if any. */
    templateOf: (path: string) => templates.find((t) => t.pattern.test(path.split('?')[0] ?? ''))?.template,
    /** Whether the document has an operation for this method and request path. */
    hasOperation(method: string, path: string): boolean {
      const template = this.templateOf(path);
      return template !== undefined && doc.paths[template]?.[method.toLowerCase()] !== undefined;
    },
    check(response: ObservedResponse): string[] {
      const where = `${response.method} ${response.path} → ${response.status}`;
      const template = this.templateOf(response.path);
      const method = response.method.toLowerCase();
      const operation = template ? doc.paths[template]?.[method] : undefined;
      if (!template || !operation) return [`${where}: no such operation in the document`];
      const declared = operation.responses[String(response.status)];
      if (!declared) return [`${where}: status not described`];
      const [resolved, refSegments] = resolve(declared);
      const base =
        refSegments.length > 0
          ? refSegments
          : ['paths', template, method, 'responses', String(response.status)];
      const described = resolved as ResponseObject;
      const problems: string[] = [];
      for (const [name, header] of Object.entries(described.headers ?? {})) {
        const [h] = resolve(header) as [{ required?: boolean; schema?: unknown }, string[]];
        const value = response.headers.get(name);
        if (value === null) {
          if (h.required) problems.push(`${where}: header ${name} is missing`);
        } else if (h.schema && !ajv.validate(h.schema as object, value)) {
          problems.push(`${where}: header ${name}: ${ajv.errorsText()}`);
        }
      }
      const mediaType = response.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
      if (!described.content) {
        if (response.text !== '') problems.push(`${where}: a body where the document describes none`);
        return problems;
      }
      const media = mediaType ? described.content[mediaType] : undefined;
      if (!mediaType || !media) {
        problems.push(
          `${where}: media type ${mediaType} not described (${Object.keys(described.content).join(', ')})`,
        );
        return problems;
      }
      let body: unknown = response.text;
      // JSON media types carry JSON; any other (API Gateway's plain-text 413) is checked as a string.
      if (mediaType.includes('json')) {
        try {
          body = JSON.parse(response.text);
        } catch {
          return [...problems, `${where}: the body is not JSON`];
        }
      }
      const ref = `${DOC_ID}${pointer([...base, 'content', mediaType, 'schema'])}`;
      const validate = compiled.get(ref) ?? ajv.compile({ $ref: ref });
      compiled.set(ref, validate);
      if (!validate(body))
        problems.push(`${where}: body: ${ajv.errorsText(validate.errors)} in ${response.text}`);
      return problems;
    },
  };
}
