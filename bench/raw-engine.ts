// The "raw engine" side of every scenario: the same operation sent straight to DynamoDB's
// HTTP API on loopback by the same load generator, without gateway, Lambda or handler.
import type { LoadTarget } from './load.ts';

/** Local engines check the shape of SigV4's header, not the signature. */
const AUTHORIZATION =
  'AWS4-HMAC-SHA256 Credential=LOCALBENCH/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date;x-amz-target, Signature=0000000000000000000000000000000000000000000000000000000000000000';

/** A DynamoDB JSON API call (`GetItem`, `PutItem`, `Scan`, …) as a load target. */
export function rawEngineTarget(endpoint: string, operation: string, input: unknown): LoadTarget {
  return {
    url: endpoint,
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-amz-json-1.0',
      'X-Amz-Target': `DynamoDB_20120810.${operation}`,
      'X-Amz-Date': '20260101T000000Z',
      Authorization: AUTHORIZATION,
    },
    body: JSON.stringify(input),
  };
}
