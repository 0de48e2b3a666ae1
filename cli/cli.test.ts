import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import path from 'node:path';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';

const run = promisify(execFile);
const MAIN = path.join(import.meta.dirname, 'main.ts');

/** Runs `npm run cli`'s entry point as its own process and reports how it ended. */
async function cliProcess(...args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', MAIN, ...args], {
      env: { ...process.env, SM_API_URL: '', SM_API_TOKEN: '' },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('the cli process', () => {
  test('exits 1 with the problem title and detail, 0 with --help', async () => {
    // A stand-in for the API on loopback: the exit code and wiring are what is tested here.
    const server = createServer((_req, res) => {
      res.writeHead(404, { 'Content-Type': 'application/problem+json' });
      res.end(
        '{"type":"urn:x:not-found","title":"Not Found","status":404,"detail":"No item has the id \\"x\\".","instance":"i"}',
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const address = server.address();
      const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
      const failed = await cliProcess('products', 'get', 'x', '--url', url);
      assert.equal(failed.code, 1);
      assert.equal(failed.stderr, 'Error 404 Not Found: No item has the id "x".\n');
      const help = await cliProcess('products', 'update', '--help');
      assert.equal(help.code, 0);
      assert.match(help.stdout, /Usage: npm run cli -- products update \[options\] <id>/);
      assert.match(help.stdout, /--price <value>/);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
