/**
 * Waits for a quiet moment: resolves once `busy()` has answered false at every check for `quietMs`
 * in a row (a check every `everyMs`; a late check only makes the wait longer). The checks never
 * keep the process alive; `cancel()` stops them, and the promise then never settles.
 *
 * @example
 * const quiet = whenQuiet(() => lambda.inFlight() > 0, 1_000);
 * await quiet.promise; // nothing was in flight for a second
 */
export function whenQuiet(
  busy: () => boolean,
  quietMs: number,
  everyMs = 100,
): { readonly promise: Promise<void>; cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  const needed = Math.max(1, Math.ceil(quietMs / everyMs));
  const promise = new Promise<void>((resolve) => {
    let quietChecks = 0;
    timer = setInterval(() => {
      quietChecks = busy() ? 0 : quietChecks + 1;
      if (quietChecks < needed) return;
      clearInterval(timer);
      resolve();
    }, everyMs);
    timer.unref();
  });
  return { promise, cancel: () => clearInterval(timer) };
}
