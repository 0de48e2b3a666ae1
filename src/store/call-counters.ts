import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** SDK error names DynamoDB answers when it refuses a request for its rate. */
const THROTTLING = new Set([
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
]);

interface Counters {
  /** Commands sent (one per `client.send`). */
  calls: number;
  /** HTTP attempts, retries included. */
  attempts: number;
  /** Attempts refused with a throttling error. */
  throttles: number;
  /** Milliseconds spent in DynamoDB calls, retries and their back-off included. */
  elapsedMs: number;
}

// One invocation at a time per function instance, so module state is the invocation's.
const counters: Counters = { calls: 0, attempts: 0, throttles: 0, elapsedMs: 0 };

/** Starts counting afresh: called at the start of each invocation. */
export function resetDynamoDbCalls(): void {
  counters.calls = 0;
  counters.attempts = 0;
  counters.throttles = 0;
  counters.elapsedMs = 0;
}

/** What DynamoDB calls the current invocation made so far. */
export function dynamoDbCalls(): Readonly<Counters> {
  return { ...counters };
}

/**
 * Adds two middlewares to a DynamoDB client: one counts and times each command, the other runs
 * inside the SDK's retry loop and counts each attempt and each throttled one — what the SDK
 * retries away is otherwise invisible to the handler.
 */
export function countDynamoDbCalls(client: DynamoDBClient): void {
  client.middlewareStack.add(
    (next) => async (args) => {
      counters.calls++;
      const started = performance.now();
      try {
        return await next(args);
      } finally {
        counters.elapsedMs += performance.now() - started;
      }
    },
    { step: 'initialize', name: 'countCalls' },
  );
  client.middlewareStack.add(
    (next) => async (args) => {
      counters.attempts++;
      try {
        return await next(args);
      } catch (error) {
        if (THROTTLING.has((error as { name?: string })?.name ?? '')) counters.throttles++;
        throw error;
      }
    },
    // Deserialize runs once per attempt, after the retry middleware; high priority wraps the
    // deserializer, which is what turns an error response into the named exception.
    { step: 'deserialize', priority: 'high', name: 'countAttempts' },
  );
}
