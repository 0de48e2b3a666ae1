// The console's single-page app, as its build leaves it in console/dist/ (index.html and hashed
// assets), served from this package: nothing comes from a CDN. Before the app is built, a short
// page says so, and the API works all the same.
import { readFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import path from 'node:path';
import { LOCAL_PAGE_HEADERS } from '#local/exposure.ts';
import { PROJECT_ROOT } from '#src/declaration/load-services.ts';
import { CONSOLE_PREFIX } from './console-gate.ts';

/** Where the console's build puts the app. */
export const CONSOLE_DIST_DIR = path.join(PROJECT_ROOT, 'console', 'dist');

// A Map, not an object: an extension from the URL must never find `constructor`.
const TYPES = new Map([
  ['.html', 'text/html; charset=utf-8'],
  ['.js', 'text/javascript; charset=utf-8'],
  ['.css', 'text/css; charset=utf-8'],
  ['.svg', 'image/svg+xml'],
  ['.png', 'image/png'],
  ['.ico', 'image/x-icon'],
  ['.json', 'application/json'],
  ['.woff2', 'font/woff2'],
  ['.map', 'application/json'],
]);

const PLACEHOLDER = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Local console</title></head>
<body>
  <main>
    <h1>Local console</h1>
    <p>The console's app is not built in this copy (console/dist/ is missing). Its API answers under
    <code>${CONSOLE_PREFIX}/api/</code>; see docs/console.md.</p>
  </main>
</body>
</html>
`;

export const NEEDS_SECRET_PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Local console</title></head>
<body>
  <main>
    <h1>Local console</h1>
    <p>Open the console with the URL <code>npm start</code> printed: it carries this start's secret.</p>
  </main>
</body>
</html>
`;

function send(res: ServerResponse, status: number, type: string, body: string | Buffer, cache: string): void {
  res.writeHead(status, {
    ...LOCAL_PAGE_HEADERS,
    'Content-Type': type,
    'Cache-Control': cache,
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
}

/** Serves the app's file for `relative` (a path under the prefix), index.html for the app's own routes. */
export async function serveAsset(
  res: ServerResponse,
  relative: string,
  head: boolean,
  dist = CONSOLE_DIST_DIR,
): Promise<void> {
  const sendBody = (status: number, type: string, body: string | Buffer, cache: string) =>
    send(res, status, type, head ? '' : body, cache);
  const file = path.resolve(dist, `.${path.posix.normalize(`/${relative}`)}`);
  const inside = file.startsWith(`${dist}${path.sep}`);
  const type = TYPES.get(path.extname(file));
  if (inside && type && path.basename(file) !== 'index.html') {
    const body = await readFile(file).catch(() => undefined);
    // Vite names built assets by their hash: they never change under one name.
    if (body) return sendBody(200, type, body, 'public, max-age=31536000, immutable');
    if (path.extname(file) !== '.html')
      return sendBody(404, 'text/plain; charset=utf-8', 'Not Found\n', 'no-store');
  }
  const index = await readFile(path.join(dist, 'index.html')).catch(() => undefined);
  sendBody(200, 'text/html; charset=utf-8', index ?? PLACEHOLDER, 'no-store');
}

export function sendNeedsSecret(res: ServerResponse): void {
  send(res, 401, 'text/html; charset=utf-8', NEEDS_SECRET_PAGE, 'no-store');
}
