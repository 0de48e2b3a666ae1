import { AttributeType, Table } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { IDEMPOTENCY_TABLE_KEY, IDEMPOTENCY_TTL_ATTRIBUTE } from '#src/declaration/idempotency.ts';
import { type ServiceTableOptions, tableBasics } from './service-table.ts';

/**
 * The persistence table of idempotent creates (Powertools' layout): keyed by the record's id,
 * with DynamoDB TTL on its expiry so that records leave by themselves after their 24 h (TTL
 * deletes lazily; the handler compares the expiry itself). On-demand, encrypted and with
 * point-in-time recovery like the service tables: a table restored after an operator's mistake
 * brings back the keys of the creates it holds, so their retries still make no second item.
 *
 * @example
 * const table = createIdempotencyTable(this, 'IdempotencyTable', { removalPolicy, deletionProtection: true });
 */
export function createIdempotencyTable(scope: Construct, id: string, options: ServiceTableOptions): Table {
  return new Table(scope, id, {
    partitionKey: { name: IDEMPOTENCY_TABLE_KEY, type: AttributeType.STRING },
    timeToLiveAttribute: IDEMPOTENCY_TTL_ATTRIBUTE,
    ...tableBasics(options),
  });
}
