import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runCli } from '#cli/run-cli.ts';

/** Runs the CLI in this process against `url` with `token`, capturing what it prints. */
export async function cli(target: { url: string; token: string }, ...args: string[]) {
  const { url, token } = target;
  let stdout = '';
  let stderr = '';
  const code = await runCli([...args, '--url', url], {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    env: { SM_API_TOKEN: token },
  });
  return { code, stdout, stderr, json: () => JSON.parse(stdout) as Record<string, unknown> };
}

/** The command line against the running local system. */
export function cliContract(target: () => { url: string; token: string }): void {
  describe('the command line', () => {
    test('creates, reads, updates, lists and deletes products', async () => {
      const created = await cli(
        target(),
        'products',
        'create',
        '--name',
        'CLI mug',
        '--price',
        '3',
        '--tags',
        'a,b',
      );
      assert.equal(created.code, 0, created.stderr);
      const item = created.json();
      assert.deepEqual([item.name, item.price, item.tags, item.version], ['CLI mug', 3, ['a', 'b'], 1]);
      const id = String(item.id);

      const updated = await cli(target(), 'products', 'update', id, '--price', '4', '--unset', 'tags');
      assert.equal(updated.code, 0, updated.stderr);
      assert.deepEqual(
        [updated.json().price, updated.json().tags, updated.json().version],
        [4, undefined, 2],
      );

      const read = await cli(target(), 'products', 'get', id, '--output', 'table');
      assert.equal(read.code, 0, read.stderr);
      const [header, row] = read.stdout.trim().split('\n');
      assert.match(header ?? '', /^id\s+name\s+price\s+version\s+createdAt\s+updatedAt$/);
      assert.match(row ?? '', new RegExp(`^${id}\\s+CLI mug\\s+4\\s+2\\s`));

      const page = await cli(target(), 'products', 'list', '--limit', '1');
      assert.equal(page.code, 0, page.stderr);
      assert.equal((page.json().items as unknown[]).length, 1);
      assert.equal(typeof page.json().nextCursor, 'string');
      const all = await cli(target(), 'products', 'list', '--all', '--limit', '2');
      assert.ok((JSON.parse(all.stdout) as { id: string }[]).some((p) => p.id === id));

      assert.equal((await cli(target(), 'products', 'delete', id)).code, 0);
      const gone = await cli(target(), 'products', 'get', id);
      assert.equal(gone.code, 1);
      assert.equal(gone.stdout, '');
      assert.match(gone.stderr, new RegExp(`^Error 404 Not Found: No item has the id "${id}"\\.\\n$`));
    });

    test('places and lists an order of the token’s user, its lines given as a JSON array', async () => {
      const placed = await cli(
        target(),
        'orders',
        'create',
        '--items',
        '[{"productId":"p-1","quantity":2}]',
        '--status',
        'pending',
      );
      assert.equal(placed.code, 0, placed.stderr);
      assert.deepEqual(placed.json().items, [{ productId: 'p-1', quantity: 2 }]);
      const mine = await cli(target(), 'orders', 'list', '--all');
      assert.ok((JSON.parse(mine.stdout) as { id: string }[]).some((o) => o.id === placed.json().id));
    });

    test('prints the problem, exiting non-zero', async () => {
      const refused = await cli(target(), 'products', 'create', '--name', '', '--price', '-1');
      assert.equal(refused.code, 1);
      // The stage's model refuses it; its detail is AWS's message (the reasons go to the stage's log).
      assert.equal(refused.stderr, 'Error 400 Bad Request: Invalid request body\n');
      const missing = await cli(target(), 'products', 'create', '--price', '1');
      assert.notEqual(missing.code, 0);
      assert.match(missing.stderr, /required option '--name <value>' not specified/);
      const notNumber = await cli(target(), 'products', 'create', '--name', 'x', '--price', 'cheap');
      assert.notEqual(notNumber.code, 0);
      assert.match(notNumber.stderr, /--price needs a number/);
    });

    test('runs DynamoDBManager operations with a JSON payload', async () => {
      const created = await cli(
        target(),
        'manager',
        'create',
        '--payload',
        '{"Item": {"id": "cli-1", "n": 5}}',
      );
      assert.equal(created.code, 0, created.stderr);
      const read = await cli(target(), 'manager', 'read', '--payload', '{"Key": {"id": "cli-1"}}');
      assert.deepEqual(read.json(), { Item: { id: 'cli-1', n: 5 } });
      const refused = await cli(target(), 'manager', 'list', '--table', 'users');
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /^Error 403 Forbidden: /);
      const bad = await cli(target(), 'manager', 'echo', '--payload', '{nope');
      assert.notEqual(bad.code, 0);
      assert.match(bad.stderr, /--payload is not valid JSON/);
    });
  });
}
