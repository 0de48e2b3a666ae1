// The shape of a kept trace: OpenTelemetry's data model (trace id, span id, parent, name, start,
// duration, attributes named by its semantic conventions), so exporting one is a mapping.

/** A value of a span attribute, as OpenTelemetry allows them. */
export type AttributeValue = string | number | boolean | readonly string[];

export interface Span {
  /** 16 hex digits. */
  readonly spanId: string;
  readonly parentSpanId?: string;
  /** `gateway`, `authorizer`, `validate body`, `wait for instance`, `init`, `invoke <function>`, `DynamoDB.<Action>`, `response`. */
  readonly name: string;
  readonly kind: 'server' | 'internal' | 'client';
  /** Milliseconds since the epoch, fractional. */
  readonly startTime: number;
  readonly durationMs: number;
  readonly status: 'ok' | 'error';
  readonly attributes: Readonly<Record<string, AttributeValue>>;
}

/** One request through the gateway, as the console lists it. */
export interface TraceSummary {
  /** 32 hex digits: the X-Ray root's time and random parts, which is how X-Ray ids map to W3C ones. */
  readonly traceId: string;
  /** The gateway's request id (`x-amzn-RequestId`, `requestContext.requestId`). */
  readonly requestId: string;
  /** The Lambda invocation's request id (`START RequestId: …` in the function's log), if one ran. */
  readonly invocationId?: string;
  readonly method: string;
  readonly path: string;
  /** The resource template matched, e.g. `/products/{id}`; absent when no route matched. */
  readonly route?: string;
  readonly status: number;
  readonly startTime: number;
  readonly durationMs: number;
  readonly function?: string;
  /** `cognito:username` of the verified token. */
  readonly user?: string;
  readonly cold?: boolean;
  readonly error?: boolean;
}

export interface Trace {
  readonly summary: TraceSummary;
  readonly spans: readonly Span[];
}

/** The current time in fractional epoch milliseconds (monotonic within the process). */
export const epochNow = (): number => performance.timeOrigin + performance.now();

const ROOT_FIELD = 'Root=';
/** `1-` + 8 hex digits + `-` + 24 hex digits. */
const ROOT_LENGTH = 35;

/**
 * The root of an X-Ray trace header (`1-66704cad-0123456789abcdef01234567`), or undefined: how a
 * DynamoDB call finds its request, on every call, so it is cut out without a regular expression.
 *
 * @example
 * xrayRootOf('Root=1-66704cad-0123456789abcdef01234567;Parent=…'); // '1-66704cad-0123456789abcdef01234567'
 */
export function xrayRootOf(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const at = header.startsWith(ROOT_FIELD) ? 0 : header.indexOf(`;${ROOT_FIELD}`) + 1;
  if (at < 0 || (at === 0 && !header.startsWith(ROOT_FIELD))) return undefined;
  const start = at + ROOT_FIELD.length;
  const end = header.indexOf(';', start);
  const root = header.slice(start, end < 0 ? header.length : end).trim();
  return root.length === ROOT_LENGTH && root.startsWith('1-') && root[10] === '-' ? root : undefined;
}

const HEX_32 = /^[0-9a-f]{32}$/;

/**
 * The W3C trace id of an X-Ray root (`1-<8 hex>-<24 hex>`, as `xrayRootOf` cuts it), or undefined.
 *
 * @example
 * traceIdOfRoot('1-66704cad-0123456789abcdef01234567'); // '66704cad0123456789abcdef01234567'
 */
export function traceIdOfRoot(root: string): string | undefined {
  const traceId = `${root.slice(2, 10)}${root.slice(11)}`.toLowerCase();
  return HEX_32.test(traceId) ? traceId : undefined;
}

/**
 * The W3C trace id of an X-Ray trace header (`Root=1-<8 hex>-<24 hex>…`), or undefined.
 *
 * @example
 * traceIdOfXRay('Root=1-66704cad-0123456789abcdef01234567;Parent=…'); // '66704cad0123456789abcdef01234567'
 */
export function traceIdOfXRay(header: string | undefined): string | undefined {
  const root = xrayRootOf(header);
  return root === undefined ? undefined : traceIdOfRoot(root);
}
