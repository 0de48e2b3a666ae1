import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { MAX_NESTING_LEVELS } from '#src/domain/nesting.ts';
import { type Reply, rawRequest } from '../support/http.ts';
import type { TestSystem } from '../support/test-system.ts';

// Every table a request can change; a refused request must leave each as it was.
const TABLES = ['products', 'orders', 'lambda-apigateway', 'gadgets', 'gizmos'] as const;

/** Runs, and a wall-clock cap that stops generating (never fails) on a loaded CI machine. */
const RUNS = Number(process.env.FC_RUNS ?? 120);
const TIME_LIMIT_MS = 40_000;

const ascii = (maxLength: number) => fc.string({ unit: 'grapheme-ascii', maxLength });
const anyText = (maxLength: number) => fc.string({ unit: 'binary', maxLength });

/** Ids: valid ones, an existing one, and anything at all (percent-encoded into the path). */
const id = fc.oneof(
  fc.constant('hostile-existing'),
  fc.stringMatching(/^[A-Za-z0-9_-]{1,20}$/),
  anyText(40).map(encodeURIComponent),
  fc.constantFrom('..', '%2E%2E', 'a%2Fb', '%00', '__proto__', 'constructor', 'toString', '%F0%9F%98%80'),
);

/** A JSON body nested `levels` deep, in arrays or objects. */
const nested = fc
  .tuple(fc.integer({ min: MAX_NESTING_LEVELS - 2, max: 5_000 }), fc.boolean())
  .map(([levels, arrays]) =>
    arrays ? `${'['.repeat(levels)}${']'.repeat(levels)}` : `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`,
  );

/** Bodies: arbitrary JSON, item-like and manager-like objects, deep nesting, and plain garbage. */
const body = fc.oneof(
  fc.json({ maxDepth: 4 }),
  fc
    .record(
      {
        name: fc.oneof(ascii(30), fc.jsonValue({ maxDepth: 2 })),
        price: fc.oneof(fc.double(), fc.integer(), fc.constantFrom('1e400', '1e-200', '-0')),
        description: fc.jsonValue({ maxDepth: 2 }),
        tags: fc.oneof(fc.array(ascii(60), { maxLength: 25 }), fc.jsonValue({ maxDepth: 2 })),
        items: fc.array(fc.record({ productId: ascii(10), quantity: fc.jsonValue({ maxDepth: 1 }) })),
        status: fc.jsonValue({ maxDepth: 1 }),
        version: fc.jsonValue({ maxDepth: 1 }),
        revision: ascii(10),
      },
      { requiredKeys: [] },
    )
    .map((value) => JSON.stringify(value).replaceAll('"-0"', '-0').replaceAll('"1e400"', '1e400')),
  fc
    .record(
      {
        operation: fc.oneof(
          fc.constantFrom('create', 'read', 'update', 'delete', 'list', 'echo', 'ping'),
          ascii(10),
        ),
        tableName: fc.oneof(fc.constantFrom('lambda-apigateway', 'products'), ascii(10)),
        payload: fc.oneof(
          fc.jsonValue({ maxDepth: 3 }),
          fc.record(
            {
              Item: fc.dictionary(ascii(8), fc.jsonValue({ maxDepth: 2 })),
              Key: fc.dictionary(fc.constantFrom('id', 'other'), fc.jsonValue({ maxDepth: 1 })),
              UpdateExpression: fc.oneof(ascii(30), fc.constant('SET #a = :a')),
              ConditionExpression: fc.oneof(ascii(30), fc.constant('attribute_not_exists(id)')),
              ExpressionAttributeNames: fc.dictionary(ascii(5), ascii(5)),
              ExpressionAttributeValues: fc.dictionary(ascii(5), fc.jsonValue({ maxDepth: 2 })),
              ReturnValues: fc.constantFrom('ALL_NEW', 'ALL_OLD', 'NONE', 'bogus'),
              ReturnValuesOnConditionCheckFailure: fc.constantFrom('ALL_OLD', 'NONE', 'bogus'),
              IndexName: ascii(10),
              Limit: fc.jsonValue({ maxDepth: 1 }),
              ExclusiveStartKey: fc.jsonValue({ maxDepth: 2 }),
            },
            { requiredKeys: [] },
          ),
        ),
      },
      { requiredKeys: [] },
    )
    .map((value) => JSON.stringify(value)),
  nested,
  nested.map((deep) => `{"operation":"echo","payload":${deep}}`),
  nested.map((deep) => `{"operation":"create","payload":{"Item":{"id":"deep","x":${deep}}}}`),
  nested.map((deep) => `{"name":"x","price":1,"tags":${deep}}`),
  anyText(200),
);

const tag = fc.oneof(
  fc.constantFrom('*', '"v1"', 'W/"x"', '"c.AAAAAAAAAAAAAAAAAAAAAA"', '', ','),
  ascii(40),
  fc
    .array(
      ascii(12).map((t) => `"${t.replaceAll('"', '')}"`),
      { maxLength: 60 },
    )
    .map((t) => t.join(', ')),
);

const headers = fc.record(
  {
    'Content-Type': fc.oneof(
      fc.constantFrom(
        'application/json',
        'application/merge-patch+json',
        'application/json; charset=utf-8',
        'text/plain',
        'application/x-www-form-urlencoded',
      ),
      ascii(30),
    ),
    'If-Match': tag,
    'If-None-Match': tag,
    Origin: fc.oneof(fc.constant('http://localhost:3000'), ascii(30)),
    Accept: ascii(20),
    'X-Forwarded-For': ascii(20),
  },
  { requiredKeys: [] },
);

const query = fc
  .array(
    fc.tuple(
      fc.oneof(fc.constantFrom('limit', 'cursor', '__proto__', 'constructor'), ascii(8)),
      fc.oneof(fc.integer({ min: -5, max: 500 }).map(String), ascii(40), anyText(20)),
    ),
    { maxLength: 4 },
  )
  .map((pairs) =>
    pairs.length === 0
      ? ''
      : `?${pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')}`,
  );

/** A refusal in API Gateway's own shape, or problem+json whose status is the response's. */
function assertFourxxShape(reply: Reply): void {
  const type = reply.headers.get('content-type') ?? '';
  const json = reply.json as Record<string, unknown> | undefined;
  if (type === 'application/problem+json') {
    assert.equal(json?.status, reply.status, reply.text);
    for (const key of ['type', 'title', 'detail']) assert.equal(typeof json?.[key], 'string', reply.text);
    assert.doesNotMatch(reply.text, /\bat .+\.(ts|js|mjs):\d+/, 'no stack trace');
  } else {
    assert.match(type, /^application\/json/, `${reply.status}: ${type} ${reply.text.slice(0, 200)}`);
    assert.equal(typeof json?.message, 'string', reply.text);
  }
}

/**
 * Property-based: generated methods, paths, query strings, headers and bodies, signed in as an
 * admin, as a user or not at all, sent to every route of the running system. Never a 5xx; every
 * 4xx is problem+json (or API Gateway's own `{"message": …}`) and changes no table. Seeded: a
 * failure prints its seed and path; `FC_SEED=<seed> FC_PATH=<path>` replays it.
 */
export function hostileInput(system: () => TestSystem): void {
  describe('generated hostile requests', () => {
    test('no route answers 5xx, and a refusal changes nothing', { timeout: 240_000 }, async () => {
      const routes = system().system.routes.map((r) => ({ method: r.method, resource: r.resource }));
      assert.ok(routes.length > 10, 'every declared route is a target');
      const admin = system().adminToken;
      const user = await system().mint({ user: 'hostile-user', groups: [] });
      await rawRequest(system().url, 'PUT', '/products/hostile-existing', '{"name":"x","price":1}', {
        Authorization: admin,
        'Content-Type': 'application/json',
      });
      // Numbers kept as DynamoDB's text: tables hold numbers no double (or BigInt) represents.
      const engine = DynamoDBDocumentClient.from(
        new DynamoDBClient({
          region: 'us-east-1',
          endpoint: system().system.dynamodb.endpoint,
          credentials: { accessKeyId: 'LOCALTEST', secretAccessKey: 'local' },
        }),
        { unmarshallOptions: { wrapNumbers: (text: string) => text } },
      );
      const scan = async (TableName: string) => {
        const items: Record<string, unknown>[] = [];
        let start: Record<string, unknown> | undefined;
        do {
          const page = await engine.send(new ScanCommand({ TableName, ExclusiveStartKey: start }));
          items.push(...(page.Items ?? []));
          start = page.LastEvaluatedKey;
        } while (start);
        return items.sort((a, b) => JSON.stringify(a.id).localeCompare(JSON.stringify(b.id)));
      };
      const snapshot = () => Promise.all(TABLES.map(scan));
      const request = fc.record({
        route: fc.oneof(
          { weight: 9, arbitrary: fc.constantFrom(...routes) },
          {
            weight: 1,
            arbitrary: fc.record({ method: fc.constantFrom('GET', 'POST'), resource: ascii(20) }),
          },
        ),
        method: fc.option(fc.constantFrom('GET', 'PUT', 'PATCH', 'DELETE', 'POST', 'HEAD', 'OPTIONS'), {
          freq: 4,
        }),
        id,
        query,
        headers,
        body: fc.option(body, { freq: 8 }),
        token: fc.constantFrom(admin, user, undefined),
      });
      const seen = new Set<number>();
      try {
        await fc.assert(
          fc.asyncProperty(request, async (r) => {
            const method = r.method ?? r.route.method;
            const resource = r.route.resource.startsWith('/')
              ? r.route.resource
              : `/${encodeURIComponent(r.route.resource)}`;
            const path = `${resource.replace('{id}', r.id)}${r.query}`;
            const before = method === 'GET' || method === 'HEAD' ? undefined : await snapshot();
            // With its length, as fetch and curl send it (the local gateway refuses a chunked GET body).
            const length: Record<string, string> =
              r.body === null ? {} : { 'Content-Length': String(Buffer.byteLength(r.body)) };
            const reply = await rawRequest(system().url, method, path, r.body ?? undefined, {
              ...r.headers,
              ...length,
              ...(r.token ? { Authorization: r.token } : {}),
            });
            seen.add(reply.status);
            assert.ok(reply.status < 500, `${method} ${path} → ${reply.status}: ${reply.text.slice(0, 300)}`);
            if (reply.status >= 400) {
              // A HEAD answer carries the headers of the GET answer and no body.
              if (method !== 'HEAD') assertFourxxShape(reply);
              if (before)
                assert.deepEqual(
                  await snapshot(),
                  before,
                  `${method} ${path} → ${reply.status} changed data`,
                );
            }
          }),
          {
            numRuns: RUNS,
            includeErrorInReport: true,
            interruptAfterTimeLimit: TIME_LIMIT_MS,
            ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED) } : {}),
            ...(process.env.FC_PATH ? { path: process.env.FC_PATH } : {}),
          },
        );
      } finally {
        engine.destroy();
      }
      // The generators reach past the gateway: refusals and successes of the functions both.
      assert.ok(
        [...seen].some((status) => status >= 200 && status < 300),
        [...seen].join(','),
      );
      assert.ok(seen.has(400), [...seen].join(','));
    });
  });
}
