// The local console's server side: the app's files and its API under /_local/console/, behind the
// gateway's Host/Origin gate and this start's secret (see console-gate.ts and docs/console-api.md).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LocalUserPool } from '#local/auth/local-user-pool.ts';
import type { LogSink } from '#local/contracts.ts';
import type { Tracer } from '#local/tracing/tracer.ts';
import { buildOpenApiDocument } from '#src/openapi/build-document.ts';
import packageJson from '../../package.json' with { type: 'json' };
import { sendNeedsSecret, serveAsset } from './console-assets.ts';
import { CONSOLE_PREFIX, consoleRefusal, secretCookie, urlSecretMatches } from './console-gate.ts';
import {
  badRequest,
  ConsoleProblem,
  notFound,
  readJsonObject,
  sendJson,
  sendNoContent,
  sendProblem,
} from './console-http.ts';
import { liveLogLine, queryLogs, runSavedQuery, savedQueries } from './console-logs.ts';
import { type OverviewSources, overview } from './console-overview.ts';
import type { ConsoleTables } from './console-tables.ts';
import { EventStreams } from './event-stream.ts';
import type { SwitchBoard } from './switches.ts';

export interface ConsoleParts extends OverviewSources {
  readonly secret: string;
  readonly tracer: Tracer;
  readonly userPool: Pick<LocalUserPool, 'mint'>;
  readonly logsDir: string | null;
  readonly tables: ConsoleTables;
  readonly switches: SwitchBoard;
  /** Where the console's own faults go (never to the browser). */
  readonly log: (line: string) => void;
}

export interface ConsoleServer {
  /** A local page for the gateway: answers the console's paths and returns true, else false. */
  readonly page: (req: IncomingMessage, res: ServerResponse) => boolean;
  /** A tap beside the function logs, for the live tail. */
  readonly logSink: LogSink;
  readonly streams: EventStreams;
  /** Announces a reload (the declarations changed). */
  reloaded(generation: number): void;
  close(): void;
}

/** The table named in the path; a malformed escape is the caller's mistake (400), not ours. */
function tableName(match: RegExpExecArray): string {
  try {
    return decodeURIComponent(match[1] ?? '');
  } catch {
    throw badRequest('The table name in the path is not a valid URL component.');
  }
}

type Handler = (
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  match: RegExpExecArray,
) => Promise<void> | void;

const API = `${CONSOLE_PREFIX}/api/`;
const MUTATING = new Set(['POST', 'PUT', 'DELETE', 'PATCH']);

/** Starts the console's server side; the gateway serves it through `page`. */
export function startConsoleServer(parts: ConsoleParts): ConsoleServer {
  const streams = new EventStreams();
  const minted = new Map<string, readonly string[]>();
  const unsubscribe = parts.tracer.subscribe((trace) => streams.send('trace', () => trace.summary));
  const idsOf = (id: string): string[] => {
    const traceId = parts.tracer.traceIdOf(id);
    const trace = traceId ? parts.tracer.ring.get(traceId) : undefined;
    return [id, ...(trace?.summary.invocationId ? [trace.summary.invocationId] : [])];
  };
  const traceIdOf = (id: string) => parts.tracer.traceIdOf(id);

  const routes: [string, RegExp, Handler][] = [
    ['GET', /^overview$/, (_q, res) => sendJson(res, 200, overview(parts))],
    [
      'GET',
      /^openapi$/,
      (_q, res) =>
        sendJson(
          res,
          200,
          buildOpenApiDocument(
            parts.services().map((s) => s.service),
            { version: packageJson.version },
          ),
        ),
    ],
    [
      'GET',
      /^users$/,
      (_q, res) =>
        sendJson(
          res,
          200,
          [...minted].map(([username, groups]) => ({ username, groups })),
        ),
    ],
    [
      'POST',
      /^tokens$/,
      async (req, res) => {
        const body = await readJsonObject(req);
        const { username, groups = [] } = body;
        if (typeof username !== 'string' || !/^[A-Za-z0-9_.@+-]{1,128}$/.test(username))
          throw badRequest('username is 1–128 letters, digits or _.@+-');
        if (!Array.isArray(groups) || groups.some((g) => typeof g !== 'string'))
          throw badRequest('groups is a list of group names.');
        const token = await parts.userPool
          .mint({ user: username, groups: groups as string[] })
          .catch((error: unknown) => {
            throw badRequest(error instanceof Error ? error.message : String(error));
          });
        minted.set(username, groups as string[]);
        const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
          exp?: number;
        };
        sendJson(res, 200, { token, expiresAt: (payload.exp ?? 0) * 1000 });
      },
    ],
    [
      'GET',
      /^traces$/,
      (_q, res, url) => {
        const p = url.searchParams;
        const status = p.get('status');
        const limit = Number(p.get('limit') ?? 100);
        if (!Number.isInteger(limit) || limit < 1 || limit > parts.tracer.ring.capacity)
          throw badRequest(`limit is 1–${parts.tracer.ring.capacity}.`);
        if (status !== null && !/^\d{1,3}$/.test(status)) throw badRequest('status is an HTTP status code.');
        const traces = parts.tracer.ring.list({
          ...(p.get('route') ? { route: p.get('route') as string } : {}),
          ...(status !== null ? { status: Number(status) } : {}),
          ...(p.get('function') ? { function: p.get('function') as string } : {}),
          ...(p.get('user') ? { user: p.get('user') as string } : {}),
          limit,
        });
        sendJson(res, 200, { traces, capacity: parts.tracer.ring.capacity, kept: parts.tracer.ring.size });
      },
    ],
    [
      'GET',
      /^traces\/([0-9a-f]{32})$/,
      (_q, res, _u, m) => {
        const trace = parts.tracer.ring.get(m[1] ?? '');
        if (!trace) throw notFound('No such trace is kept (it may have left the ring).');
        sendJson(res, 200, trace);
      },
    ],
    ['GET', /^events$/, (_q, res) => streams.open(res)],
    [
      'GET',
      /^logs$/,
      (_q, res, url) =>
        sendJson(res, 200, {
          lines: queryLogs({ params: url.searchParams, logsDir: parts.logsDir, idsOf, traceIdOf }),
        }),
    ],
    [
      'GET',
      /^queries$/,
      async (_q, res) => {
        const { queries } = await savedQueries();
        sendJson(res, 200, {
          queries: Object.entries(queries).map(([name, saved]) => ({
            name,
            title: saved.title,
            query: saved.query,
          })),
        });
      },
    ],
    [
      'POST',
      /^queries\/run$/,
      async (req, res) => sendJson(res, 200, await runSavedQuery(await readJsonObject(req), parts.logsDir)),
    ],
    ['GET', /^tables$/, async (_q, res) => sendJson(res, 200, { tables: await parts.tables.list() })],
    [
      'GET',
      /^tables\/([^/]+)\/items$/,
      async (_q, res, url, m) =>
        sendJson(
          res,
          200,
          await parts.tables.items(
            tableName(m),
            url.searchParams.get('limit'),
            url.searchParams.get('cursor'),
          ),
        ),
    ],
    [
      'POST',
      /^tables\/([^/]+)\/query$/,
      async (req, res, _u, m) =>
        sendJson(res, 200, await parts.tables.query(tableName(m), await readJsonObject(req))),
    ],
    [
      'PUT',
      /^tables\/([^/]+)\/items$/,
      async (req, res, _u, m) =>
        sendJson(res, 200, await parts.tables.put(tableName(m), await readJsonObject(req))),
    ],
    [
      'DELETE',
      /^tables\/([^/]+)\/items$/,
      async (req, res, _u, m) => {
        await parts.tables.delete(tableName(m), await readJsonObject(req));
        sendNoContent(res);
      },
    ],
    ['GET', /^switches$/, (_q, res) => sendJson(res, 200, parts.switches.get())],
    [
      'PUT',
      /^switches$/,
      async (req, res) => sendJson(res, 200, parts.switches.update(await readJsonObject(req))),
    ],
    [
      'POST',
      /^faults$/,
      async (req, res) => sendJson(res, 201, parts.switches.addFault(await readJsonObject(req))),
    ],
    [
      'DELETE',
      /^faults\/([A-Za-z0-9]+)$/,
      (_q, res, _u, m) => {
        parts.switches.removeFault(m[1] ?? '');
        sendNoContent(res);
      },
    ],
  ];

  async function serveApi(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const rest = url.pathname.slice(API.length);
    const method = req.method ?? 'GET';
    const candidates = routes.filter(([, pattern]) => pattern.test(rest));
    if (candidates.length === 0) throw notFound(`No console API at ${url.pathname}.`);
    const route = candidates.find(([m]) => m === method || (m === 'GET' && method === 'HEAD'));
    if (!route) {
      res.setHeader('Allow', candidates.map(([m]) => m).join(', '));
      throw new ConsoleProblem(405, 'Method Not Allowed', `${method} is not allowed on ${url.pathname}.`);
    }
    const [, pattern, handler] = route;
    await handler(req, res, url, pattern.exec(rest) as RegExpExecArray);
  }

  async function serve(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const isApi = url.pathname.startsWith(API);
    // The first visit: the secret in the URL becomes a cookie, and the URL loses it.
    if (!isApi && url.searchParams.has('secret')) {
      if (!urlSecretMatches(url, parts.secret)) return sendNeedsSecret(res);
      res.writeHead(303, {
        'Set-Cookie': secretCookie(parts.secret),
        Location: `${CONSOLE_PREFIX}/`,
        'Cache-Control': 'no-store',
      });
      res.end();
      return;
    }
    const refusal = consoleRefusal(req, parts.secret);
    if (refusal) {
      if (isApi || refusal.status !== 401) return sendProblem(res, refusal);
      return sendNeedsSecret(res);
    }
    if (isApi) return serveApi(req, res, url);
    if (MUTATING.has(req.method ?? 'GET')) {
      res.setHeader('Allow', 'GET, HEAD');
      throw new ConsoleProblem(405, 'Method Not Allowed', 'The console app is read with GET.');
    }
    const relative = url.pathname === CONSOLE_PREFIX ? '' : url.pathname.slice(CONSOLE_PREFIX.length + 1);
    await serveAsset(res, relative, req.method === 'HEAD');
  }

  return {
    page(req, res) {
      // Every request through the gateway asks here first: the API's own pass on a string test,
      // without building a URL (a path with dot segments that would resolve here goes to the API).
      if (!req.url?.startsWith(CONSOLE_PREFIX)) return false;
      const url = new URL(req.url, 'http://console.invalid');
      if (url.pathname !== CONSOLE_PREFIX && !url.pathname.startsWith(`${CONSOLE_PREFIX}/`)) return false;
      serve(req, res, url).catch((error: unknown) => {
        if (error instanceof ConsoleProblem) return sendProblem(res, error);
        // The engine refusing an admin edit (a key of the wrong type) is the caller's mistake.
        if (error instanceof Error && error.name === 'ValidationException')
          return sendProblem(res, badRequest(`DynamoDB refused it: ${error.message}`));
        parts.log(
          `[console] 500 ${req.method} ${url.pathname}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        );
        sendProblem(
          res,
          new ConsoleProblem(
            500,
            'Internal Server Error',
            'The console failed; the cause is in the terminal.',
          ),
        );
      });
      return true;
    },
    logSink: {
      write: (functionName, line) => streams.send('log', () => liveLogLine(functionName, line, traceIdOf)),
    },
    streams,
    reloaded: (generation) => streams.send('reload', () => ({ generation })),
    close() {
      unsubscribe();
      streams.close();
    },
  };
}
