// Creates that are safe to retry, on Powertools' Idempotency utility and its DynamoDB persistence
// layer: one record per (function, caller, key) in the persistence table, in progress while the
// create runs, then holding the create's response for 24 h.
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import {
  IDEMPOTENCY_EXPIRY_SECONDS,
  IDEMPOTENCY_TABLE_KEY,
  IDEMPOTENCY_TTL_ATTRIBUTE,
} from '../declaration/idempotency.ts';
import { ConflictError, HttpError, UnprocessableContentError } from '../domain/errors.ts';
import { dynamoDbClient } from './document-client.ts';
import { remainingInvocationMs } from './invocation-deadline.ts';
import { translateSdkError } from './translate-error.ts';

/** A response as it is stored and replayed: JSON only, so that a replay is byte for byte the same body. */
export interface StoredResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
}

export interface IdempotentRequest {
  /** Whose key it is: the verified caller's `sub`, or one shared scope for a public route. */
  readonly scope: string;
  readonly key: string;
  /** The request's JSON body: a retry must send the same document (member order does not matter). */
  readonly body: unknown;
}

/**
 * Runs `create` at most once per scope and key within {@link IDEMPOTENCY_EXPIRY_SECONDS}: a
 * repeat with the same body gets the stored response, one with another body a 422, one that
 * arrives while the first still runs a 409. A failed create leaves no record, so it may be retried.
 *
 * @example
 * const once = idempotentCreates('idempotency-records');
 * const response = await once({ scope: caller.sub, key, body }, () => createAndRespond());
 */
export function idempotentCreates(tableName: string) {
  const persistenceStore = new DynamoDBPersistenceLayer({
    tableName,
    keyAttr: IDEMPOTENCY_TABLE_KEY,
    expiryAttr: IDEMPOTENCY_TTL_ATTRIBUTE,
    // The instance's client: its timeouts, retries and invocation deadline apply here too.
    awsSdkV3Client: dynamoDbClient(),
  });
  const config = new IdempotencyConfig({
    eventKeyJmesPath: '[scope, key]',
    payloadValidationJmesPath: 'body',
    expiresAfterSeconds: IDEMPOTENCY_EXPIRY_SECONDS,
    throwOnNoIdempotencyKey: true,
  });
  const once = makeIdempotent(
    async (_request: IdempotentRequest, create: () => Promise<StoredResponse>) => create(),
    // The key and the body come from the first argument; the second is the create itself.
    { persistenceStore, config, dataIndexArgument: 0 },
  );
  return async (request: IdempotentRequest, create: () => Promise<StoredResponse>) => {
    // The in-progress record expires when this invocation would time out: a create that died
    // with its instance does not lock its key for 24 h.
    const remaining = remainingInvocationMs();
    if (remaining !== undefined) config.registerLambdaContext(lambdaContextLeft(remaining));
    try {
      return (await once(request, create)) as StoredResponse;
    } catch (error) {
      throw translateIdempotencyError(error);
    }
  };
}

/** Powertools reads only the time left from the context it is given. */
function lambdaContextLeft(remainingMs: number) {
  const until = Date.now() + remainingMs;
  return { getRemainingTimeInMillis: () => Math.max(0, until - Date.now()) } as Parameters<
    IdempotencyConfig['registerLambdaContext']
  >[0];
}

/** Powertools' errors as the HTTP contract names them; the create's own errors pass unchanged. */
export function translateIdempotencyError(error: unknown): unknown {
  if (error instanceof HttpError) return error;
  const name = (error as { name?: string } | undefined)?.name;
  if (name === 'IdempotencyAlreadyInProgressError') {
    return new ConflictError(
      'A request with this Idempotency-Key is still being processed; retry it once that one has answered.',
      error,
    );
  }
  if (name === 'IdempotencyValidationError') {
    return new UnprocessableContentError(
      'This Idempotency-Key was used with another request body; send a new key for a different request.',
    );
  }
  // A persistence failure keeps the SDK's error as its cause: overload stays a 503 with Retry-After.
  const cause = (error as { cause?: unknown } | undefined)?.cause;
  if (name === 'IdempotencyPersistenceLayerError' && cause !== undefined) return translateSdkError(cause);
  return error;
}
