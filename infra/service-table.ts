import type { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import type { IndexKeyAttribute, ServiceDeclaration } from '#src/declaration/types.ts';

export interface ServiceTableOptions {
  /** RETAIN for real stacks, DESTROY for a throwaway dev stack. */
  readonly removalPolicy: RemovalPolicy;
  /** Off only for a throwaway dev stack, so that `cdk destroy` can delete the table. */
  readonly deletionProtection: boolean;
}

/**
 * What every table of the stack is, the service tables and the idempotency table alike:
 * on-demand, with point-in-time recovery, encrypted under the AWS managed key.
 */
export function tableBasics(options: ServiceTableOptions) {
  return {
    billingMode: BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    encryption: TableEncryption.AWS_MANAGED,
    deletionProtection: options.deletionProtection,
    removalPolicy: options.removalPolicy,
  } as const;
}

/**
 * A service's table: keyed by the declared partition key and, if declared, sort key (both
 * strings; an owner-scoped resource's `owner` and `id`), on-demand, with
 * point-in-time recovery and encryption at rest under the AWS managed key `aws/dynamodb`
 * (auditable in CloudTrail, with no key policy or key lifecycle to manage). CloudFormation
 * names it; handlers learn the name from `TABLE_NAME`.
 *
 * @example
 * const table = createServiceTable(this, 'Table', products, { removalPolicy: RemovalPolicy.RETAIN, deletionProtection: true });
 */
export function createServiceTable(
  scope: Construct,
  id: string,
  service: ServiceDeclaration,
  options: ServiceTableOptions,
): Table {
  const { partitionKey, sortKey, indexes = [] } = service.table;
  const table = new Table(scope, id, {
    partitionKey: { name: partitionKey, type: AttributeType.STRING },
    ...(sortKey ? { sortKey: { name: sortKey, type: AttributeType.STRING } } : {}),
    ...tableBasics(options),
  });
  // Global, not local, secondary indexes: CloudFormation adds a GSI to a deployed table in place,
  // where a new LSI would mean replacing the table (and its data).
  for (const index of indexes) {
    table.addGlobalSecondaryIndex({
      indexName: index.name,
      partitionKey: cdkAttribute(index.key.hash),
      ...(index.key.range ? { sortKey: cdkAttribute(index.key.range) } : {}),
      projectionType: ProjectionType.ALL,
    });
  }
  return table;
}

const cdkAttribute = ({ attribute, type }: IndexKeyAttribute) => ({
  name: attribute,
  type: type === 'number' ? AttributeType.NUMBER : AttributeType.STRING,
});
