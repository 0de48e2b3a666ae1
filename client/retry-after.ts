/**
 * The delay a `Retry-After` header asks for, in ms (RFC 9110 §10.2.3): delta-seconds, or an
 * HTTP-date counted from `now`. Undefined when the header is absent or unreadable, so that the
 * caller falls back to its own backoff rather than trusting a guess. A date in the past is 0.
 *
 * @example
 * retryAfterMs('2'); // 2000
 * retryAfterMs('Sun, 06 Dec 2026 19:00:05 GMT', Date.parse('Sun, 06 Dec 2026 19:00:00 GMT')); // 5000
 */
export function retryAfterMs(
  header: string | null | undefined,
  now: number = Date.now(),
): number | undefined {
  const value = header?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  // An HTTP-date starts with its weekday (all three of its forms do); anything else, such as a
  // number with a sign or a fraction, is not a delay this parser should guess at.
  if (!/^[A-Za-z]{3,9},? /.test(value)) return undefined;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
