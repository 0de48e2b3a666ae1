// Checks what a function returned the way API Gateway checks a Lambda proxy response. Anything it
// would call "Malformed Lambda proxy response" is reported here, and the gateway answers 502.
//
// What AWS accepts, as observed against deployed APIs (LocalStack's AWS-validated parity tests,
// tests/aws/services/apigateway/test_apigateway_lambda.py):
// - every field is optional: `{}` is a 200 with an empty body, `statusCode` defaults to 200;
// - `statusCode` may be a numeric string (`"201"` → 201); `"test"` is malformed;
// - `headers: null` is fine; a boolean header value is sent as `true`/`false`;
// - a key outside the five documented ones, or `multiValueHeaders` values that are not arrays,
//   are malformed; so is a non-string `body` (the classic mistake of returning an object).
// Our own choices where AWS's behaviour is not captured, kept on the strict side so that what works
// here works deployed: statusCode must be an integer in 200–599 (a 1xx cannot end an HTTP exchange:
// the client would wait for a final answer forever); header values may be strings,
// numbers or booleans (the value types @types/aws-lambda declares), never objects, arrays or null;
// header names must be HTTP tokens and values must fit on the wire (no line breaks, no control
// characters, nothing above U+00FF).

/** A function result that passed validation, normalised: absent and null fields are filled in. */
export interface ProxyResult {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly multiValueHeaders: Readonly<Record<string, readonly string[]>>;
  readonly body: string;
  readonly isBase64Encoded: boolean;
}

export type ProxyResultCheck =
  | { readonly ok: true; readonly result: ProxyResult }
  | { readonly ok: false; readonly reason: string };

const KEYS = new Set(['statusCode', 'headers', 'multiValueHeaders', 'body', 'isBase64Encoded']);
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// What Node (and HTTP/1.1) cannot put in a header value: control characters and anything above U+00FF.
const BAD_VALUE = /[^\t\x20-\x7e\x80-\xff]/;

/**
 * Validates a function's result as API Gateway does. The value is first put through JSON, as the
 * Lambda runtime serialises it on AWS: `undefined` fields vanish, dates become strings, and a value
 * that cannot be serialised (or a handler that returned nothing) is malformed.
 *
 * @example
 * validateProxyResult({ statusCode: 200, body: '{}' });
 * // → { ok: true, result: { statusCode: 200, headers: {}, multiValueHeaders: {}, body: '{}', isBase64Encoded: false } }
 * validateProxyResult({ statusCode: 200, body: { id: 1 } });
 * // → { ok: false, reason: 'body must be a string, got object' }
 */
export function validateProxyResult(value: unknown): ProxyResultCheck {
  let wire: unknown;
  try {
    wire = JSON.parse(JSON.stringify(value) ?? 'null');
  } catch (error) {
    return malformed(
      `the result cannot be serialised to JSON (${error instanceof Error ? error.message : error})`,
    );
  }
  if (!isObject(wire)) return malformed(`the result must be an object, got ${describe(wire)}`);
  const extra = Object.keys(wire).filter((key) => !KEYS.has(key));
  if (extra.length) return malformed(`unexpected key(s) ${extra.join(', ')}`);

  const { statusCode = null, headers = null, multiValueHeaders = null, body = null } = wire;
  const { isBase64Encoded = null } = wire;
  const status = toStatusCode(statusCode);
  if (status === undefined)
    return malformed(`statusCode must be an integer 200–599, got ${JSON.stringify(statusCode)}`);
  if (body !== null && typeof body !== 'string')
    return malformed(`body must be a string, got ${describe(body)}`);
  if (isBase64Encoded !== null && typeof isBase64Encoded !== 'boolean') {
    return malformed(`isBase64Encoded must be a boolean, got ${describe(isBase64Encoded)}`);
  }
  const single = toHeaders(headers, 'headers', (v) => (isScalar(v) ? String(v) : undefined));
  if (typeof single === 'string') return malformed(single);
  const multi = toHeaders(multiValueHeaders, 'multiValueHeaders', (v) =>
    Array.isArray(v) && v.every(isScalar) ? v.map(String) : undefined,
  );
  if (typeof multi === 'string') return malformed(multi);
  return {
    ok: true,
    result: {
      statusCode: status,
      headers: single,
      multiValueHeaders: multi,
      body: body ?? '',
      isBase64Encoded: isBase64Encoded ?? false,
    },
  };
}

function malformed(reason: string): ProxyResultCheck {
  return { ok: false, reason };
}

function toStatusCode(value: unknown): number | undefined {
  if (value === null) return 200;
  const number = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  return typeof number === 'number' && Number.isInteger(number) && number >= 200 && number <= 599
    ? number
    : undefined;
}

// Returns the normalised map, or the reason it is malformed.
function toHeaders<T extends string | string[]>(
  value: unknown,
  field: string,
  convert: (value: unknown) => T | undefined,
): Record<string, T> | string {
  if (value === null) return {};
  if (!isObject(value)) return `${field} must be an object, got ${describe(value)}`;
  const entries: Array<[string, T]> = [];
  for (const [name, raw] of Object.entries(value)) {
    const converted = convert(raw);
    if (converted === undefined) return `${field}.${name} has an unsupported value ${JSON.stringify(raw)}`;
    if (!TOKEN.test(name)) return `${field} has an invalid header name ${JSON.stringify(name)}`;
    if ([converted].flat().some((v) => BAD_VALUE.test(v))) {
      return `${field}.${name} holds a character a header cannot carry`;
    }
    entries.push([name, converted]);
  }
  return Object.fromEntries(entries);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isScalar(value: unknown): value is string | number | boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'array' : typeof value;
}
