// What a verification run creates on its target, recorded from the requests themselves so that it
// can all be deleted afterwards: a deployed stack is someone's, and must be left as it was found.
import manager from '#services/dynamodb-manager.ts';

interface Created {
  /** URLs of resources the API answered 201 with a Location for (resolved against the request's URL). */
  readonly locations: Set<string>;
  /** Keys of items DynamoDBManager was asked to create. */
  readonly managerKeys: Map<string, Record<string, unknown>>;
}

const MANAGER_PATH = manager.functions[0]?.path ?? '/DynamoDBManager';
const MANAGER_KEY = manager.table.partitionKey;

/**
 * Wraps the global fetch so that every creation sent to `baseUrl` is recorded, and returns what
 * was recorded. Every client of the suites (the plain HTTP one, the typed client) goes through
 * the global fetch, so none escapes.
 */
export function recordCreations(baseUrl: string): Created {
  const created: Created = { locations: new Set(), managerKeys: new Map() };
  const base = new URL(baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  const inner = globalThis.fetch;
  globalThis.fetch = async (input, init) => {
    const request = new Request(input, init);
    const body = request.method === 'POST' ? await request.clone().text() : '';
    const response = await inner(request);
    if (!request.url.startsWith(base.href.replace(/\/$/, ''))) return response;
    const location = response.headers.get('location');
    if (response.status === 201 && location) created.locations.add(new URL(location, request.url).href);
    if (new URL(request.url).pathname.endsWith(MANAGER_PATH) && response.ok) {
      try {
        const sent = JSON.parse(body) as { operation?: string; payload?: { Item?: Record<string, unknown> } };
        const key = sent.payload?.Item?.[MANAGER_KEY];
        if (sent.operation === 'create' && key !== undefined) {
          created.managerKeys.set(JSON.stringify(key), { [MANAGER_KEY]: key });
        }
      } catch {
        // Not JSON: nothing was created.
      }
    }
    return response;
  };
  return created;
}

/**
 * Deletes what was recorded, with the given token; a 404 is fine (a test deleted it already).
 * Returns what could not be deleted, for the run to report.
 */
export async function deleteCreations(baseUrl: string, token: string, created: Created): Promise<string[]> {
  const root = baseUrl.replace(/\/+$/, '');
  const failed: string[] = [];
  const send = async (what: string, method: string, url: string, body?: unknown) => {
    const response = await fetch(url, {
      method,
      headers: { Authorization: token, ...(body ? { 'Content-Type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    await response.arrayBuffer();
    if (!response.ok && response.status !== 404) failed.push(`${what}: ${response.status}`);
  };
  for (const location of created.locations) await send(location, 'DELETE', location);
  for (const key of created.managerKeys.values()) {
    await send(`${MANAGER_PATH} ${JSON.stringify(key)}`, 'POST', `${root}${MANAGER_PATH}`, {
      operation: 'delete',
      payload: { Key: key },
    });
  }
  return failed;
}
