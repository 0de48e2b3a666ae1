// What a DynamoDB API request asks for, in IAM's terms: who signed it, which actions on which ARNs.

/** One permission a request needs: `dynamodb:<Action>` on one resource ARN. */
export interface RequiredPermission {
  readonly action: string;
  readonly resource: string;
}

export interface DynamoDbRequest {
  /** The access key of the SigV4 `Authorization` header, or null when unsigned. */
  readonly accessKeyId: string | null;
  /** The API operation from `X-Amz-Target`, e.g. `GetItem`; null when absent. */
  readonly operation: string | null;
  readonly required: readonly RequiredPermission[];
  /** Tables the request names, for fault rules scoped to a table. */
  readonly tables: readonly string[];
}

type Json = Record<string, unknown>;
const TRANSACT_WRITE_ACTIONS: Record<string, string> = {
  Put: 'PutItem',
  Update: 'UpdateItem',
  Delete: 'DeleteItem',
  ConditionCheck: 'ConditionCheckItem',
};

/**
 * Reads a DynamoDB JSON-protocol request (`X-Amz-Target: DynamoDB_20120810.<Operation>`). Batch
 * operations need their action on every table they name; a transaction needs each item's own
 * action (`PutItem`, `GetItem`, …) on its table; a query on an index needs the index's ARN.
 *
 * @example
 * readDynamoDbRequest(headers, '{"TableName":"products"}', { region: 'us-east-1', accountId: '000000000000' });
 */
export function readDynamoDbRequest(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  body: string,
  account: { readonly region: string; readonly accountId: string },
): DynamoDbRequest {
  const authorization = String(headers.authorization ?? '');
  const accessKeyId = /Credential=([^/,\s]+)\//.exec(authorization)?.[1] ?? null;
  const operation = /^DynamoDB_\d+\.(\w+)$/.exec(String(headers['x-amz-target'] ?? ''))?.[1] ?? null;
  let input: Json = {};
  try {
    const parsed: unknown = JSON.parse(body || '{}');
    if (typeof parsed === 'object' && parsed !== null) input = parsed as Json;
  } catch {
    // The engine answers a malformed body with its own SerializationException.
  }
  const tableArn = (table: string) =>
    `arn:aws:dynamodb:${account.region}:${account.accountId}:table/${table}`;
  const required: RequiredPermission[] = [];
  const need = (action: string, table: unknown, index?: unknown) => {
    const name = typeof table === 'string' ? table : '*';
    const suffix = typeof index === 'string' ? `/index/${index}` : '';
    required.push({ action: `dynamodb:${action}`, resource: `${tableArn(name)}${suffix}` });
  };
  if (operation === null) return { accessKeyId, operation, required, tables: [] };
  if (operation === 'BatchGetItem' || operation === 'BatchWriteItem') {
    for (const table of Object.keys((input.RequestItems as Json | undefined) ?? {})) need(operation, table);
  } else if (operation === 'TransactWriteItems' || operation === 'TransactGetItems') {
    for (const item of (input.TransactItems as Json[] | undefined) ?? []) {
      for (const [kind, request] of Object.entries(item ?? {})) {
        const action = operation === 'TransactGetItems' ? 'GetItem' : (TRANSACT_WRITE_ACTIONS[kind] ?? kind);
        need(action, (request as Json | undefined)?.TableName);
      }
    }
  } else if (operation === 'ListTables') {
    required.push({ action: 'dynamodb:ListTables', resource: '*' });
  } else {
    need(operation, input.TableName, input.IndexName);
  }
  const tables = [
    ...new Set(required.map((r) => r.resource.split(':table/')[1]?.split('/')[0] ?? '')),
  ].filter((t) => t !== '');
  return { accessKeyId, operation, required, tables };
}
