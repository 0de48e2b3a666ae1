import type { RunningDynamoDb } from './engine.ts';

/**
 * Adopts a DynamoDB endpoint that runs elsewhere: a shared DynamoDB Local, or real AWS (then
 * region and credentials come from the standard AWS environment). Nothing is started, so
 * `stop()` leaves it running; the tables and their data are the endpoint's own.
 *
 * @example
 * const dynamodb = useExternalDynamoDb('http://127.0.0.1:8000');
 */
export function useExternalDynamoDb(endpoint: string): RunningDynamoDb {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new Error(`The DynamoDB endpoint "${endpoint}" is not a URL, e.g. http://127.0.0.1:8000`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`The DynamoDB endpoint "${endpoint}" must use http or https`);
  }
  if (url.username || url.password || url.search || url.hash || url.pathname !== '/') {
    throw new Error(`The DynamoDB endpoint "${endpoint}" must be a base URL only (scheme, host and port)`);
  }
  const base = url.origin;
  return {
    engine: 'external',
    endpoint: base,
    dataDir: null,
    detail: `external endpoint ${base}`,
    stop: async () => {},
  };
}
