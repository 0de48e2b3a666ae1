// Filtered lists over real HTTP: each one a Query of a declared secondary index on the running
// engine, paged with cursors bound to the index, the filter and the owner, and granted by the
// local IAM check on exactly that index.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { createClient } from 'serverless-microservices/client';
import { type ApiClient, apiClient } from '../support/http.ts';
import { functionDynamoClient, type TestSystem } from '../support/test-system.ts';
import { cli } from './cli-contract.ts';
import { assertProblem } from './products-contract.ts';

interface Listed {
  readonly items: {
    id: string;
    name?: string;
    price?: number;
    status?: string;
    label?: string;
    createdAt: string;
  }[];
  readonly nextCursor: string | null;
}

const ORDER = { items: [{ productId: 'p-1', quantity: 1 }] };

export function indexQueries(api: () => ApiClient, system: () => TestSystem): void {
  describe('filtered lists on secondary indexes', () => {
    const name = `indexed-${Date.now()}`;
    const prices = [1, 2, 3, 4, 5, 6];
    const list = async (query: string, client = api()) => {
      const reply = await client('GET', `/products?${query}`);
      assert.equal(reply.status, 200, `${query}: ${reply.text}`);
      return reply.json as Listed;
    };
    const pricesOf = async (query: string) => (await list(query)).items.map((item) => item.price);

    test('answers each key condition on the sort key, typed by the schema, with only matching items', async () => {
      for (const price of prices) {
        const created = await api()('POST', '/products', { body: { name, price } });
        assert.equal(created.status, 201, created.text);
      }
      await api()('POST', '/products', { body: { name: `${name}-other`, price: 3 } });
      const n = `name=${encodeURIComponent(name)}`;
      assert.deepEqual(await pricesOf(n), prices);
      assert.deepEqual(await pricesOf(`${n}&price=3`), [3]);
      assert.deepEqual(await pricesOf(`${n}&price[lt]=3`), [1, 2]);
      assert.deepEqual(await pricesOf(`${n}&price[lte]=3`), [1, 2, 3]);
      assert.deepEqual(await pricesOf(`${n}&price[gt]=4`), [5, 6]);
      assert.deepEqual(await pricesOf(`${n}&price[gte]=4`), [4, 5, 6]);
      assert.deepEqual(await pricesOf(`${n}&price[between]=2,4`), [2, 3, 4]);
      assert.deepEqual(await pricesOf(`${n}&price[between]=2.5,3.5`), [3]);
      assert.deepEqual(await pricesOf(`name=nothing-${Date.now()}`), []);
    });

    test('answers begins_with and between on a string sort key', async () => {
      const label = `labelled-${Date.now()}`;
      const created: string[] = [];
      for (let i = 0; i < 3; i++) {
        const reply = await api()('POST', '/gadgets', { body: { label } });
        assert.equal(reply.status, 201, reply.text);
        created.push((reply.json as { createdAt: string }).createdAt);
      }
      const year = created[0]?.slice(0, 4) ?? '';
      const ids = async (query: string) => {
        const reply = await api()('GET', `/gadgets?label=${label}&${query}`);
        assert.equal(reply.status, 200, reply.text);
        return (reply.json as Listed).items.map((item) => item.createdAt);
      };
      assert.deepEqual(await ids(`createdAt[begins_with]=${year}`), created);
      assert.deepEqual(await ids('createdAt[begins_with]=1999'), []);
      const [first = '', , last = ''] = created;
      assert.deepEqual(
        await ids(`createdAt[between]=${encodeURIComponent(`${first},${last}`)}`),
        created.filter((at) => at >= first && at <= last),
      );
    });

    test('pages across every matching item with cursors, each item once, in key order', async () => {
      const seen: number[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page: Listed = await list(
          `name=${name}&price[gte]=2&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        );
        seen.push(...page.items.map((item) => item.price ?? -1));
        cursor = page.nextCursor;
        pages++;
      } while (cursor && pages < 10);
      assert.deepEqual(seen, [2, 3, 4, 5, 6]);
      assert.ok(pages >= 3, `${pages} pages of at most 2`);
    });

    test("refuses a tampered cursor, and a cursor of another index, filter or the table's list", async () => {
      const first = await list(`name=${name}&limit=2`);
      const cursor = first.nextCursor ?? '';
      assert.notEqual(cursor, '');
      const unfiltered = await list('limit=1');
      const [payload = '', check = ''] = cursor.split('.');
      const tampered = `${Buffer.from(JSON.stringify({ id: 'x', name, price: 1 })).toString('base64url')}.${check}`;
      const misuses = [
        `name=${name}&limit=2&cursor=${encodeURIComponent(tampered)}`,
        `name=${name}&limit=2&cursor=${encodeURIComponent(`${payload}.${check.slice(1)}A`)}`,
        // The same index, another filter: the cursor is bound to the filter.
        `name=${name}-other&limit=2&cursor=${encodeURIComponent(cursor)}`,
        `name=${name}&price[gte]=1&limit=2&cursor=${encodeURIComponent(cursor)}`,
        // The table's cursor on the index, and the index's on the table.
        `name=${name}&limit=2&cursor=${encodeURIComponent(unfiltered.nextCursor ?? '')}`,
        `limit=2&cursor=${encodeURIComponent(cursor)}`,
      ];
      for (const query of misuses) {
        const reply = await api()('GET', `/products?${query}`);
        assertProblem(reply, 400);
        assert.match(reply.text, /cursor is not valid/, query);
      }
    });

    test('refuses, as a 400 naming the indexes there are, a filter no index answers; and a badly typed value', async () => {
      const undeclared = await api()('GET', '/products?colour=red');
      assertProblem(undeclared, 400);
      assert.match(
        undeclared.text,
        /No declared index answers the filter colour.*byNamePrice \(name=…, price\[op\]=…\)/,
      );
      const sortOnly = await api()('GET', '/products?price[lt]=3');
      assertProblem(sortOnly, 400);
      for (const [query, parameter] of [
        [`name=${name}&price=cheap`, 'price'],
        [`name=${name}&price[gt]=1e999`, 'price[gt]'],
        [`name=${name}&price[between]=1`, 'price[between]'],
        [`name=${name}&price[begins_with]=1`, 'price[begins_with]'],
      ] as const) {
        const reply = await api()('GET', `/products?${query}`);
        assertProblem(reply, 400);
        assert.deepEqual(
          (reply.json as { errors?: { path: string }[] }).errors?.map((e) => e.path),
          [parameter],
          query,
        );
      }
      const badStatus = await api()('GET', '/orders?status=lost');
      assertProblem(badStatus, 400);
      assert.match(badStatus.text, /one of pending, paid, shipped, cancelled/);
    });

    test("an owner-scoped index answers the caller's own items only; another owner's cursor is refused", async () => {
      const erin = apiClient(system().url, { token: await system().mint({ user: `erin-${Date.now()}` }) });
      const frank = apiClient(system().url, {
        token: await system().mint({ user: `frank-${Date.now()}`, groups: ['admin'] }),
      });
      for (const [who, status] of [
        [erin, 'pending'],
        [erin, 'pending'],
        [erin, 'paid'],
        [frank, 'pending'],
      ] as const) {
        const reply = await who('POST', '/orders', { body: { ...ORDER, status } });
        assert.equal(reply.status, 201, reply.text);
      }
      const pending = async (who: ApiClient, query = '') => {
        const reply = await who('GET', `/orders?status=pending${query}`);
        assert.equal(reply.status, 200, reply.text);
        return reply.json as Listed;
      };
      const erins = await pending(erin);
      assert.deepEqual(
        erins.items.map((item) => item.status),
        ['pending', 'pending'],
      );
      const franks = await pending(frank);
      assert.equal(franks.items.length, 1);
      assert.ok(!franks.items.some((item) => erins.items.some((mine) => mine.id === item.id)));
      const erinsPage = await pending(erin, '&limit=1');
      assert.ok(erinsPage.nextCursor);
      const stolen = await frank(
        'GET',
        `/orders?status=pending&limit=1&cursor=${encodeURIComponent(erinsPage.nextCursor)}`,
      );
      assertProblem(stolen, 400);
      const own = await pending(erin, `&limit=1&cursor=${encodeURIComponent(erinsPage.nextCursor)}`);
      assert.equal(own.items.length, 1);
      assert.notEqual(own.items[0]?.id, erinsPage.items[0]?.id);
    });

    test('the typed client and the command line send the filters, typed by the document', async () => {
      const client = createClient({ baseUrl: system().url, token: () => system().adminToken });
      const page = await client.products.page({ name, 'price[between]': '2,3', limit: 1 });
      assert.deepEqual(
        page.items.map((item) => item.price),
        [2],
      );
      const all = [];
      for await (const item of client.products.list({ where: { name, 'price[gte]': 5 }, pageSize: 1 }))
        all.push(item.price);
      assert.deepEqual(all, [5, 6]);
      const target = { url: system().url, token: system().adminToken };
      const listed = await cli(target, 'products', 'list', '--name', name, '--price-lt', '3', '--all');
      assert.equal(listed.code, 0, listed.stderr);
      assert.deepEqual(
        (JSON.parse(listed.stdout) as { price: number }[]).map((item) => item.price),
        [1, 2],
      );
      const refused = await cli(target, 'products', 'list', '--name', name, '--price-lt', 'cheap');
      assert.notEqual(refused.code, 0);
      assert.match(refused.stderr, /price\[lt\]/);
    });

    test('the local IAM check denies an index query to a function not granted that index', async () => {
      const clientOf = (functionName: string) => functionDynamoClient(system(), functionName);
      const query = (IndexName?: string) =>
        new QueryCommand({
          TableName: 'products',
          ...(IndexName ? { IndexName } : {}),
          KeyConditionExpression: '#k = :v',
          ExpressionAttributeNames: { '#k': IndexName ? 'name' : 'id' },
          ExpressionAttributeValues: { ':v': { S: name } },
        });
      const granted = clientOf('products-list');
      const ungranted = clientOf('products-get');
      try {
        const allowed = await granted.send(query('byNamePrice'));
        assert.equal(allowed.Items?.length, prices.length);
        const denials = [
          // products-get may GetItem only; products-list may Query the index, never the table.
          [ungranted, query('byNamePrice'), 'products-get', 'table/products/index/byNamePrice'],
          [granted, query(), 'products-list', 'table/products because'],
        ] as const;
        for (const [client, command, fn, resource] of denials) {
          const error = await client.send(command).then(
            () => assert.fail(`${fn} was allowed`),
            (e: unknown) => e as { name?: string; message?: string },
          );
          assert.equal(error.name, 'AccessDeniedException', error.message);
          assert.match(
            error.message ?? '',
            new RegExp(`/${fn} is not authorized to perform: dynamodb:Query`),
          );
          assert.ok(error.message?.includes(resource), error.message);
        }
      } finally {
        granted.destroy();
        ungranted.destroy();
      }
    });
  });
}
