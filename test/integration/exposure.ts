// "Only this machine" (design §7): the local system has no authentication, so no other site may
// drive it — not through a browser (Origin), not through DNS rebinding (Host), not over the network.
import assert from 'node:assert/strict';
import http from 'node:http';
import { connect } from 'node:net';
import os from 'node:os';
import { describe, test } from 'node:test';
import { sendRaw } from '../support/http.ts';
import type { TestSystem } from '../support/test-system.ts';

interface Answer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly text: string;
}

// node:http sends the Host and Origin given, as a browser or a rebinding page would.
function send(url: string, method: string, headers: Record<string, string>, body = ''): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          text: Buffer.concat(chunks).toString(),
        }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

// Whether a TCP connection to host:port is accepted.
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 2000 });
    socket.once('connect', () => resolve(true)).once('error', () => resolve(false));
    socket.once('timeout', () => resolve(false));
    socket.once('connect', () => socket.destroy());
  });
}

const json = { 'Content-Type': 'application/json' };
const product = JSON.stringify({ name: 'exposure', price: 1 });
const dynamodbCall = {
  'Content-Type': 'application/x-amz-json-1.0',
  'X-Amz-Target': 'DynamoDB_20120810.ListTables',
  Authorization:
    'AWS4-HMAC-SHA256 Credential=LOCAL/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=00',
};

/** Each way in from outside this machine is refused, and each way the tutorial uses keeps working. */
export function exposure(system: () => TestSystem): void {
  // Signed in as an admin, so that only the Host or Origin decides each answer.
  const signedIn = () => ({ Authorization: system().adminToken });
  describe('only this machine', () => {
    test('the gateway refuses a Host that does not name loopback with 403, changing nothing', async () => {
      const before = await system().scan('products');
      const port = String(new URL(system().url).port);
      const reply = await send(
        `${system().url}/products`,
        'POST',
        { ...json, ...signedIn(), Host: `rebind.example:${port}` },
        product,
      );
      assert.equal(reply.status, 403);
      assert.equal(reply.headers['access-control-allow-origin'], undefined);
      assert.deepEqual(await system().scan('products'), before);
      for (const host of [`localhost:${port}`, `127.0.0.1:${port}`]) {
        assert.equal(
          (await send(`${system().url}/products?limit=1`, 'GET', { ...signedIn(), Host: host })).status,
          200,
          host,
        );
      }
    });

    test('the gateway refuses a foreign Origin with 403 before any function runs, preflight included', async () => {
      const before = await system().scan('products');
      const logged = system().logs.length;
      const origin = { Origin: 'https://evil.example' };
      const post = await send(
        `${system().url}/products`,
        'POST',
        { ...json, ...signedIn(), ...origin },
        product,
      );
      assert.equal(post.status, 403);
      assert.equal(post.headers['access-control-allow-origin'], undefined);
      const preflight = await send(`${system().url}/products`, 'OPTIONS', {
        ...origin,
        'Access-Control-Request-Method': 'POST',
      });
      assert.equal(preflight.status, 403);
      assert.equal(preflight.headers['access-control-allow-origin'], undefined);
      assert.deepEqual(await system().scan('products'), before);
      assert.equal(system().logs.length, logged, 'no function ran');
    });

    test('the gateway serves loopback origins and clients that send no Origin (curl, Postman)', async () => {
      const fromDevServer = await send(`${system().url}/products?limit=1`, 'GET', {
        ...signedIn(),
        Origin: 'http://localhost:5173',
      });
      assert.equal(fromDevServer.status, 200);
      assert.equal(fromDevServer.headers['access-control-allow-origin'], '*');
      const tutorial = await send(
        `${system().url}/DynamoDBManager`,
        'POST',
        { ...signedIn(), 'Content-Type': 'application/x-www-form-urlencoded' },
        '{"operation":"ping","payload":{}}',
      );
      assert.equal(tutorial.status, 200, tutorial.text);
    });

    test('the local pages sit behind the same gate: a foreign Host or Origin gets 403, never a page', async () => {
      const port = String(new URL(system().url).port);
      for (const page of [
        '/_local/docs/',
        '/_local/docs/openapi.json',
        '/_local/auth/.well-known/jwks.json',
      ]) {
        const rebound = await send(`${system().url}${page}`, 'GET', { Host: `rebind.example:${port}` });
        assert.equal(rebound.status, 403, page);
        // The gate's refusal, not the page: no document, no keys, no Swagger UI.
        assert.match(rebound.text, /^\{"message":"Forbidden: /, page);
        assert.doesNotMatch(rebound.text, /openapi|"keys"|swagger/i, page);
        const foreign = await send(`${system().url}${page}`, 'GET', { Origin: 'https://evil.example' });
        assert.equal(foreign.status, 403, page);
        const served = await send(`${system().url}${page}`, 'GET', { Host: `localhost:${port}` });
        assert.equal(served.status, 200, page);
        assert.ok(served.headers['content-security-policy'], page);
        assert.match(String(served.headers.vary), /Origin/, page);
      }
      const document = await send(`${system().url}/_local/docs/openapi.json`, 'GET', {
        Host: `localhost:${port}`,
      });
      assert.deepEqual(
        (JSON.parse(document.text) as { servers: { url: string }[] }).servers.map((s) => s.url),
        [`http://localhost:${port}`],
      );
    });

    test('a request with two Host lines is a 400 and one whose absolute-form target names another host a 403, changing nothing', async () => {
      const before = await system().scan('products');
      const logged = system().logs.length;
      const port = String(new URL(system().url).port);
      const signed = `Authorization: ${system().adminToken}\r\nContent-Type: application/json`;
      const twice = await sendRaw(
        Number(new URL(system().url).port),
        `POST /products HTTP/1.1\r\nHost: localhost:${port}\r\nHost: rebind.example:${port}\r\n${signed}`,
        product,
      );
      assert.equal(twice.status, 400, twice.text);
      assert.match(twice.text, /application\/problem\+json/);
      const absolute = await sendRaw(
        Number(new URL(system().url).port),
        `POST http://rebind.example:${port}/products HTTP/1.1\r\nHost: localhost:${port}\r\n${signed}`,
        product,
      );
      assert.equal(absolute.status, 403, absolute.text);
      const docs = await sendRaw(
        Number(new URL(system().url).port),
        `GET http://rebind.example:${port}/_local/docs/openapi.json HTTP/1.1\r\nHost: localhost:${port}`,
      );
      assert.equal(docs.status, 403, docs.text);
      assert.deepEqual(await system().scan('products'), before);
      assert.equal(system().logs.length, logged, 'no function ran');
      const loopback = await sendRaw(
        Number(new URL(system().url).port),
        `GET http://127.0.0.1:${port}/products?limit=1 HTTP/1.1\r\nHost: rebind.example:${port}\r\nAuthorization: ${system().adminToken}`,
      );
      assert.equal(loopback.status, 200, loopback.text);
    });

    test('the embedded DynamoDB answers its clients but no browser and no foreign Host', async () => {
      const { endpoint } = system().system.dynamodb;
      assert.equal(new URL(endpoint).hostname, '127.0.0.1');
      // Its own clients (the SDK: no Origin, a loopback Host) are served.
      assert.ok(Array.isArray(await system().scan('products')));
      for (const headers of [
        { ...dynamodbCall, Origin: 'http://localhost:5173' },
        { ...dynamodbCall, Host: 'rebind.example' },
      ]) {
        const reply = await send(endpoint, 'POST', headers, '{}');
        assert.equal(reply.status, 403, JSON.stringify(headers));
        assert.equal(reply.headers['access-control-allow-origin'], undefined);
      }
      const preflight = await send(endpoint, 'OPTIONS', {
        Origin: 'http://localhost:5173',
        'Access-Control-Request-Method': 'POST',
      });
      assert.notEqual(preflight.status, 200);
      assert.equal(preflight.headers['access-control-allow-origin'], undefined);
    });

    test("the functions' DynamoDB endpoint (the IAM guard) answers its functions but no browser and no foreign Host", async () => {
      const endpoint = system().system.guard.functionEndpoint;
      assert.equal(new URL(endpoint).hostname, '127.0.0.1');
      // Signed with products-list's local key, for a call its policy allows: only Host or Origin decides.
      const call = {
        ...dynamodbCall,
        'X-Amz-Target': 'DynamoDB_20120810.Scan',
        Authorization: dynamodbCall.Authorization.replace(
          'Credential=LOCAL/',
          'Credential=LOCALPRODUCTSLIST/',
        ),
      };
      const body = JSON.stringify({ TableName: 'products', Limit: 1 });
      const served = await send(endpoint, 'POST', call, body);
      assert.notEqual(served.status, 403, served.text);
      for (const headers of [
        { ...call, Origin: 'http://localhost:5173' },
        { ...call, Origin: 'https://evil.example' },
        { ...call, Host: 'rebind.example' },
      ]) {
        const reply = await send(endpoint, 'POST', headers, body);
        assert.equal(reply.status, 403, JSON.stringify(headers));
        assert.equal(reply.headers['access-control-allow-origin'], undefined);
      }
    });

    test('neither the gateway nor DynamoDB accepts connections on this machine’s other addresses', async () => {
      const others = Object.values(os.networkInterfaces())
        .flat()
        .filter((address) => address && !address.internal && address.family === 'IPv4')
        .map((address) => address?.address ?? '');
      const ports = [system().url, system().system.dynamodb.endpoint].map((url) => Number(new URL(url).port));
      // With no other address (an isolated container) there is nothing to reach; loopback still works.
      for (const port of ports) assert.equal(await accepts('127.0.0.1', port), true);
      for (const address of others) {
        for (const port of ports) assert.equal(await accepts(address, port), false, `${address}:${port}`);
      }
    });
  });
}
