import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { ConditionFailedError, ConflictError } from '../domain/errors.ts';
import { documentClient, UNMARSHALL_OPTIONS } from './document-client.ts';
import { translateSdkError } from './translate-error.ts';

/** The DynamoDB operations of the tutorial's service, each one document-client command. */
export const MANAGER_OPERATIONS = ['create', 'read', 'update', 'delete', 'list'] as const;
export type ManagerOperation = (typeof MANAGER_OPERATIONS)[number];

/** What a DynamoDBManager body may name: the DynamoDB operations, and two answered without DynamoDB. */
export const MANAGER_REQUEST_OPERATIONS = [...MANAGER_OPERATIONS, 'echo', 'ping'] as const;
export type ManagerRequestOperation = (typeof MANAGER_REQUEST_OPERATIONS)[number];

/** The member each operation's payload must carry as an object (`list` takes its payload as it is). */
export const MANAGER_PAYLOAD_MEMBER = {
  create: 'Item',
  read: 'Key',
  update: 'Key',
  delete: 'Key',
  list: undefined,
} as const satisfies Record<ManagerOperation, string | undefined>;

/**
 * Levels of a DynamoDBManager body around the items it carries: the request, its payload and the
 * payload's `Item` (or `Key`, `ExpressionAttributeValues`, `ExclusiveStartKey`).
 */
export const MANAGER_ITEM_ENVELOPE = 3;

/**
 * The problem member that carries the stored item DynamoDB returns with a failed condition when
 * the payload asked for it (`ReturnValuesOnConditionCheckFailure: "ALL_OLD"`): named as the
 * exception's member and as `read` answers an item.
 */
export const CONDITION_FAILED_ITEM_MEMBER = 'Item';

const COMMANDS = {
  create: PutCommand,
  read: GetCommand,
  update: UpdateCommand,
  delete: DeleteCommand,
  list: ScanCommand,
} as const;

export interface ManagerStoreOptions {
  readonly tableName: string;
  readonly client?: DynamoDBDocumentClient;
}

/**
 * Runs a tutorial operation with the client's payload as the command input, always on the
 * configured table. Returns DynamoDB's response without the SDK's `$metadata`.
 */
export function managerStore({ tableName, client }: ManagerStoreOptions) {
  return {
    async run(
      operation: ManagerOperation,
      payload: Record<string, unknown>,
    ): Promise<Record<string, unknown>> {
      const Command = COMMANDS[operation];
      // The payload's shape is DynamoDB's to judge: it answers 400 with its reason if wrong.
      const input = { ...payload, TableName: tableName } as ConstructorParameters<typeof Command>[0];
      try {
        const { $metadata: _metadata, ...output } = await (client ?? documentClient()).send(
          new (Command as typeof PutCommand)(input as ConstructorParameters<typeof PutCommand>[0]),
        );
        return output;
      } catch (error) {
        throw managerError(error);
      }
    },
  };
}

function managerError(error: unknown): Error {
  // The client wrote this request: DynamoDB's rejection of it is the client's 400.
  const translated = translateSdkError(error, { clientWroteRequest: true });
  if (!(translated instanceof ConditionFailedError)) return translated;
  // DynamoDB's own message, and the item it returned with the error (the SDK leaves it in
  // DynamoDB's attribute-value form: the document client converts outputs only, not errors).
  const { message, Item } = error as { message?: string; Item?: Record<string, AttributeValue> };
  return new ConflictError(
    message || 'The conditional request failed',
    error,
    Item ? { [CONDITION_FAILED_ITEM_MEMBER]: unmarshall(Item, { ...UNMARSHALL_OPTIONS }) } : undefined,
  );
}
