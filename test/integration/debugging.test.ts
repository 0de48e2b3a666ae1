// Errors and debuggers point at the TypeScript source: a handler's stack trace, as the terminal
// and `npm run logs` show it, names its `.ts` file and line (dynalite: the engine plays no part).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { ReloadEvent } from '#local/hot-reload.ts';
import { LOCAL_ACCOUNT_ID } from '#local/local-account.ts';
import { readLogEvents } from '#local/logs/read-logs.ts';
import { LOGS_FOLDER, type LocalSystem, startLocalSystem } from '#local/start-local-system.ts';
import { PROJECT_ROOT } from '#src/declaration/load-services.ts';
import { declaration } from './hot-reload.ts';

/** A handler that throws on line THROW_LINE, from a helper function of its own. */
const THROW_LINE = 4;
const throwingHandler = [
  '// A handler that fails: its stack trace must name this file and line.',
  'export function makeHandler() {',
  '  function explode(): never {',
  "    throw new Error('kaboom from the handler');",
  '  }',
  '  return async () => explode();',
  '}',
  '',
].join('\n');

/** A handler that answers the account ids it sees: its own ARN's and the event's. */
const whoamiHandler = [
  'export function makeHandler() {',
  '  return async (event: { requestContext: { accountId: string } }, context: { invokedFunctionArn: string }) => ({',
  '    statusCode: 200,',
  '    body: JSON.stringify({ arn: context.invokedFunctionArn, accountId: event.requestContext.accountId }),',
  '  });',
  '}',
  '',
].join('\n');

describe('a handler stack trace names its TypeScript source', { timeout: 120_000 }, () => {
  let dir: string;
  let handlerFile: string;
  let system: LocalSystem;
  let services: string;
  let handlers: string;
  const terminal: string[] = [];
  const reloads: ((event: ReloadEvent) => void)[] = [];

  before(async () => {
    await mkdir(path.join(PROJECT_ROOT, 'test', 'tmp'), { recursive: true });
    dir = await mkdtemp(path.join(PROJECT_ROOT, 'test', 'tmp', 'debugging-'));
    services = path.join(dir, 'services');
    handlers = path.join(dir, 'handlers');
    await mkdir(services);
    await mkdir(handlers);
    handlerFile = path.join(handlers, 'boom.ts');
    await writeFile(handlerFile, throwingHandler);
    const relative = path.relative(PROJECT_ROOT, handlerFile);
    await writeFile(path.join(services, 'boom.ts'), declaration('boom', '/boom', relative));
    await writeFile(path.join(handlers, 'whoami.ts'), whoamiHandler);
    const whoami = path.relative(PROJECT_ROOT, path.join(handlers, 'whoami.ts'));
    await writeFile(path.join(services, 'whoami.ts'), declaration('whoami', '/whoami', whoami));
    system = await startLocalSystem({
      port: 0,
      engine: 'dynalite',
      dataDir: dir,
      inMemory: false,
      logLevel: 'INFO',
      logSink: { write: (_fn, line) => terminal.push(line) },
      servicesDirs: [services],
      console: {},
      onReload: (event) => {
        for (const listener of reloads) listener(event);
      },
    });
  });
  after(async () => {
    await system?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  test('in the terminal and in the kept logs', async () => {
    const response = await fetch(`${system.url}/boom`);
    await response.arrayBuffer();
    assert.equal(response.status, 502);
    const where = `${handlerFile}:${THROW_LINE}:`;
    const invokeError = terminal.find((line) => line.includes('Invoke Error'));
    assert.ok(invokeError, `no Invoke Error among ${terminal.length} lines`);
    assert.ok(invokeError.includes('kaboom from the handler'), invokeError);
    assert.ok(invokeError.includes(where), `the stack names ${where}: ${invokeError}`);
    // The minified bundle's position is gone from it.
    assert.ok(!invokeError.includes('index.mjs:'), invokeError);

    const kept = readLogEvents(path.join(dir, LOGS_FOLDER), { functions: ['boom-say'] });
    assert.ok(
      kept.some((event) => event.message.includes(where)),
      `npm run logs shows ${where}`,
    );
  });

  test('the function ARN and the event carry the one local account id', async () => {
    const response = await fetch(`${system.url}/whoami`);
    assert.equal(response.status, 200);
    const seen = (await response.json()) as { arn: string; accountId: string };
    assert.equal(seen.accountId, LOCAL_ACCOUNT_ID);
    assert.equal(seen.arn.split(':')[4], LOCAL_ACCOUNT_ID, seen.arn);
  });

  test('the API reference describes the declarations of the last reload', async () => {
    const paths = async () => {
      const reply = await fetch(`${system.referenceUrl}openapi.json`);
      return Object.keys(((await reply.json()) as { paths: object }).paths);
    };
    assert.ok(!(await paths()).includes('/added'));
    const reloaded = new Promise<ReloadEvent>((resolve) => reloads.push(resolve));
    const handler = path.relative(PROJECT_ROOT, path.join(handlers, 'whoami.ts'));
    await writeFile(path.join(services, 'added.ts'), declaration('added', '/added', handler));
    const event = await reloaded;
    assert.equal(event.kind, 'reloaded', JSON.stringify(event));
    assert.ok((await paths()).includes('/added'), 'the new route is in the reference');
    // The console's overview follows the same reload.
    const overview = await fetch(`${system.url}/_local/console/api/overview`, {
      headers: { 'x-console-secret': system.console?.secret ?? '' },
    });
    const { services: listed } = (await overview.json()) as {
      services: { routes: { path: string; function: string }[] }[];
    };
    assert.ok(
      listed.some((service) => service.routes.some((route) => route.path === '/added')),
      'the new route is in the console overview',
    );
  });
});

/** A handler with a line to stop at (BREAK_LINE). */
const BREAK_LINE = 3;
const pausingHandler = [
  'export function makeHandler() {',
  '  return async () => {',
  "    const answer = { statusCode: 200, body: 'resumed' };",
  '    return answer;',
  '  };',
  '}',
  '',
].join('\n');

/** A port nothing listens on now (the system's instances will take it and the ones above it). */
async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  assert.ok(address && typeof address === 'object');
  return address.port;
}

/** Whether a TCP connection to host:port is accepted. */
async function accepts(host: string, port: number): Promise<boolean> {
  const socket = new Socket();
  const connected = await new Promise<boolean>((resolve) => {
    socket.once('connect', () => resolve(true));
    socket.once('error', () => resolve(false));
    socket.connect(port, host);
  });
  socket.destroy();
  return connected;
}

/** The local addresses that listen on `port` (Linux: /proc/net/tcp and tcp6), in their hex form. */
function listeningAddresses(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  return ['/proc/net/tcp', '/proc/net/tcp6'].flatMap((file) => {
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return [];
    }
    return text
      .split('\n')
      .slice(1)
      .map((row) => row.trim().split(/\s+/))
      .filter(([, local, , state]) => local?.endsWith(`:${hexPort}`) && state === '0A')
      .map(([, local]) => local?.split(':')[0] ?? '');
  });
}

describe('npm start -- --inspect: a debugger stops in a handler', { timeout: 120_000 }, () => {
  let dir: string;
  let handlerFile: string;
  let system: LocalSystem;
  let port: number;

  before(async () => {
    await mkdir(path.join(PROJECT_ROOT, 'test', 'tmp'), { recursive: true });
    dir = await mkdtemp(path.join(PROJECT_ROOT, 'test', 'tmp', 'inspect-'));
    const services = path.join(dir, 'services');
    await mkdir(services);
    handlerFile = path.join(dir, 'pause.ts');
    await writeFile(handlerFile, pausingHandler);
    const relative = path.relative(PROJECT_ROOT, handlerFile);
    await writeFile(path.join(services, 'pause.ts'), declaration('pause', '/pause', relative));
    port = await freePort();
    system = await startLocalSystem({
      port: 0,
      engine: 'dynalite',
      dataDir: dir,
      inMemory: true,
      logLevel: 'INFO',
      logSink: { write: () => {} },
      servicesDirs: [services],
      maxInstancesPerFunction: 1,
      inspect: { port },
    });
  });
  after(async () => {
    await system?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  test('the instance opens its inspector on loopback only', async () => {
    const first = await fetch(`${system.url}/pause`);
    assert.equal(await first.text(), 'resumed');
    assert.ok(await accepts('127.0.0.1', port), `the inspector answers on 127.0.0.1:${port}`);
    const listing = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as {
      webSocketDebuggerUrl: string;
    }[];
    assert.match(listing[0]?.webSocketDebuggerUrl ?? '', new RegExp(`^ws://127\\.0\\.0\\.1:${port}/`));
    // Not on any other address of this machine.
    const external = Object.values(os.networkInterfaces())
      .flat()
      .filter((net) => net && !net.internal)
      .map((net) => net?.address ?? '');
    for (const address of external) assert.ok(!(await accepts(address, port)), `refused on ${address}`);
    if (process.platform === 'linux') {
      // Bound to 127.0.0.1 itself, not to 0.0.0.0 or ::.
      assert.deepEqual(listeningAddresses(port), ['0100007F']);
    }
  });

  test('a breakpoint set at a line of the .ts file is hit, and the request completes once resumed', async () => {
    // A debugger attaches to a running instance: one is started (or found warm) first.
    assert.equal(await (await fetch(`${system.url}/pause`)).text(), 'resumed');
    const client = spawn(
      process.execPath,
      [
        ...(Number(process.versions.node.split('.')[0]) < 22 ? ['--experimental-websocket'] : []),
        '--import',
        'tsx',
        path.join(PROJECT_ROOT, 'test', 'support', 'devtools-client.ts'),
        String(port),
        handlerFile,
        String(BREAK_LINE),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      const lines = createInterface({ input: client.stdout })[Symbol.asyncIterator]();
      const next = async () => JSON.parse(String((await lines.next()).value ?? '{}'));
      assert.deepEqual(await next(), { armed: true });
      const answering = fetch(`${system.url}/pause`).then((reply) => reply.text());
      assert.deepEqual(await next(), { paused: { file: pathToFileURL(handlerFile).href, line: BREAK_LINE } });
      assert.equal(await answering, 'resumed');
    } finally {
      client.kill();
    }
  });
});
