import type { APIGatewayProxyEvent } from 'aws-lambda';
import { unstorableNumberReason } from '../domain/dynamodb-number.ts';
import {
  BadRequestError,
  type FieldError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
} from '../domain/errors.ts';
import { MAX_ITEM_BYTES } from '../domain/item-size.ts';
import { assertNestingWithin } from '../domain/nesting.ts';
import { type Caller, callerOf } from './caller.ts';

/**
 * A body over DynamoDB's item size limit is refused before it is parsed. It is a cheap first
 * bound: the item as DynamoDB counts it is measured again before the write.
 */
export const MAX_BODY_BYTES = MAX_ITEM_BYTES;

/** The parts of a proxy event a handler reads, with case-insensitive headers. */
export interface HttpRequest {
  readonly method: string;
  /** The resource template, e.g. `/products/{id}`. */
  readonly route: string;
  readonly pathParameters: Readonly<Record<string, string | undefined>>;
  readonly query: Readonly<Record<string, string | undefined>>;
  header(name: string): string | undefined;
  /** The raw body as text (base64 bodies decoded), or undefined when there is none. */
  readonly body: string | undefined;
  /**
   * What the client's URL had before the API path: the stage on an execute-api URL (`/prod`),
   * a base path on a custom domain, nothing locally. `Location` headers start with it.
   */
  readonly basePath: string;
  /** The signed-in caller (from the authorizer's verified claims), or undefined on a public route. */
  readonly caller: Caller | undefined;
}

export function toHttpRequest(event: APIGatewayProxyEvent): HttpRequest {
  const headers = new Map<string, string>();
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (value !== undefined) headers.set(name.toLowerCase(), value);
  }
  // A header sent on several lines is one comma-separated list (RFC 9110 §5.3): `headers` keeps
  // only the last line, `multiValueHeaders` all of them. Matters for If-Match / If-None-Match.
  for (const [name, values] of Object.entries(event.multiValueHeaders ?? {})) {
    if (values && values.length > 1) headers.set(name.toLowerCase(), values.join(', '));
  }
  const raw = event.body ?? undefined;
  const requested = event.requestContext?.path ?? event.path;
  const basePath = requested.endsWith(event.path)
    ? requested.slice(0, requested.length - event.path.length)
    : '';
  return {
    basePath,
    caller: callerOf(event),
    method: event.httpMethod,
    route: event.resource,
    pathParameters: event.pathParameters ?? {},
    query: event.queryStringParameters ?? {},
    header: (name) => headers.get(name.toLowerCase()),
    body: raw !== undefined && event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw,
  };
}

export interface JsonBodyOptions {
  /** Media types accepted in Content-Type; `undefined` accepts any (the tutorial's clients send curl's default). */
  readonly mediaTypes?: readonly string[];
  /** Refuse (400, naming the field) any number DynamoDB cannot store, judged on its JSON text. */
  readonly storableNumbers?: boolean;
  /**
   * Levels of the body around the item it carries: 1 when the body is the item (the default),
   * more when the item sits inside a request (DynamoDBManager's `{payload: {Item}}` is 3).
   */
  readonly envelope?: number;
}

/** A number of the body DynamoDB cannot store, kept as written until its path is known. */
class UnstorableNumber {
  constructor(readonly reason: string) {}
}

/**
 * A reviver for `JSON.parse` that marks each number DynamoDB cannot store, judged on its text as
 * written. The text comes from the reviver's third argument (JSON.parse source text access,
 * ES2025): Node.js 22 and later have it, so the deployed Node.js 24 does; a runtime without it
 * passes no third argument, and the numbers stay as parsed.
 */
const markUnstorable = (_key: string, value: unknown, context?: { source?: string }) => {
  if (typeof value !== 'number' || context?.source === undefined) return value;
  const reason = unstorableNumberReason(context.source);
  return reason ? new UnstorableNumber(reason) : value;
};

// The tokens of valid JSON text that hold digits: strings (skipped, so their digits are not
// read as numbers) and numbers. Unrolled so that a long string is one cheap match.
const STRINGS_AND_NUMBERS = /"[^"\\]*(?:\\.[^"\\]*)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;

/** Whether valid JSON text holds a number DynamoDB cannot store, judged on each number as written. */
function hasUnstorableNumber(text: string): boolean {
  for (const [token] of text.matchAll(STRINGS_AND_NUMBERS)) {
    if (!token.startsWith('"') && unstorableNumberReason(token)) return true;
  }
  return false;
}

/** Finds `__proto__` members (refused at once) and unstorable numbers (reported by path). */
function inspect(value: unknown, path: string, problems: FieldError[]): void {
  if (value instanceof UnstorableNumber) {
    problems.push({ path, message: `${value.reason}.` });
  } else if (Array.isArray(value)) {
    for (const [i, element] of value.entries()) inspect(element, path ? `${path}.${i}` : String(i), problems);
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, member] of Object.entries(value)) {
      if (key === '__proto__') throw new BadRequestError('The body must not contain a "__proto__" key.');
      inspect(member, path ? `${path}.${key}` : key, problems);
    }
  }
}

/**
 * Reads the body as JSON: 415 for a media type not accepted, 413 over DynamoDB's item limit,
 * 400 when missing or malformed, when it nests deeper than an item may, when it carries a
 * `__proto__` key, or (with `storableNumbers`) when a number is one DynamoDB cannot store, each
 * such field named.
 */
export function readJsonBody(
  request: HttpRequest,
  { mediaTypes, storableNumbers = false, envelope = 1 }: JsonBodyOptions = {},
): unknown {
  const contentType = request.header('content-type');
  const mediaType = contentType?.split(';')[0]?.trim().toLowerCase();
  if (mediaTypes && (!mediaType || !mediaTypes.includes(mediaType))) {
    throw new UnsupportedMediaTypeError(`Send the body as ${mediaTypes.join(' or ')}.`);
  }
  const body = request.body;
  if (body === undefined || body.trim() === '') throw new BadRequestError('The request needs a JSON body.');
  if (Buffer.byteLength(body) > MAX_BODY_BYTES) {
    throw new PayloadTooLargeError(`The body is over ${MAX_BODY_BYTES} bytes, DynamoDB's item size limit.`);
  }
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw new BadRequestError('The body is not valid JSON.');
  }
  // JSON.parse copes with any depth; every walk after it recurses (the reviver, `inspect`,
  // validators, the marshaller, JSON.stringify). So the depth is bounded here, iteratively, first.
  assertNestingWithin(value, envelope);
  // Rare, so judged on the text first; then parsed again only to name the fields.
  const unstorable = storableNumbers && hasUnstorableNumber(body);
  if (unstorable) value = JSON.parse(body, markUnstorable);
  const problems: FieldError[] = [];
  inspect(value, '', problems);
  // Without source text access the fields cannot be named, but the body is refused all the same.
  if (unstorable) {
    throw new BadRequestError(
      'The body holds numbers DynamoDB cannot store.',
      problems.length > 0 ? problems : undefined,
    );
  }
  return value;
}
