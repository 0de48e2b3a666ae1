// The API reference of the local system: the OpenAPI document of the services it serves, and
// Swagger UI (bundled from npm, no CDN) rendering it, under a prefix no deployed route can have.
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { LOCAL_PAGE_HEADERS, requestAuthority } from '#local/exposure.ts';
import type { ServiceDeclaration } from '#src/declaration/types.ts';
import { buildOpenApiDocument } from '#src/openapi/build-document.ts';
import packageJson from '../../package.json' with { type: 'json' };

/** Where the reference is served. API Gateway has no such resource: the leading `_` keeps it apart. */
export const REFERENCE_PREFIX = '/_local/docs';

const UI_DIR = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
// A Map, not an object: a name from the URL must never find `constructor` or `__proto__`.
const ASSETS = new Map([
  ['swagger-ui.css', 'text/css; charset=utf-8'],
  ['swagger-ui-bundle.js', 'text/javascript; charset=utf-8'],
]);

// Swagger UI's start, a file of its own: the page's policy runs no inline script.
const start = `SwaggerUIBundle({ url: '${REFERENCE_PREFIX}/openapi.json', dom_id: '#reference', deepLinking: true });\n`;

const page = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Serverless Microservices — API reference (local)</title>
  <link rel="stylesheet" href="${REFERENCE_PREFIX}/swagger-ui.css">
</head>
<body>
  <div id="reference"></div>
  <script src="${REFERENCE_PREFIX}/swagger-ui-bundle.js"></script>
  <script src="${REFERENCE_PREFIX}/reference.js"></script>
</body>
</html>
`;

/** The reference's request listener, and how a reload gives it the declarations now served. */
export interface ApiReference {
  (req: IncomingMessage, res: ServerResponse): boolean;
  /** From now on the document describes `services` (a hot reload calls it with what it serves). */
  update(services: readonly ServiceDeclaration[]): void;
}

/**
 * A request listener for the reference: answers requests under REFERENCE_PREFIX and returns true,
 * or returns false for every other request (the gateway's). The document's server is the URL
 * the browser used, so "Try it out" calls this very system. After `update`, the document is that
 * of the new declarations (built at its first request, not at every reload).
 *
 * @example
 * const reference = apiReference(services);
 * createServer((req, res) => { if (!reference(req, res)) gateway(req, res); });
 * reference.update(reloadedServices);
 */
export function apiReference(services: readonly ServiceDeclaration[]): ApiReference {
  let current = services;
  let document: ReturnType<typeof buildOpenApiDocument> | undefined;
  const listener = (req: IncomingMessage, res: ServerResponse): boolean => {
    const pathname = (req.url ?? '').split('?')[0] ?? '';
    if (pathname !== REFERENCE_PREFIX && !pathname.startsWith(`${REFERENCE_PREFIX}/`)) return false;
    const send = (status: number, type: string, body: string | Buffer) => {
      res.writeHead(status, { ...LOCAL_PAGE_HEADERS, 'Content-Type': type, 'Cache-Control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      send(405, 'text/plain; charset=utf-8', 'Method Not Allowed\n');
      return true;
    }
    const name = pathname.slice(REFERENCE_PREFIX.length + 1);
    const asset = ASSETS.get(name);
    if (name === '' || name === 'index.html') send(200, 'text/html; charset=utf-8', page);
    else if (name === 'reference.js') send(200, 'text/javascript; charset=utf-8', start);
    else if (name === 'openapi.json') {
      // The host the request was for, as the gate checked it (never a second Host line).
      const authority = requestAuthority(req);
      const host = (authority.kind === 'host' && authority.host) || '127.0.0.1';
      const servers = [{ url: `http://${host}`, description: 'This local system' }];
      document ??= buildOpenApiDocument(current, { version: packageJson.version });
      send(200, 'application/json', JSON.stringify({ ...document, servers }, null, 2));
    } else if (asset) {
      readFile(path.join(UI_DIR, name)).then(
        (body) => send(200, asset, body),
        () => send(500, 'text/plain; charset=utf-8', 'The reference assets are missing: run npm install.\n'),
      );
    } else send(404, 'text/plain; charset=utf-8', 'Not Found\n');
    return true;
  };
  return Object.assign(listener, {
    update(next: readonly ServiceDeclaration[]) {
      current = next;
      document = undefined;
    },
  });
}
