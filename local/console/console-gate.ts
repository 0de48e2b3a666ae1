// Who may use the console: the gateway's Host/Origin gate has already let the request in (only this
// machine); on top of it every console request needs the per-start secret, and its Origin, when it
// has one, must be the console's own. Other loopback pages (a dev server on another port is the
// same *site*, so SameSite cookies go with its requests) can neither read nor drive the console.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { ConsoleProblem } from './console-http.ts';

/** Where the console lives: a path no deployed route can have (the leading `_`). */
export const CONSOLE_PREFIX = '/_local/console';
export const SECRET_COOKIE = 'console_secret';
export const SECRET_HEADER = 'x-console-secret';

/** The cookie that carries the secret after the first visit: never sent cross-site, nor to scripts. */
export function secretCookie(secret: string): string {
  return `${SECRET_COOKIE}=${secret}; HttpOnly; SameSite=Strict; Path=${CONSOLE_PREFIX}`;
}

function sameSecret(given: string | undefined, secret: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookieValue(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}

/** The origin a browser on this console would send: the scheme and the Host it used. */
function ownOrigin(req: IncomingMessage): string {
  return `http://${req.headers.host ?? ''}`.toLowerCase();
}

/**
 * Refuses a console request that does not carry the secret (401) or comes from another origin (403);
 * returns nothing when it may go on.
 */
export function consoleRefusal(req: IncomingMessage, secret: string): ConsoleProblem | undefined {
  const origin = req.headers.origin;
  if (origin !== undefined && origin.toLowerCase() !== ownOrigin(req))
    return new ConsoleProblem(403, 'Forbidden', 'The console answers only its own pages.');
  const header = req.headers[SECRET_HEADER];
  const given = typeof header === 'string' ? header : cookieValue(req, SECRET_COOKIE);
  if (!sameSecret(given, secret))
    return new ConsoleProblem(
      401,
      'Unauthorized',
      'Open the console with the URL `npm start` printed (it carries this start’s secret).',
    );
  return undefined;
}

/** Whether `?secret=` in the URL is this start's secret. */
export function urlSecretMatches(url: URL, secret: string): boolean {
  const given = url.searchParams.get('secret');
  return given !== null && sameSecret(given, secret);
}
