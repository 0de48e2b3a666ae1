import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { describe, test } from 'node:test';
import products from '#services/products.ts';
import { apiReference, REFERENCE_PREFIX } from './api-reference.ts';

describe('the local API reference', () => {
  test('serves Swagger UI and the document under its prefix, and nothing else', async () => {
    const reference = apiReference([products]);
    const server = createServer((req, res) => {
      if (!reference(req, res)) res.writeHead(418).end('the API');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const address = server.address();
      const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
      const page = await fetch(`${base}${REFERENCE_PREFIX}/`);
      assert.equal(page.status, 200);
      const html = await page.text();
      assert.match(html, /<script src="\/_local\/docs\/swagger-ui-bundle\.js">/);
      assert.doesNotMatch(html, /https?:\/\//, 'no CDN');
      const doc = (await (await fetch(`${base}${REFERENCE_PREFIX}/openapi.json`)).json()) as {
        servers: { url: string }[];
        paths: Record<string, unknown>;
      };
      assert.deepEqual(
        doc.servers.map((s) => s.url),
        [base],
      );
      assert.deepEqual(Object.keys(doc.paths), ['/products', '/products/{id}']);
      const bundle = await fetch(`${base}${REFERENCE_PREFIX}/swagger-ui-bundle.js`);
      assert.equal(bundle.status, 200);
      assert.match(bundle.headers.get('content-type') ?? '', /javascript/);
      assert.ok((await bundle.text()).length > 100_000);
      assert.equal((await fetch(`${base}${REFERENCE_PREFIX}/../../etc/passwd`)).status, 418);
      assert.equal((await fetch(`${base}${REFERENCE_PREFIX}/package.json`)).status, 404);
      assert.equal((await fetch(`${base}${REFERENCE_PREFIX}/openapi.json`, { method: 'POST' })).status, 405);
      assert.equal((await fetch(`${base}/products`)).status, 418);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
