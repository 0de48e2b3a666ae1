// Errors and debuggers point at the TypeScript source: a handler's stack trace, as the terminal
// and `npm run logs` show it, names its `.ts` file and line (dynalite: the engine plays no part).
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
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

describe('a handler stack trace names its TypeScript source', { timeout: 120_000 }, () => {
  let dir: string;
  let handlerFile: string;
  let system: LocalSystem;
  const terminal: string[] = [];

  before(async () => {
    await mkdir(path.join(PROJECT_ROOT, 'test', 'tmp'), { recursive: true });
    dir = await mkdtemp(path.join(PROJECT_ROOT, 'test', 'tmp', 'debugging-'));
    const services = path.join(dir, 'services');
    const handlers = path.join(dir, 'handlers');
    await mkdir(services);
    await mkdir(handlers);
    handlerFile = path.join(handlers, 'boom.ts');
    await writeFile(handlerFile, throwingHandler);
    const relative = path.relative(PROJECT_ROOT, handlerFile);
    await writeFile(path.join(services, 'boom.ts'), declaration('boom', '/boom', relative));
    system = await startLocalSystem({
      port: 0,
      engine: 'dynalite',
      dataDir: dir,
      inMemory: false,
      logLevel: 'INFO',
      logSink: { write: (_fn, line) => terminal.push(line) },
      servicesDirs: [services],
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
});
