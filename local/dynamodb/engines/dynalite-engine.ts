import { EventEmitter } from 'node:events';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { holdPrivateUmask } from '#local/private-data-folder.ts';
import { refuseOutsiders } from '../guard/refuse-outsiders.ts';
import { type DataFolderLock, dataInUseError, lockDataFolder } from '../launcher/data-folder-lock.ts';
import type { InProcessRequest, RunningDynamoDb } from './engine.ts';

/** The options of dynalite's factory that this project uses (the package ships no types). */
interface DynaliteOptions {
  /** LevelDB folder; in memory when absent. */
  readonly path?: string;
  readonly createTableMs: number;
  readonly deleteTableMs: number;
  readonly updateTableMs: number;
}
type CreateDynalite = (options: DynaliteOptions) => Server;
interface LevelDb {
  open(): Promise<void>;
  close(): Promise<void>;
}
type LevelConstructor = new (location: string) => LevelDb;

const require = createRequire(import.meta.url);
const dynalite = require('dynalite') as CreateDynalite;
const dynaliteVersion = (require('dynalite/package.json') as { version: string }).version;

export interface DynaliteEngineOptions {
  /** Existing folder for the LevelDB store; null keeps everything in memory. */
  readonly dataDir: string | null;
}

/**
 * Runs dynalite (DynamoDB's API in pure Node) inside this process on a free port of 127.0.0.1.
 * Tables become ACTIVE as soon as they are created, like DynamoDB Local's.
 *
 * @example
 * const dynamodb = await startDynalite({ dataDir: null });
 * // ... point clients at dynamodb.endpoint ...
 * await dynamodb.stop();
 */
export async function startDynalite({ dataDir }: DynaliteEngineOptions): Promise<RunningDynamoDb> {
  // dynalite's LevelDB creates its files in this process, when it likes (compactions, new logs),
  // with the process's umask: a private one for as long as it runs on a folder.
  const releaseUmask = dataDir ? holdPrivateUmask() : () => {};
  const lock = dataDir ? await lockDataFolder(dataDir, 'dynalite').catch(fail) : null;
  try {
    const running = await serveDynalite(dataDir, lock);
    const stop = running.stop;
    return { ...running, stop: () => stop().finally(releaseUmask) };
  } catch (error) {
    await lock?.release();
    return fail(error);
  }

  function fail(error: unknown): never {
    releaseUmask();
    throw error;
  }
}

async function serveDynalite(dataDir: string | null, lock: DataFolderLock | null): Promise<RunningDynamoDb> {
  if (dataDir) await assertStoreAvailable(dataDir);
  const server = dynalite({
    ...(dataDir ? { path: dataDir } : {}),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  // dynalite's own request handler, before the loopback-only check wraps it.
  const handlers = server.listeners('request') as RequestHandler[];
  onlyThisMachine(server, handlers);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  let stopped: Promise<void> | undefined;
  return {
    engine: 'dynalite',
    endpoint: `http://127.0.0.1:${port}`,
    dataDir,
    detail: `dynalite ${dynaliteVersion} (Node ${process.versions.node})`,
    serveInProcess(request, res) {
      const replay = readRequest(request);
      for (const handler of handlers) handler.call(server, replay, res);
      replay.emit('data', request.body);
      replay.emit('end');
    },
    stop() {
      // Closing also flushes and closes the LevelDB store; the folder's lock goes last.
      stopped ??= new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      ).finally(() => lock?.release());
      return stopped;
    },
  };
}

type RequestHandler = (this: Server, req: IncomingMessage, res: ServerResponse) => void;

/**
 * A request whose body was already read, as dynalite's handler reads one: it listens for `data`
 * and `end`, then reads the method, URL and headers.
 */
function readRequest({ method, url, headers }: InProcessRequest): IncomingMessage {
  return Object.assign(new EventEmitter(), { method, url, headers }) as unknown as IncomingMessage;
}

/**
 * dynalite grants CORS to every origin, so any web page could read and write the tables. The
 * database has no authentication, so only this machine's programs may use it: a request with an
 * `Origin` (a browser) or a foreign `Host` (DNS rebinding) is refused before dynalite sees it.
 */
function onlyThisMachine(server: Server, handlers: readonly RequestHandler[]): void {
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (refuseOutsiders(req, res)) return;
    for (const handler of handlers) handler.call(server, req, res);
  });
}

/**
 * The runtime's lock (see `lockDataFolder`) keeps other runtimes of this project away. This also
 * catches any other program holding dynalite's own LevelDB store: dynalite opens it lazily and,
 * when it is locked, throws from a request handler and takes the whole process down, so opening
 * it once first turns that into a clear error at start-up.
 */
async function assertStoreAvailable(dataDir: string): Promise<void> {
  // The `level` package dynalite itself depends on, so both open the store the same way.
  const { Level } = createRequire(require.resolve('dynalite'))('level') as { Level: LevelConstructor };
  const store = new Level(dataDir);
  try {
    await store.open();
  } catch (error) {
    throw dataInUseError('dynalite', dataDir, error);
  }
  await store.close();
}
