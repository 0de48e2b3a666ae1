import {
  BadRequestError,
  ConditionFailedError,
  InternalError,
  PayloadTooLargeError,
  ServiceUnavailableError,
} from '../domain/errors.ts';
import { MAX_ITEM_BYTES } from '../domain/item-size.ts';

/** SDK error names and network codes that mean "DynamoDB is overloaded or unreachable: retry". */
export const UNAVAILABLE = {
  names: [
    'ProvisionedThroughputExceededException',
    'ThrottlingException',
    'RequestLimitExceeded',
    'InternalServerError',
    'ServiceUnavailable',
    'ServiceUnavailableException',
    'TimeoutError',
    'RequestTimeout',
    'RequestTimeoutException',
    'TransactionConflictException',
    'ReplicatedWriteConflictException',
  ],
  networkCodes: [
    'ECONNREFUSED',
    'ECONNRESET',
    'ETIMEDOUT',
    'EPIPE',
    'EHOSTUNREACH',
    'ENOTFOUND',
    'EAI_AGAIN',
  ],
} as const;

/**
 * SDK error names that are our fault whoever wrote the request: permissions, credentials, a
 * missing table or index, our own account's limits. Listed for the tests and the reader; any
 * name not known here is treated the same way (500).
 */
export const OUR_FAULT = [
  'AccessDeniedException',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'IncompleteSignatureException',
  'MissingAuthenticationTokenException',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'CredentialsProviderError',
  'TokenProviderError',
  'ResourceNotFoundException',
  'ResourceInUseException',
  'LimitExceededException',
  'ItemCollectionSizeLimitExceededException',
  'InvalidEndpointException',
] as const;

/** Rejections of the request's content, the client's mistake only when the client wrote it. */
export const REQUEST_REJECTED = ['ValidationException', 'SerializationException'] as const;

// DynamoDB's words for an item over 400 KB, and for a number it cannot hold.
const ITEM_TOO_LARGE = /item size (to update )?has exceeded/i;
const NUMBER_OUT_OF_RANGE = /number overflow|number underflow|significant digits/i;
// What the document client throws when a value cannot become a DynamoDB attribute value
// (@aws-sdk/util-dynamodb's marshalling errors); thrown before any request is sent.
const MARSHALLING = [
  /^Special numeric value .* is not allowed/,
  /Use NumberValue from @aws-sdk\/lib-dynamodb/,
  /^Unsupported type passed: .*convertClassInstanceToMap/,
  /^Pass options\.removeUndefinedValues=true/,
  /^Pass a non-empty set/,
  /^Only Number Set \(NS\), Binary Set \(BS\) or String Set \(SS\)/,
];

export interface TranslateOptions {
  /**
   * Whether the client wrote the DynamoDB request (DynamoDBManager passes its payload on):
   * then DynamoDB's rejection of it is the client's 400. Typed resources build their own
   * requests, so a rejection there is our bug: 500.
   */
  readonly clientWroteRequest?: boolean;
}

interface SdkLikeError {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

/**
 * Turns an error thrown by the AWS SDK into the project's own errors, so that nothing above
 * the store knows SDK error names. Only the request's own mistakes become 4xx: overload and
 * outages are a 503 with Retry-After, everything else (permissions, credentials, a missing
 * table, unknown errors) is a generic 500 with the cause kept for the log.
 */
export function translateSdkError(
  error: unknown,
  { clientWroteRequest = false }: TranslateOptions = {},
): Error {
  const e = (typeof error === 'object' && error !== null ? error : {}) as SdkLikeError;
  const name = e.name ?? '';
  const message = e.message ?? '';
  if (name === 'ConditionalCheckFailedException') return new ConditionFailedError(error);
  if (
    (UNAVAILABLE.names as readonly string[]).includes(name) ||
    (UNAVAILABLE.networkCodes as readonly string[]).includes(e.code ?? '') ||
    e.$metadata?.httpStatusCode === 503
  ) {
    return new ServiceUnavailableError('The database is unavailable or busy; retry shortly.', 1, error);
  }
  // A request the client wrote gets DynamoDB's own words back, unchanged (design §5).
  if (name === 'ValidationException' && ITEM_TOO_LARGE.test(message)) {
    return new PayloadTooLargeError(
      clientWroteRequest ? message : `The item would be over DynamoDB's limit of ${MAX_ITEM_BYTES} bytes.`,
      error,
    );
  }
  if (name === 'ValidationException' && NUMBER_OUT_OF_RANGE.test(message)) {
    return new BadRequestError(
      clientWroteRequest ? message : `DynamoDB cannot store a number of the request: ${message}`,
      undefined,
      error,
    );
  }
  if (e.$metadata === undefined && MARSHALLING.some((pattern) => pattern.test(message))) {
    return new BadRequestError(
      `A value of the request cannot be stored in DynamoDB: ${message}`,
      undefined,
      error,
    );
  }
  if (clientWroteRequest && (REQUEST_REJECTED as readonly string[]).includes(name)) {
    return new BadRequestError(message || 'DynamoDB rejected the request.', undefined, error);
  }
  return new InternalError('The database request failed.', error);
}

/** Runs one SDK call and translates what it throws. */
export async function callDynamoDb<T>(call: () => Promise<T>, options?: TranslateOptions): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw translateSdkError(error, options);
  }
}
