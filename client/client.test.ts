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

/** A stand-in that stores every write it reads, then fails in the way `fail` says. */
function failingAfterWrite() {
  const writes: { method: string; body: string; key: string | undefined }[] = [];
  return {
    writes,
    /**
     * Stores the write, then answers as `answer` says for the first `failures` requests (of
     * `method` only, when given), and with `then` after.
     */
    handler(
      failures: number,
      answer: 'destroy' | 503 | 429,
      then: (res: ServerResponse) => void,
      method?: string,
    ): Handler {
      let seen = 0;
      return (req, body, res) => {
        const key = req.headers['idempotency-key'];
        writes.push({ method: req.method ?? '', body, key: typeof key === 'string' ? key : undefined });
        if ((method !== undefined && req.method !== method) || seen++ >= failures) return then(res);
        if (answer === 'destroy') return void res.socket?.destroy();
        if (answer === 429) {
          res.writeHead(429, { 'Content-Type': 'application/json' });
          return void res.end(JSON.stringify({ message: 'Too Many Requests' }));
        }
        unavailable(res, '0');
      };
    },
  };
}
const created = (res: ServerResponse) => {
  res.writeHead(201, { 'Content-Type': 'application/json', ETag: '"1"' });
  res.end(JSON.stringify(item));
};
/** A sleep that records what it was asked to wait, and returns at once. */
const recordedWaits = () => {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
};

describe('the typed client: retries never duplicate a write', () => {
  test('a plain POST whose connection is lost after the write is sent once, and the error surfaces', async () => {
    const server = failingAfterWrite();
    await withStandIn(server.handler(1, 'destroy', created), async (baseUrl) => {
      const { waits, sleep } = recordedWaits();
      const client = createClient({ baseUrl, retry: { sleep } });
      // A POST with no Idempotency-Key (resource creates carry one: this is the raw client's).
      await assert.rejects(client.api.POST('/products', { body: { name: 'Mug', price: 3 } }), TypeError);
      assert.equal(server.writes.length, 1);
      assert.deepEqual(waits, []);
    });
  });

  test('a plain POST or PATCH answered 503 after the write is not sent again: the 503 is thrown', async () => {
    const server = failingAfterWrite();
    await withStandIn(server.handler(2, 503, created), async (baseUrl) => {
      const { waits, sleep } = recordedWaits();
      const client = createClient({ baseUrl, retry: { sleep } });
      // POST and PATCH with no Idempotency-Key (resource creates carry one: this is the raw client's).
      const create = await client.api.POST('/products', { body: { name: 'Mug', price: 3 } });
      assert.equal(create.response.status, 503);
      const patch = await client.api.PATCH('/products/{id}', {
        params: { path: { id: 'a' }, header: { 'If-Match': '"1"' } },
        body: { price: 4 },
        headers: { 'Content-Type': 'application/merge-patch+json' },
      });
      assert.equal(patch.response.status, 503);
      assert.deepEqual(
        server.writes.map((w) => w.method),
        ['POST', 'PATCH'],
      );
      assert.deepEqual(waits, []);
    });
  });

  test('a GET whose connection is lost, and a PUT answered 503 after the write, are sent again', async () => {
    const server = failingAfterWrite();
    const ok = (res: ServerResponse) => {
      res.writeHead(200, { 'Content-Type': 'application/json', ETag: '"1"' });
      res.end(JSON.stringify(item));
    };
    await withStandIn(server.handler(2, 'destroy', ok), async (baseUrl) => {
      const { waits, sleep } = recordedWaits();
      const client = createClient({ baseUrl, retry: { sleep } });
      assert.deepEqual(await client.products.get('a'), item);
      assert.equal(server.writes.length, 3);
      assert.equal(waits.length, 2);
    });
    const puts = failingAfterWrite();
    await withStandIn(puts.handler(1, 503, ok), async (baseUrl) => {
      const client = createClient({ baseUrl, retry: recordedWaits() });
      assert.deepEqual(await client.products.replace('a', { name: 'Mug', price: 3 }), item);
      assert.deepEqual(
        puts.writes.map((w) => [w.method, w.body]),
        Array(2).fill(['PUT', JSON.stringify({ name: 'Mug', price: 3 })]),
      );
    });
  });

  test('a POST or PATCH with an Idempotency-Key is sent again, with the same key and body', async () => {
    const server = failingAfterWrite();
    await withStandIn(server.handler(1, 'destroy', created), async (baseUrl) => {
      const client = createClient({ baseUrl, retry: recordedWaits() });
      const mug = await client.products.create({ name: 'Mug', price: 3 }, { idempotencyKey: 'k-1' });
      assert.deepEqual(mug, item);
      assert.deepEqual(
        server.writes,
        Array(2).fill({ method: 'POST', body: '{"name":"Mug","price":3}', key: 'k-1' }),
      );
    });
    const patches = failingAfterWrite();
    await withStandIn(patches.handler(1, 503, created, 'PATCH'), async (baseUrl) => {
      const client = createClient({ baseUrl, retry: recordedWaits() });
      await client.products.get('a'); // an ETag for the If-Match
      await client.products.update('a', { price: 4 }, { idempotencyKey: 'k-2' });
      assert.deepEqual(
        patches.writes.map((w) => [w.method, w.key]),
        [
          ['GET', undefined],
          ['PATCH', 'k-2'],
          ['PATCH', 'k-2'],
        ],
      );
    });
  });

  test("a plain POST refused by the gateway's throttle (429) is sent again: nothing ran", async () => {
    const server = failingAfterWrite();
    await withStandIn(server.handler(2, 429, created), async (baseUrl) => {
      const client = createClient({ baseUrl, retry: recordedWaits() });
      assert.deepEqual(await client.products.create({ name: 'Mug', price: 3 }), item);
      assert.equal(server.writes.length, 3);
    });
  });
});

describe('the typed client: waits', () => {
  test('waits with full jitter: a random time up to min(maxDelayMs, baseDelayMs * 2^attempt)', async () => {
    const server = failingAfterWrite();
    await withStandIn(server.handler(4, 'destroy', created), async (baseUrl) => {
      const { waits, sleep } = recordedWaits();
      const draws = [0.5, 0.25, 0.999, 0];
      const client = createClient({
        baseUrl,
        retry: { maxRetries: 4, baseDelayMs: 100, maxDelayMs: 300, sleep, random: () => draws.shift() ?? 1 },
      });
      await client.products.get('a');
      // Ceilings 100, 200, 300 (400 capped), 300 (800 capped), each scaled by its draw.
      assert.deepEqual(waits, [50, 50, 299.7, 0]);
    });
  });

  test('never retries sooner than Retry-After, in seconds or as an HTTP date', async () => {
    let calls = 0;
    const now = Date.parse('Sun, 06 Dec 2026 19:00:00 GMT');
    await withStandIn(
      (_req, _body, res) => {
        calls++;
        if (calls === 1) return unavailable(res, '2');
        if (calls === 2) return unavailable(res, 'Sun, 06 Dec 2026 19:00:05 GMT');
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(item));
      },
      async (baseUrl) => {
        const { waits, sleep } = recordedWaits();
        const client = createClient({ baseUrl, retry: { sleep, random: () => 0.5, now: () => now } });
        await client.products.get('a');
        assert.deepEqual(waits, [2000, 5000]);
      },
    );
  });

  test('a Retry-After beyond maxDelayMs is not waited for: the problem is thrown with it', async () => {
    let calls = 0;
    await withStandIn(
      (_req, _body, res) => {
        calls++;
        unavailable(res, '3600');
      },
      async (baseUrl) => {
        const { waits, sleep } = recordedWaits();
        const client = createClient({ baseUrl, retry: { maxDelayMs: 5000, sleep } });
        const error = await client.products.get('a').catch((e: unknown) => e);
        assert.ok(error instanceof ProblemError);
        assert.equal(error.status, 503);
        assert.equal(error.detail, 'busy');
        assert.equal(error.retryAfterSeconds, 3600);
        assert.equal(calls, 1);
        assert.deepEqual(waits, []);
      },
    );
  });

  test('gives up after maxRetries with the last 503 as a typed problem', async () => {
    let calls = 0;
    await withStandIn(
      (_req, _body, res) => {
        calls++;
        unavailable(res, '1');
      },
      async (baseUrl) => {
        const { waits, sleep } = recordedWaits();
        const client = createClient({ baseUrl, retry: { maxRetries: 2, sleep } });
        const error = await client.products.get('a').catch((e: unknown) => e);
        assert.ok(error instanceof ProblemError && error.status === 503, String(error));
        assert.equal(calls, 3);
        assert.deepEqual(waits, [1000, 1000]);
      },
    );
  });
});

describe('the typed client: abort and timeout', () => {
  // Answers nothing: the request stays in flight until the client gives up.
  const silent: Handler = () => {};

  test("an abort during a backoff wait ends the call at once with the signal's AbortError", async () => {
    let calls = 0;
    const controller = new AbortController();
    await withStandIn(
      (_req, _body, res) => {
        calls++;
        unavailable(res, '30');
      },
      async (baseUrl) => {
        const client = createClient({
          baseUrl,
          // The real wait: 30 s asked and allowed, so only the abort can end it.
          retry: { maxDelayMs: 60_000 },
          fetch: async (request) => {
            const response = await fetch(request);
            setImmediate(() => controller.abort());
            return response;
          },
        });
        const error = await client.products.get('a', { signal: controller.signal }).catch((e: unknown) => e);
        assert.ok(error instanceof DOMException, String(error));
        assert.equal(error.name, 'AbortError');
        assert.equal(calls, 1, 'no attempt after the abort');
      },
    );
  });

  test('an abort while the request is in flight ends it with an AbortError', async () => {
    const controller = new AbortController();
    await withStandIn(
      () => controller.abort(),
      async (baseUrl) => {
        const client = createClient({ baseUrl });
        const error = await client.products.get('a', { signal: controller.signal }).catch((e: unknown) => e);
        assert.ok(error instanceof DOMException, String(error));
        assert.equal(error.name, 'AbortError');
      },
    );
  });

  test('a per-call or client-wide timeout ends the call with a TimeoutError', async () => {
    await withStandIn(silent, async (baseUrl) => {
      const perCall = await createClient({ baseUrl })
        .products.get('a', { timeoutMs: 50 })
        .catch((e: unknown) => e);
      assert.ok(perCall instanceof DOMException, String(perCall));
      assert.equal(perCall.name, 'TimeoutError');
      const clientWide = await createClient({ baseUrl, timeoutMs: 50 })
        .products.page()
        .catch((e: unknown) => e);
      assert.ok(clientWide instanceof DOMException, String(clientWide));
      assert.equal(clientWide.name, 'TimeoutError');
    });
  });
});

describe('the typed client', () => {
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
