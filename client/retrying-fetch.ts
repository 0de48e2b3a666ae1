import { retryAfterMs } from './retry-after.ts';

/** How the client retries, and how long a call may take. */
export interface RetryOptions {
  /** Retries after the first attempt; 0 turns retrying off. Default 3. */
  readonly maxRetries?: number;
  /** The backoff's base: retry n waits a random time up to `baseDelayMs * 2^n`. Default 200 ms. */
  readonly baseDelayMs?: number;
  /**
   * No wait is longer than this. A `Retry-After` asking for more is not retried: the answer is
   * returned (thrown as a problem with `retryAfterSeconds`) for the caller to decide. Default 10 000 ms.
   */
  readonly maxDelayMs?: number;
  /** How to wait; replaceable in tests. It must end at once, rejecting, when `signal` aborts. */
  readonly sleep?: (ms: number, signal: AbortSignal | undefined) => Promise<void>;
  /** A number in [0, 1) for the jitter; `Math.random` by default, replaceable in tests. */
  readonly random?: () => number;
  /** The clock an HTTP-date `Retry-After` is counted from; `Date.now` by default. */
  readonly now?: () => number;
}

/** What a single call may add to the client's settings. */
export interface CallOptions {
  /** Ends the call, including any wait between attempts, with the signal's reason (an `AbortError`). */
  readonly signal?: AbortSignal;
  /** Ends the call after this many ms, retries and waits included, with a `TimeoutError`. */
  readonly timeoutMs?: number;
}

/** The header that makes a POST or PATCH safe to send again (the server answers a repeat from its record). */
export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';

/** Methods whose repeat has the effect of a single request (RFC 9110 §9.2.2). */
const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);

/**
 * Whether `request` may be sent again after it may have reached the server: an idempotent
 * method, or a POST/PATCH that carries an `Idempotency-Key`.
 */
export function isRetrySafe(request: Request): boolean {
  const method = request.method.toUpperCase();
  if (IDEMPOTENT_METHODS.has(method)) return true;
  return (method === 'POST' || method === 'PATCH') && request.headers.has(IDEMPOTENCY_KEY_HEADER);
}

/**
 * 429 is the gateway's throttle (or the WAF's), answered before any function runs, so nothing was
 * written: any request may be sent again. 503 comes from a function that may have written before
 * it gave up (a DynamoDB call that timed out may still have been applied): only a safe request.
 */
const retriable = (status: number, safe: boolean) => status === 429 || (status === 503 && safe);

/**
 * Wraps `fetch` with bounded retries that can never duplicate a write: a request that is not
 * retry-safe (see `isRetrySafe`) is never sent again once it may have reached the server — not
 * after a lost connection, nor after a 503. Waits use full jitter (a random time up to
 * `min(maxDelayMs, baseDelayMs * 2^attempt)`), and never less than a `Retry-After` asks. The last
 * answer is returned as is, so the caller still sees the problem when retries run out.
 *
 * The request's own signal, and `timeoutMs` (client-wide, per call), end the call at once, waits
 * included, rejecting with an `AbortError` or a `TimeoutError`.
 */
export function retryingFetch(
  fetchImpl: (request: Request) => Promise<Response>,
  options: RetryOptions & { readonly timeoutMs?: number } = {},
): (request: Request) => Promise<Response> {
  const {
    maxRetries = 3,
    baseDelayMs = 200,
    maxDelayMs = 10_000,
    sleep = abortableSleep,
    random = Math.random,
    now = Date.now,
    timeoutMs,
  } = options;
  return async (original) => {
    const signal = combine(original.signal, timeoutMs);
    const request = signal === original.signal ? original : new Request(original, { signal });
    const safe = isRetrySafe(request);
    for (let attempt = 0; ; attempt++) {
      signal?.throwIfAborted();
      let response: Response;
      try {
        response = await fetchImpl(request.clone());
      } catch (error) {
        // A lost connection: the request may have been applied. Aborts end the call as they are.
        if (!safe || attempt >= maxRetries || signal?.aborted) throw error;
        await sleep(random() * backoff(attempt), signal);
        continue;
      }
      if (!retriable(response.status, safe) || attempt >= maxRetries) return response;
      const asked = retryAfterMs(response.headers.get('retry-after'), now());
      if (asked !== undefined && asked > maxDelayMs) return response;
      await response.body?.cancel();
      await sleep(Math.max(asked ?? 0, random() * backoff(attempt)), signal);
    }
  };

  function backoff(attempt: number): number {
    return Math.min(maxDelayMs, baseDelayMs * 2 ** attempt);
  }
}

/** The request's signal and a timeout as one signal; the request's own when there is no timeout. */
function combine(signal: AbortSignal | null, timeoutMs: number | undefined): AbortSignal | undefined {
  if (timeoutMs === undefined) return signal ?? undefined;
  const timeout = AbortSignal.timeout(timeoutMs);
  return signal ? AbortSignal.any([signal, timeout]) : timeout;
}

/** The signal of a call: the caller's and its timeout together; undefined when it has neither. */
export function callSignal(options: CallOptions | undefined): AbortSignal | undefined {
  return combine(options?.signal ?? null, options?.timeoutMs);
}

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts. */
function abortableSleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
