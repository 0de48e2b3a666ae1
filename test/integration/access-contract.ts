// Who may call what, over real HTTP: the OWASP API Security Top 10 (2023) items that apply to
// this API — broken authentication (API2), broken object level authorization (API1), broken
// function level authorization (API5), object property level authorization (API3) and
// unrestricted resource consumption (API4) — against the local system and its real engine.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { encodeCursor } from '#src/domain/cursor.ts';
import { forgedTokens } from '../support/forged-tokens.ts';
import { apiClient, type Reply } from '../support/http.ts';
import type { TestSystem } from '../support/test-system.ts';
import { assertProblem } from './products-contract.ts';

const ORDER = { items: [{ productId: 'p-1', quantity: 2 }], status: 'pending' };

/** A path of the route with its parameters filled in. */
const pathOf = (resource: string) => resource.replace(/\{[^}]+\}/g, 'x1');

export function accessContract(system: () => TestSystem, dataDir: () => string): void {
  describe('access rules (OWASP API Security Top 10)', () => {
    test('API2: every protected route answers 401 {"message":"Unauthorized"} without a valid token, and nothing runs', async () => {
      const { routes, userPool } = system().system;
      const protectedRoutes = routes.filter((route) => route.authorizationType === 'COGNITO_USER_POOLS');
      assert.ok(protectedRoutes.length >= 13, 'products, orders and DynamoDBManager are protected');
      assert.ok(protectedRoutes.some((route) => route.resource === '/DynamoDBManager'));
      const tokens: Record<string, string | undefined> = {
        'no Authorization header': undefined,
        'an empty Authorization header': '',
        ...(await forgedTokens(userPool, dataDir())),
      };
      const tables = ['products', 'orders', 'lambda-apigateway'];
      const before = await Promise.all(tables.map((table) => system().scan(table)));
      const logged = system().logs.length;
      for (const route of protectedRoutes) {
        for (const [name, token] of Object.entries(tokens)) {
          const call = apiClient(system().url, token === undefined ? {} : { token });
          const reply = await call(route.method, pathOf(route.resource), {
            ...(['POST', 'PUT', 'PATCH'].includes(route.method) ? { body: ORDER } : {}),
            ...(token === '' ? { headers: { Authorization: '' } } : {}),
          });
          const where = `${route.method} ${route.resource} with ${name}`;
          assert.equal(reply.status, 401, `${where}: ${reply.text}`);
          assert.deepEqual(reply.json, { message: 'Unauthorized' }, where);
          assert.equal(reply.headers.get('x-amzn-errortype'), 'UnauthorizedException', where);
        }
      }
      assert.equal(system().logs.length, logged, 'no function ran');
      assert.deepEqual(await Promise.all(tables.map((table) => system().scan(table))), before);
    });

    test('API5: a signed-in user outside admin reads products, but writing them or calling DynamoDBManager is 403', async () => {
      const admin = apiClient(system().url, { token: system().adminToken });
      const created = await admin('POST', '/products', { body: { name: 'Guarded pen', price: 2 } });
      assert.equal(created.status, 201, created.text);
      const id = (created.json as { id: string }).id;
      const user = apiClient(system().url, {
        token: await system().mint({ user: 'casey', groups: ['staff'] }),
      });
      assert.equal((await user('GET', `/products/${id}`)).status, 200);
      assert.equal((await user('GET', '/products?limit=1')).status, 200);
      const before = await system().scan('products');
      const refused: Reply[] = [
        await user('POST', '/products', { body: { name: 'Sneaky', price: 1 } }),
        await user('PUT', `/products/${id}`, { body: { name: 'Sneaky', price: 1 } }),
        await user('PATCH', `/products/${id}`, {
          raw: '{"price":0}',
          headers: { 'Content-Type': 'application/merge-patch+json' },
        }),
        await user('DELETE', `/products/${id}`),
        await user('POST', '/DynamoDBManager', { body: { operation: 'list', payload: {} } }),
      ];
      for (const reply of refused) {
        assertProblem(reply, 403);
        assert.match(String((reply.json as { detail: string }).detail), /admin/);
      }
      assert.deepEqual(await system().scan('products'), before);
      const manager = await admin('POST', '/DynamoDBManager', { body: { operation: 'ping', payload: {} } });
      assert.equal(manager.status, 200, manager.text);
    });

    test('API1: another user cannot read, change, delete or list an order; it is a 404 and stays as it was', async () => {
      const alice = apiClient(system().url, { token: await system().mint({ user: 'alice' }) });
      // Being an admin grants nothing on someone else's orders: the rule is owner only.
      const bob = apiClient(system().url, { token: await system().mint({ user: 'bob', groups: ['admin'] }) });
      const created = await alice('POST', '/orders', { body: { ...ORDER, note: 'for alice' } });
      assert.equal(created.status, 201, created.text);
      const order = created.json as Record<string, unknown>;
      const id = String(order.id);
      const etag = created.headers.get('etag') ?? '';
      assert.equal('owner' in order, false, 'the owner is never shown');
      const before = await system().scan('orders');
      const stored = before.find((item) => item.id === id);
      assert.equal(stored?.owner, system().system.userPool.subOf('alice'), 'keyed by the verified caller');

      assertProblem(await bob('GET', `/orders/${id}`), 404);
      assertProblem(
        await bob('PATCH', `/orders/${id}`, {
          raw: '{"status":"cancelled"}',
          headers: { 'Content-Type': 'application/merge-patch+json' },
        }),
        404,
      );
      assertProblem(await bob('DELETE', `/orders/${id}`), 404);
      assertProblem(await bob('DELETE', `/orders/${id}`, { headers: { 'If-Match': etag } }), 404);
      assertProblem(
        await bob('PUT', `/orders/${id}`, {
          body: { ...ORDER, status: 'cancelled' },
          headers: { 'If-Match': etag },
        }),
        412,
      );
      const bobsList = await bob('GET', '/orders?limit=100');
      assert.equal(bobsList.status, 200);
      assert.deepEqual(
        (bobsList.json as { items: { id: string }[] }).items.filter((item) => item.id === id),
        [],
      );
      // A PUT without preconditions makes bob an order of his own under that id; alice's is untouched.
      const own = await bob('PUT', `/orders/${id}`, { body: { ...ORDER, status: 'paid' } });
      assert.equal(own.status, 201, own.text);
      const read = await alice('GET', `/orders/${id}`);
      assert.equal(read.status, 200);
      assert.equal((read.json as { status: string }).status, 'pending');
      assert.equal(read.headers.get('etag'), etag);
      assert.deepEqual(
        (await system().scan('orders')).filter((item) => item.owner === stored?.owner),
        before.filter((item) => item.owner === stored?.owner),
      );
    });

    test('API1: a cursor crafted with another owner’s key is refused with 400, never read', async () => {
      const carol = apiClient(system().url, { token: await system().mint({ user: 'carol' }) });
      const dave = apiClient(system().url, { token: await system().mint({ user: 'dave' }) });
      for (let i = 0; i < 3; i++) assert.equal((await carol('POST', '/orders', { body: ORDER })).status, 201);
      const page = await carol('GET', '/orders?limit=1');
      const cursor = (page.json as { nextCursor: string | null }).nextCursor;
      assert.ok(cursor, 'carol has more than one page');
      // The checksum is public knowledge, so a cursor for carol's partition can be computed.
      const carolsKey = JSON.parse(Buffer.from(cursor.split('.')[0] ?? '', 'base64url').toString());
      const crafted = encodeCursor(carolsKey, { table: 'orders', key: { owner: 'string', id: 'string' } });
      for (const stolen of [cursor, crafted]) {
        assertProblem(await dave('GET', `/orders?cursor=${encodeURIComponent(stolen)}`), 400);
      }
      const next = await carol('GET', `/orders?limit=1&cursor=${encodeURIComponent(cursor)}`);
      assert.equal(next.status, 200, 'the owner still pages with it');
    });

    test('API3: a body setting the owner or a system field is a 400, and a header cannot choose the owner', async () => {
      const erin = apiClient(system().url, { token: await system().mint({ user: 'erin' }) });
      const before = await system().scan('orders');
      for (const field of ['owner', 'id', 'version', 'createdAt', 'revision']) {
        const reply = await erin('POST', '/orders', { body: { ...ORDER, [field]: 'someone-else' } });
        // The stage's strict model refuses it before the function runs: AWS's own detail, no field names.
        assertProblem(reply, 400);
      }
      assert.deepEqual(await system().scan('orders'), before);
      const spoofed = await erin('POST', '/orders', {
        body: ORDER,
        headers: { 'X-Owner': 'alice', 'X-Amz-Cognito-Sub': 'alice', 'X-User': 'alice' },
      });
      assert.equal(spoofed.status, 201);
      const stored = (await system().scan('orders')).find(
        (item) => item.id === (spoofed.json as { id: string }).id,
      );
      assert.equal(stored?.owner, system().system.userPool.subOf('erin'));
    });

    test('API4: limit above the maximum is a 400, and order bodies are bounded', async () => {
      const frank = apiClient(system().url, { token: await system().mint({ user: 'frank' }) });
      for (const limit of ['101', '1000', '0', '-1', '1e2']) {
        assertProblem(await frank('GET', `/orders?limit=${limit}`), 400);
      }
      const tooMany = {
        ...ORDER,
        items: Array.from({ length: 101 }, (_, i) => ({ productId: `p${i}`, quantity: 1 })),
      };
      const tooMuch = { ...ORDER, items: [{ productId: 'p', quantity: 1001 }] };
      const longNote = { ...ORDER, note: 'x'.repeat(501) };
      for (const body of [
        tooMany,
        tooMuch,
        longNote,
        { ...ORDER, items: [] },
        { ...ORDER, status: 'lost' },
      ]) {
        assert.equal((await frank('POST', '/orders', { body })).status, 400);
      }
    });
  });
}
