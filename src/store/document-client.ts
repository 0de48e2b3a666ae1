import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { countDynamoDbCalls } from './call-counters.ts';
import { boundByInvocationDeadline } from './invocation-deadline.ts';

let shared: DynamoDBDocumentClient | undefined;
let sharedLow: DynamoDBClient | undefined;

/** The low-level client under {@link documentClient}: for libraries that send their own commands. */
export function dynamoDbClient(): DynamoDBClient {
  documentClient();
  return sharedLow as DynamoDBClient;
}

/**
 * Numbers are read back as plain numbers, never as BigInt (which JSON cannot serialise); the
 * request bodies were checked against DynamoDB's limits before they were written.
 */
export const UNMARSHALL_OPTIONS = { wrapNumbers: (text: string) => Number(text) } as const;

/**
 * Undefined values are left out; numbers DynamoDB stores but a double holds only approximately
 * (1e20) are sent as the double's shortest text. Shared with the local console's item editor.
 */
export const MARSHALL_OPTIONS = { removeUndefinedValues: true, allowImpreciseNumbers: true } as const;

/**
 * The document client of this function instance, created on first use and reused by every
 * invocation (connections stay warm). Region, credentials and endpoint come from the standard
 * AWS environment (`AWS_REGION`, `AWS_ENDPOINT_URL_DYNAMODB` locally).
 */
export function documentClient(): DynamoDBDocumentClient {
  if (shared) return shared;
  const client = new DynamoDBClient({
    maxAttempts: 3,
    // Fail over to a 503 well within the function timeout instead of hanging on a dead endpoint:
    // an attempt that gets no answer ends (without throwOnRequestTimeout the SDK only warns and
    // waits on), and boundByInvocationDeadline keeps all attempts inside the invocation.
    requestHandler: { connectionTimeout: 1_000, requestTimeout: 3_000, throwOnRequestTimeout: true },
  });
  sharedLow = client;
  boundByInvocationDeadline(client);
  // Throttles and retries become metrics of the invocation (src/http/metrics.ts).
  countDynamoDbCalls(client);
  shared = DynamoDBDocumentClient.from(client, {
    marshallOptions: { ...MARSHALL_OPTIONS },
    // A copy: the document client writes its own defaults into the options object it is given.
    unmarshallOptions: { ...UNMARSHALL_OPTIONS },
  });
  return shared;
}
