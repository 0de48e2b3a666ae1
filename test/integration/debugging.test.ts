// Errors and debuggers point at the TypeScript source: a handler's stack trace, as the terminal
// and `npm run logs` show it, names its `.ts` file and line (dynalite: the engine plays no part).
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
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
  });
});
