import {
  BadRequestError,
  ConditionFailedError,
  type HttpError,
  ServiceUnavailableError,
} from '../domain/errors.ts';

/** SDK error names that mean "DynamoDB is overloaded or failing: try again shortly". */
const TRANSIENT = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'LimitExceededException',
  'TransactionConflictException',
  'TimeoutError',
  'RequestTimeout',
  'ResourceNotFoundException',
]);
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
]);
const CLIENT_INPUT = new Set([
  'ValidationException',
  'SerializationException',
  'ItemCollectionSizeLimitExceededException',
]);

interface SdkLikeError {
  name?: string;
  code?: string;
  message?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number };
}

/**
 * Turns an error thrown by the AWS SDK into the project's own errors, so that nothing above
 * the store knows SDK error names. Unknown errors are returned unchanged (they become a 500).
 */
export function translateSdkError(error: unknown): Error {
  const e = (typeof error === 'object' && error !== null ? error : {}) as SdkLikeError;
  const name = e.name ?? '';
  if (name === 'ConditionalCheckFailedException') return new ConditionFailedError(error);
  if (TRANSIENT.has(name) || NETWORK_CODES.has(e.code ?? '') || (e.$metadata?.httpStatusCode ?? 0) >= 500) {
    return unavailable(error);
  }
  // Our fault, not the client's: a generic 500, with DynamoDB's message (action, resource) in the log.
  if (name === 'AccessDeniedException') return error instanceof Error ? error : new Error(String(error));
  if (CLIENT_INPUT.has(name) || e.$fault === 'client') {
    return new BadRequestError(e.message ?? 'DynamoDB rejected the request.', undefined, error);
  }
  return error instanceof Error ? error : new Error(String(error));
}

const unavailable = (cause: unknown): HttpError =>
  new ServiceUnavailableError('The database is unavailable or busy; retry shortly.', 1, cause);

/** Runs one SDK call and translates what it throws. */
export async function callDynamoDb<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw translateSdkError(error);
  }
}
