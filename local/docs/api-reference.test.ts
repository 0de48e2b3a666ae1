import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { describe, test } from 'node:test';
import orders from '#services/orders.ts';
import products from '#services/products.ts';
import { apiReference, REFERENCE_PREFIX } from './api-reference.ts';

// The reference on a server of its own; every other request gets 418.
async function serve(reference = apiReference([products])) {
  const server = createServer((req, res) => {
    if (!reference(req, res)) res.writeHead(418).end('the API');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return { base, server, reference };
}

describe('the local API reference', () => {
  test('serves Swagger UI and the document under its prefix, and nothing else', async () => {
    const { base, server } = await serve();
    try {
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

  test('answers 404 for names an object lookup would find on Object.prototype', async () => {
    const { base, server } = await serve();
    try {
      for (const name of [
        'constructor',
        '__proto__',
        'toString',
        'hasOwnProperty',
        'valueOf',
        'isPrototypeOf',
      ]) {
        const reply = await fetch(`${base}${REFERENCE_PREFIX}/${name}`);
        assert.equal(reply.status, 404, name);
        assert.equal(await reply.text(), 'Not Found\n', name);
      }
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  test('serves the page under a Content-Security-Policy that lets Swagger UI run from this origin only', async () => {
    const { base, server } = await serve();
    try {
      const page = await fetch(`${base}${REFERENCE_PREFIX}/`);
      const policy = page.headers.get('content-security-policy') ?? '';
      const directives = new Map(
        policy.split(';').map((part) => {
          const [name = '', ...values] = part.trim().split(/\s+/);
          return [name, values] as const;
        }),
      );
      assert.deepEqual(directives.get('default-src'), ["'self'"]);
      assert.deepEqual(directives.get('script-src'), ["'self'"], 'no inline or eval script');
      assert.deepEqual(directives.get('frame-ancestors'), ["'none'"]);
      assert.deepEqual(directives.get('object-src'), ["'none'"]);
      assert.match(page.headers.get('vary') ?? '', /Origin/);
      // No inline script: the page's one script of its own is a file of this origin.
      const html = await page.text();
      assert.doesNotMatch(html, /<script>/);
      const scripts = [...html.matchAll(/<script src="([^"]+)">/g)].map((m) => m[1]);
      for (const src of scripts) {
        const script = await fetch(`${base}${src}`);
        assert.equal(script.status, 200, src);
        assert.match(script.headers.get('content-type') ?? '', /javascript/, src);
        await script.arrayBuffer();
      }
      const init = await (await fetch(`${base}${REFERENCE_PREFIX}/reference.js`)).text();
      assert.match(init, /SwaggerUIBundle\(/);
      assert.match(init, /openapi\.json/);
      const doc = await fetch(`${base}${REFERENCE_PREFIX}/openapi.json`);
      assert.ok(doc.headers.get('content-security-policy'));
      await doc.arrayBuffer();
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  test('describes the declarations it is updated with from then on', async () => {
    const { base, server, reference } = await serve();
    const paths = async () =>
      Object.keys(
        ((await (await fetch(`${base}${REFERENCE_PREFIX}/openapi.json`)).json()) as { paths: object }).paths,
      );
    try {
      assert.deepEqual(await paths(), ['/products', '/products/{id}']);
      reference.update([products, orders]);
      assert.deepEqual(await paths(), ['/products', '/products/{id}', '/orders', '/orders/{id}']);
      reference.update([orders]);
      assert.deepEqual(await paths(), ['/orders', '/orders/{id}']);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
