import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import path from 'node:path';
import { describe, test } from 'node:test';
import { build } from 'esbuild';
import { createClient, ProblemError } from './index.ts';

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

// No local engine can be made to throttle yet, so a small stand-in server on loopback answers 503s.
async function withStandIn(handler: Handler, run: (url: string) => Promise<void>): Promise<void> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    req.on('end', () => handler(req, body, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  try {
    await run(`http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

const item = { id: 'a', name: 'Mug', price: 3, version: 1, createdAt: 'x', updatedAt: 'x' };
const unavailable = (res: ServerResponse, retryAfter: string) => {
  res.writeHead(503, { 'Content-Type': 'application/problem+json', 'Retry-After': retryAfter });
  res.end(
    JSON.stringify({
      type: 'urn:x:service-unavailable',
      title: 'Service Unavailable',
      status: 503,
      detail: 'busy',
      instance: 'i',
    }),
  );
};

describe('the typed client', () => {
  test('retries a 503 after Retry-After, re-sending the body, then returns the answer', async () => {
    const bodies: string[] = [];
    await withStandIn(
      (_req, body, res) => {
        bodies.push(body);
        if (bodies.length <= 2) return unavailable(res, '1');
        res.writeHead(201, { 'Content-Type': 'application/json', ETag: '"1"' });
        res.end(JSON.stringify(item));
      },
      async (baseUrl) => {
        const waits: number[] = [];
        const client = createClient({ baseUrl, retry: { sleep: async (ms) => void waits.push(ms) } });
        const created = await client.products.create({ name: 'Mug', price: 3 });
        assert.deepEqual(created, item);
        assert.deepEqual(waits, [1000, 1000]);
        assert.deepEqual(bodies, Array(3).fill(JSON.stringify({ name: 'Mug', price: 3 })));
        assert.equal(client.products.etag('a'), '"1"');
      },
    );
  });

  test('gives up after maxRetries with the 503 as a typed problem, each wait bounded', async () => {
    let calls = 0;
    await withStandIn(
      (_req, _body, res) => {
        calls++;
        unavailable(res, '3600');
      },
      async (baseUrl) => {
        const waits: number[] = [];
        const client = createClient({
          baseUrl,
          retry: { maxRetries: 2, maxDelayMs: 5000, sleep: async (ms) => void waits.push(ms) },
        });
        const error = await client.products.get('a').catch((e: unknown) => e);
        assert.ok(error instanceof ProblemError);
        assert.equal(error.status, 503);
        assert.equal(error.detail, 'busy');
        assert.equal(error.retryAfterSeconds, 3600);
        assert.equal(calls, 3);
        assert.deepEqual(waits, [5000, 5000]);
      },
    );
  });

  test('sends the token from the provider hook with every request', async () => {
    const seen: (string | undefined)[] = [];
    await withStandIn(
      (req, _body, res) => {
        seen.push(req.headers.authorization);
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ items: [], nextCursor: null }));
      },
      async (baseUrl) => {
        let n = 0;
        const client = createClient({ baseUrl, token: async () => `t${++n}` });
        await client.products.page();
        await client.products.page();
        assert.deepEqual(seen, ['t1', 't2']);
      },
    );
  });

  test('bundles for browsers: no Node module is imported', async () => {
    const result = await build({
      entryPoints: [path.join(import.meta.dirname, 'index.ts')],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      logLevel: 'silent',
    });
    assert.equal(result.errors.length, 0);
    assert.doesNotMatch(result.outputFiles[0]?.text ?? '', /from ["']node:/);
  });
});
