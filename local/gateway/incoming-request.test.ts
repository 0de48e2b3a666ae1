import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { type BodyRead, readBody, toIncomingRequest } from './incoming-request.ts';
import type { IncomingRequest } from './to-proxy-event.ts';

// Each request to the test server hands what the functions under test saw to the waiting test.
let nextRequest: (seen: { read: BodyRead; request: IncomingRequest }) => void = () => {};
const seen = () =>
  new Promise<{ read: BodyRead; request: IncomingRequest }>((resolve) => (nextRequest = resolve));

let server: Server;
let port = 0;

before(async () => {
  server = createServer(async (req: IncomingMessage, res) => {
    const read = await readBody(req, 16);
    nextRequest({
      read,
      request: toIncomingRequest(req, read.kind === 'complete' ? read.body : Buffer.alloc(0)),
    });
    if (!res.destroyed) res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : 0;
});

after(
  () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
);

// Writes raw bytes on a fresh connection, then either waits for the answer or hangs up at once.
function sendRaw(text: string, then: 'end' | 'destroy'): void {
  const socket = connect(port, '127.0.0.1', () => {
    socket.write(text, () => {
      if (then === 'destroy') socket.destroy();
    });
  });
  socket.on('data', () => socket.end());
  socket.on('error', () => {});
}

describe('readBody', () => {
  it('reads a body within the cap', async () => {
    const result = seen();
    sendRaw('POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello', 'end');
    const { read } = await result;
    assert.equal(read.kind, 'complete');
    assert.equal(read.kind === 'complete' && read.body.toString(), 'hello');
  });

  it('gives up at once when Content-Length is over the cap', async () => {
    const result = seen();
    sendRaw('POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 17\r\n\r\n', 'end');
    assert.deepEqual((await result).read, { kind: 'too-large' });
  });

  it('gives up at the chunk that crosses the cap when the length is not declared', async () => {
    const result = seen();
    const chunk = (text: string) => `${text.length.toString(16)}\r\n${text}\r\n`;
    sendRaw(
      `POST /p HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n${chunk('0123456789')}${chunk('abcdefghij')}`,
      'end',
    );
    assert.deepEqual((await result).read, { kind: 'too-large' });
  });

  it('reports a client that leaves before sending the whole body', async () => {
    const result = seen();
    sendRaw('POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nabc', 'destroy');
    assert.deepEqual((await result).read, { kind: 'aborted' });
  });
});

describe('toIncomingRequest', () => {
  it('splits the target into the raw path and query string', async () => {
    const result = seen();
    sendRaw('GET /products/a%2Fb?tag=x+y&tag=z HTTP/1.1\r\nHost: h\r\nX-Case: Kept\r\n\r\n', 'end');
    const { request } = await result;
    assert.equal(request.method, 'GET');
    assert.equal(request.path, '/products/a%2Fb');
    assert.equal(request.query, 'tag=x+y&tag=z');
    assert.deepEqual(request.rawHeaders, ['Host', 'h', 'X-Case', 'Kept']);
    assert.equal(request.sourceIp, '127.0.0.1');
    assert.equal(request.port, port);
  });

  it('accepts an absolute-form target', async () => {
    const result = seen();
    sendRaw('GET http://h/products?x=1 HTTP/1.1\r\nHost: h\r\n\r\n', 'end');
    const { request } = await result;
    assert.equal(request.path, '/products');
    assert.equal(request.query, 'x=1');
  });
});
