// The console API (docs/console-api.md): every call goes to the page's own origin under
// /_local/console/api/, carrying the per-start secret's cookie, which the browser sends itself.

export type Access = string;

export interface Overview {
  services: {
    name: string;
    routes: { method: string; path: string; access: Access; authorization?: string; function: string }[];
  }[];
  functions: {
    name: string;
    service?: string;
    /** The table the function's service owns. */
    table?: string;
    memoryMb: number;
    timeoutSeconds: number;
    runtime: string;
    permissions: { actions: string[]; resources: string[] }[];
    unusedPermissions: { action: string; resource: string }[];
  }[];
  tables: TableInfo[];
  generation: number;
}

export interface KeyInfo {
  name: string;
  partitionKey: string;
  sortKey?: string;
}
export interface TableInfo extends KeyInfo {
  indexes: KeyInfo[];
  itemCount?: number;
}

// What the traces API answers is the server's own model, imported as types only (erased from the
// bundle), so the two cannot drift apart unnoticed.
export type { AttributeValue, Span, Trace, TraceSummary } from '../../local/tracing/trace-model.ts';

export interface LogLine {
  timestamp: string | number;
  function: string;
  level?: string;
  requestId?: string;
  traceId?: string;
  message: string;
  raw: string;
}

export interface Fault {
  id: string;
  /** DynamoDB's errors: `throttle` ProvisionedThroughputExceeded, `throttling` ThrottlingException, `error` a 500. */
  kind: 'throttle' | 'throttling' | 'error' | 'latency';
  /** `function:<name>` or `table:<name>`; absent: every call. */
  target?: string;
  percent: number;
  latencyMs?: number;
}

export interface Switches {
  faults: Fault[];
  throttling: boolean;
  tracing: boolean;
  logLevel: 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
}

export interface ItemWithSize {
  item: Record<string, unknown>;
  sizeBytes: number;
}

export interface ItemPage {
  items: ItemWithSize[];
  cursor?: string;
}

/** An answer other than 2xx, with the problem+json body's title and detail when there is one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const apiBase = (): string => new URL('api/', document.baseURI).pathname;

// How many console API calls are in flight, on <body data-pending>: the browser tests and the
// screenshot script wait for 0 to know a view shows what it loaded.
let pending = 0;
const track = (change: number) => {
  pending += change;
  document.body.dataset.pending = String(pending);
};

export async function call<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  track(1);
  try {
    return await send<T>(path, init);
  } finally {
    track(-1);
  }
}

async function send<T>(path: string, init: { method?: string; body?: unknown }): Promise<T> {
  const response = await fetch(apiBase() + path, {
    method: init.method ?? 'GET',
    credentials: 'same-origin',
    headers: init.body === undefined ? {} : { 'content-type': 'application/json' },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  if (!response.ok) {
    let message = `${response.status} ${response.statusText}`;
    try {
      const problem = (await response.json()) as { title?: string; detail?: string };
      message = [problem.title, problem.detail].filter(Boolean).join(': ') || message;
    } catch {
      // Not JSON: the status line says enough.
    }
    throw new ApiError(response.status, message);
  }
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

/** Builds a query string from the filled fields only. */
export function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== '') search.set(name, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

export const eventsUrl = (): string => `${apiBase()}events`;
