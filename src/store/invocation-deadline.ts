import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** Time kept back to write the 503 and its log line before the function's own timeout. */
export const RESPONSE_MARGIN_MS = 500;

let deadline: number | undefined;

/**
 * Records when the current invocation times out (from `context.getRemainingTimeInMillis()`);
 * the handler wrapper calls it at the start of every invocation.
 */
export function setInvocationDeadline(remainingMs: number): void {
  deadline = Date.now() + remainingMs;
}

/** What is left of the current invocation in ms, or undefined outside one. */
export const remainingInvocationMs = (): number | undefined =>
  deadline === undefined ? undefined : Math.max(0, deadline - Date.now());

/** What is left for DynamoDB in this invocation, or Infinity outside one. */
const budgetMs = () =>
  deadline === undefined ? Number.POSITIVE_INFINITY : deadline - Date.now() - RESPONSE_MARGIN_MS;

/** The SDK's own name for a call that ran out of time, which the store reads as "unavailable". */
function outOfTime(): Error {
  return Object.assign(new Error('DynamoDB did not answer within the invocation’s remaining time'), {
    name: 'TimeoutError',
  });
}

/**
 * Makes every call of `client`, retries included, end before the invocation does: the whole call
 * is raced against the remaining time (so a stalled DynamoDB becomes a 503 with `Retry-After`, not
 * a function timeout), and an attempt that would start after that time is not sent at all.
 */
export function boundByInvocationDeadline(client: DynamoDBClient): void {
  client.middlewareStack.add(
    (next) => async (args) => {
      const budget = budgetMs();
      if (budget === Number.POSITIVE_INFINITY) return next(args);
      if (budget <= 0) throw outOfTime();
      let timer: NodeJS.Timeout | undefined;
      const expiry = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(outOfTime()), budget);
      });
      try {
        return await Promise.race([next(args), expiry]);
      } finally {
        clearTimeout(timer);
      }
    },
    { step: 'initialize', name: 'invocationDeadlineMiddleware' },
  );
  // Runs once per attempt (after the retry middleware): no attempt leaves once time is up.
  client.middlewareStack.add(
    (next) => async (args) => {
      if (budgetMs() <= 0) throw outOfTime();
      return next(args);
    },
    { step: 'finalizeRequest', name: 'invocationDeadlineAttemptMiddleware' },
  );
}
