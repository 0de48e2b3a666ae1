// "Only this machine": the local system has no authentication, so the gateway refuses requests
// that another site could have made a browser send (DNS rebinding, cross-origin requests).

/** Host names that always mean this machine. */
export const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]'] as const;

// Loopback origins on any port, http or https (as Vite allows since CVE-2025-24010).
const LOOPBACK_ORIGIN = /^https?:\/\/(?:localhost|127\.0\.0\.1|\[::1\])(?::\d{1,5})?$/i;

export interface ExposureOptions {
  /** Host names answered besides the loopback ones (e.g. a name in /etc/hosts); `*` answers any. */
  readonly allowedHosts?: readonly string[];
  /** Browser origins served besides loopback ones, e.g. `https://app.example.com`; `*` serves any. */
  readonly allowedOrigins?: readonly string[];
}

/**
 * Whether a `Host` header names this gateway: a loopback name (or an allowed extra one) with the
 * port the gateway listens on (the port may be left out only when it is 80). Without this check a
 * page on `evil.example` whose name is re-pointed at 127.0.0.1 could call the API same-origin.
 *
 * @example
 * isAllowedHost('localhost:3000', 3000); // true
 * isAllowedHost('evil.example:3000', 3000); // false
 */
export function isAllowedHost(
  host: string | undefined,
  port: number,
  options: ExposureOptions = {},
): boolean {
  if (options.allowedHosts?.includes('*')) return true;
  if (!host) return false;
  const match = /^(\[[^\]]*\]|[^:]+)(?::(\d{1,5}))?$/.exec(host.trim().toLowerCase());
  if (!match) return false;
  const [, name = '', portText] = match;
  if (Number(portText ?? 80) !== port) return false;
  const extra = (options.allowedHosts ?? []).map((h) => h.toLowerCase());
  return (LOOPBACK_HOSTS as readonly string[]).includes(name) || extra.includes(name);
}

/**
 * Whether a request may go on, judged by its `Origin`: none (curl, Postman, server-side code), a
 * loopback origin on any port, or an allowed extra one. A browser on any other site is refused
 * before any function runs, so even a "simple" cross-origin POST cannot change data.
 *
 * @example
 * isAllowedOrigin(undefined); // true
 * isAllowedOrigin('http://localhost:5173'); // true
 * isAllowedOrigin('https://evil.example'); // false
 */
export function isAllowedOrigin(origin: string | undefined, options: ExposureOptions = {}): boolean {
  if (origin === undefined) return true;
  const extra = options.allowedOrigins ?? [];
  return extra.includes('*') || LOOPBACK_ORIGIN.test(origin) || extra.includes(origin);
}

/** The host a request names, or why it names none unambiguously (a 400). */
export type RequestAuthority =
  | { readonly kind: 'host'; readonly host: string | undefined }
  | { readonly kind: 'malformed'; readonly reason: string };

/**
 * The host a request is for, as RFC 9112 §3.2 defines it: the authority of an absolute-form target
 * (`GET http://localhost:3000/products`), whatever its `Host` line says, else its `Host` line.
 * Two `Host` lines make the request malformed (§3.2: a 400), as does an absolute-form target that
 * is not an http(s) URL. Node's parser keeps the first of two `Host` lines, so they are counted
 * here from the raw headers.
 *
 * @example
 * requestAuthority({ url: 'http://evil.example/products', rawHeaders: ['Host', 'localhost:3000'] });
 * // → { kind: 'host', host: 'evil.example:80' }
 */
export function requestAuthority(req: {
  readonly url?: string | undefined;
  readonly rawHeaders: readonly string[];
}): RequestAuthority {
  const hosts = req.rawHeaders.filter((value, index) => index % 2 === 0 && value.toLowerCase() === 'host');
  if (hosts.length > 1)
    return { kind: 'malformed', reason: 'the request has more than one Host header line' };
  const target = req.url ?? '/';
  if (target.startsWith('/') || target === '*') {
    const index = req.rawHeaders.findIndex((value, i) => i % 2 === 0 && value.toLowerCase() === 'host');
    return { kind: 'host', host: index === -1 ? undefined : req.rawHeaders[index + 1] };
  }
  const url = URL.canParse(target) ? new URL(target) : undefined;
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.host === '') {
    return { kind: 'malformed', reason: 'the request target is neither a path nor an http(s) URL' };
  }
  // The URL leaves a scheme's default port out; the Host check needs it said.
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return { kind: 'host', host: `${url.hostname}:${port}` };
}

/**
 * Headers every local page (`/_local/…`) answers with. The policy lets the API reference (Swagger UI,
 * served from this origin) run and nothing else: scripts from this origin only (no inline script,
 * no eval), its inline styles and `data:` icons, which Swagger UI needs (swagger-ui#3370, #7540),
 * requests ("Try it out") to this origin only, and no framing. `Vary: Origin`: the gate decides
 * on the Origin.
 */
export const LOCAL_PAGE_HEADERS = {
  'Content-Security-Policy': [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; '),
  'X-Content-Type-Options': 'nosniff',
  Vary: 'Origin',
} as const;
