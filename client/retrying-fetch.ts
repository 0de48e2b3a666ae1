/** How the client retries when the API is overloaded (503, or 429 from the gateway). */
export interface RetryOptions {
  /** Retries after the first attempt; 0 turns retrying off. Default 3. */
  readonly maxRetries?: number;
  /** Waits without a `Retry-After` start here and double. Default 200 ms. */
  readonly baseDelayMs?: number;
  /** No single wait is longer than this, whatever `Retry-After` says. Default 10 000 ms. */
  readonly maxDelayMs?: number;
  /** How to wait; replaceable in tests. */
  readonly sleep?: (ms: number) => Promise<void>;
}

const RETRIED = new Set([429, 503]);
const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Wraps `fetch` so that 503 and 429 answers are retried after the `Retry-After` delay (seconds or
 * an HTTP date), at most `maxRetries` times and never longer than `maxDelayMs` per wait. The last
 * answer is returned as is, so a caller still sees the problem when retries run out.
 */
export function retryingFetch(
  fetchImpl: (request: Request) => Promise<Response>,
  options: RetryOptions = {},
): (request: Request) => Promise<Response> {
  const { maxRetries = 3, baseDelayMs = 200, maxDelayMs = 10_000, sleep = wait } = options;
  return async (request) => {
    for (let attempt = 0; ; attempt++) {
      const response = await fetchImpl(request.clone());
      if (!RETRIED.has(response.status) || attempt >= maxRetries) return response;
      await response.body?.cancel();
      await sleep(
        Math.min(maxDelayMs, delayOf(response.headers.get('retry-after')) ?? baseDelayMs * 2 ** attempt),
      );
    }
  };
}

/** `Retry-After` in ms: delta-seconds or an HTTP date; undefined when absent or unreadable. */
function delayOf(header: string | null): number | undefined {
  if (header === null) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
