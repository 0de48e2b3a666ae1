// Command-line options derived from a resource's field schema in docs/openapi.json: `--name`,
// `--price`, `--tags a,b`, … each parsed as its schema says.
import { InvalidArgumentError, Option } from 'commander';

interface FieldSchema {
  readonly type?: string | readonly string[];
  readonly description?: string;
}

/** The options of every field of `schema`; `required` ones become mandatory when `requireFields`. */
export function fieldOptions(
  schema: { properties?: Record<string, FieldSchema>; required?: readonly string[] },
  requireFields: boolean,
): Option[] {
  return Object.entries(schema.properties ?? {}).map(([name, field]) => {
    const type = Array.isArray(field.type) ? field.type[0] : field.type;
    const flag = `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    const option = new Option(`${flag} <${type === 'array' ? 'items' : 'value'}>`, describe(name, type));
    option.argParser((raw: string) => parseValue(raw, type, flag));
    if (requireFields && schema.required?.includes(name)) option.makeOptionMandatory();
    return option;
  });
}

function describe(name: string, type: string | undefined): string {
  if (type === 'array') return `${name}: a comma-separated list, or a JSON array`;
  if (type === 'number' || type === 'integer' || type === 'boolean' || type === 'string')
    return `${name} (${type})`;
  return `${name} (JSON)`;
}

function parseValue(raw: string, type: string | undefined, flag: string): unknown {
  switch (type) {
    case 'string':
      return raw;
    case 'number':
    case 'integer': {
      const value = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(value))
        throw new InvalidArgumentError(`${flag} needs a number.`);
      return value;
    }
    case 'boolean':
      if (raw !== 'true' && raw !== 'false') throw new InvalidArgumentError(`${flag} is true or false.`);
      return raw === 'true';
    case 'array':
      // A JSON array for lists of objects (`--items '[{"productId":"p1","quantity":2}]'`), else words.
      if (raw.trim().startsWith('[')) {
        try {
          return JSON.parse(raw);
        } catch {
          throw new InvalidArgumentError(`${flag} is a comma-separated list or a JSON array.`);
        }
      }
      return raw === '' ? [] : raw.split(',').map((part) => part.trim());
    default:
      try {
        return JSON.parse(raw);
      } catch {
        throw new InvalidArgumentError(`${flag} needs JSON.`);
      }
  }
}

/**
 * The options of a list's filters, from its query parameters in the document: `status` is
 * `--status <value>`, `price[lte]` is `--price-lte <value>`, `createdAt[between]` is
 * `--created-at-between <low,high>`.
 */
export function filterOptions(
  parameters: readonly { readonly name: string; readonly description?: string }[],
): { option: Option; parameter: string }[] {
  return parameters.map(({ name, description }) => {
    const flag = `--${name
      .replace(/\[([a-z_]+)\]$/, '-$1')
      .replace(/_/g, '-')
      .replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    return { option: new Option(`${flag} <value>`, description ?? name), parameter: name };
  });
}
