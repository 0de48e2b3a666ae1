/** The stage's throttle: requests per second and the burst allowed above it. */
export interface ThrottleLimits {
  readonly rateLimit: number;
  readonly burstLimit: number;
}

/**
 * A token bucket, the algorithm API Gateway throttles with: it holds up to `burstLimit` tokens,
 * starts full, refills at `rateLimit` tokens a second, and every request takes one; a request
 * that finds it empty is refused (429).
 *
 * @example
 * const bucket = tokenBucket({ rateLimit: 100, burstLimit: 200 });
 * if (!bucket.take()) answer429();
 */
export function tokenBucket(limits: ThrottleLimits, now: () => number = () => performance.now()) {
  let tokens = limits.burstLimit;
  let last = now();
  return {
    /** Takes a token if there is one; false means throttled. */
    take(): boolean {
      const at = now();
      tokens = Math.min(limits.burstLimit, tokens + ((at - last) / 1000) * limits.rateLimit);
      last = at;
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
  };
}
