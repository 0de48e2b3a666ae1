import type { Operation } from './openapi.ts';

// One request as the explorer sends it, and the same request written for a terminal or for the
// typed client, so a request tried here can be pasted into a script.

export interface ExplorerRequest {
  method: string;
  /** The route's path template, e.g. `/products/{id}`. */
  route: string;
  values: Record<string, string>;
  body: string;
  caller: { username?: string; groups: string[] };
}

export interface Prepared {
  url: string;
  path: Record<string, string>;
  query: Record<string, string>;
  headers: Record<string, string>;
  body?: string;
}

export function prepare(operation: Operation, request: ExplorerRequest, origin: string): Prepared {
  const path: Record<string, string> = {};
  const query: Record<string, string> = {};
  const headers: Record<string, string> = {};
  for (const parameter of operation.parameters) {
    const value = request.values[`${parameter.in}:${parameter.name}`];
    if (!value) continue;
    if (parameter.in === 'path') path[parameter.name] = value;
    else if (parameter.in === 'query') query[parameter.name] = value;
    else if (parameter.in === 'header') headers[parameter.name] = value;
  }
  const filled = operation.path.replace(/\{([^}]+)\}/g, (_, name: string) =>
    encodeURIComponent(path[name] ?? ''),
  );
  const search = new URLSearchParams(query).toString();
  const hasBody = Boolean(operation.body) && request.body.trim() !== '';
  if (hasBody) headers['content-type'] = 'application/json';
  return {
    url: `${origin}${filled}${search ? `?${search}` : ''}`,
    path,
    query,
    headers,
    body: hasBody ? request.body : undefined,
  };
}

const shellQuote = (text: string): string => `'${text.replace(/'/g, `'\\''`)}'`;

/** The request as a `curl` command; the token, when there is one, is the one just minted. */
export function asCurl(prepared: Prepared, method: string, token?: string): string {
  const lines = [`curl -i -X ${method} ${shellQuote(prepared.url)}`];
  for (const [name, value] of Object.entries(prepared.headers))
    lines.push(`-H ${shellQuote(`${name}: ${value}`)}`);
  if (token) lines.push(`-H ${shellQuote(`Authorization: ${token}`)}`);
  if (prepared.body !== undefined) lines.push(`--data ${shellQuote(compactJson(prepared.body))}`);
  return lines.join(' \\\n  ');
}

/** The request as a call of the typed client's raw, fully typed `client.api` (openapi-fetch). */
export function asClientCall(
  prepared: Prepared,
  operation: Operation,
  origin: string,
  caller?: string,
): string {
  const params: string[] = [];
  if (Object.keys(prepared.path).length) params.push(`path: ${JSON.stringify(prepared.path)}`);
  if (Object.keys(prepared.query).length) params.push(`query: ${JSON.stringify(prepared.query)}`);
  const headers = Object.fromEntries(
    Object.entries(prepared.headers).filter(([name]) => name !== 'content-type'),
  );
  if (Object.keys(headers).length) params.push(`header: ${JSON.stringify(headers)}`);
  const options: string[] = [];
  if (params.length) options.push(`params: { ${params.join(', ')} }`);
  if (prepared.body !== undefined) options.push(`body: ${compactJson(prepared.body)}`);
  const token = caller ? `, token: () => process.env.SM_API_TOKEN /* npm run token -- ${caller} */` : '';
  return [
    "import { createClient } from 'serverless-microservices/client';",
    '',
    `const client = createClient({ baseUrl: ${JSON.stringify(origin)}${token} });`,
    `const { data, error, response } = await client.api.${operation.method}(${JSON.stringify(operation.path)}${
      options.length ? `, { ${options.join(', ')} }` : ''
    });`,
  ].join('\n');
}

function compactJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text));
  } catch {
    return text;
  }
}

const HISTORY_KEY = 'local-console.explorer.history';
const HISTORY_LIMIT = 50;

export interface HistoryEntry {
  request: ExplorerRequest;
  status: number;
  at: number;
  requestId?: string;
}

export function readHistory(): HistoryEntry[] {
  try {
    const stored = JSON.parse(localStorage.getItem(HISTORY_KEY) ?? '[]');
    return Array.isArray(stored) ? stored : [];
  } catch {
    return [];
  }
}

export function addToHistory(entry: HistoryEntry): HistoryEntry[] {
  const history = [entry, ...readHistory()].slice(0, HISTORY_LIMIT);
  localStorage.setItem(HISTORY_KEY, JSON.stringify(history));
  return history;
}
