import type { APIGatewayProxyEvent } from 'aws-lambda';
import { BadRequestError, PayloadTooLargeError, UnsupportedMediaTypeError } from '../domain/errors.ts';

/** DynamoDB's item size limit: a larger body can never be stored. */
export const MAX_BODY_BYTES = 400 * 1024;

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
}

export function toHttpRequest(event: APIGatewayProxyEvent): HttpRequest {
  const headers = new Map<string, string>();
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (value !== undefined) headers.set(name.toLowerCase(), value);
  }
  const raw = event.body ?? undefined;
  const requested = event.requestContext?.path ?? event.path;
  const basePath = requested.endsWith(event.path)
    ? requested.slice(0, requested.length - event.path.length)
    : '';
  return {
    basePath,
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
}

/**
 * Reads the body as JSON: 415 for a media type not accepted, 413 over DynamoDB's item limit,
 * 400 when missing or malformed or when it carries a `__proto__` key.
 */
export function readJsonBody(request: HttpRequest, { mediaTypes }: JsonBodyOptions = {}): unknown {
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
  try {
    return JSON.parse(body, (key, value) => {
      if (key === '__proto__') throw new BadRequestError('The body must not contain a "__proto__" key.');
      return value;
    });
  } catch (error) {
    if (error instanceof BadRequestError) throw error;
    throw new BadRequestError('The body is not valid JSON.');
  }
}
