import type { RuntimeService } from '../declaration/types.ts';
import { BadRequestError, type FieldError, ForbiddenError } from '../domain/errors.ts';
import { loadConfig } from '../http/config.ts';
import { httpHandler } from '../http/handle.ts';
import { readJsonBody } from '../http/request.ts';
import {
  MANAGER_ITEM_ENVELOPE,
  MANAGER_PAYLOAD_MEMBER,
  MANAGER_REQUEST_OPERATIONS,
  type ManagerOperation,
  type ManagerRequestOperation,
  managerStore,
} from '../store/manager-store.ts';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const kindOf = (value: unknown) => (Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value);

/** The request's operation, table and payload, checked (a few lines instead of a schema library). */
function parseRequest(body: unknown): {
  operation: ManagerRequestOperation;
  tableName?: string;
  payload?: unknown;
} {
  if (!isRecord(body)) {
    throw new BadRequestError('The request is not a DynamoDBManager request.', [
      { path: '', message: `Invalid input: expected object, received ${kindOf(body)}` },
    ]);
  }
  const errors: FieldError[] = [];
  const { operation, tableName, payload } = body;
  if (!MANAGER_REQUEST_OPERATIONS.includes(operation as ManagerRequestOperation))
    errors.push({
      path: 'operation',
      message: `operation must be one of ${MANAGER_REQUEST_OPERATIONS.join(', ')}`,
    });
  if (tableName !== undefined && typeof tableName !== 'string')
    errors.push({
      path: 'tableName',
      message: `Invalid input: expected string, received ${kindOf(tableName)}`,
    });
  if (errors.length > 0) throw new BadRequestError('The request is not a DynamoDBManager request.', errors);
  return {
    operation: operation as ManagerRequestOperation,
    ...(typeof tableName === 'string' ? { tableName } : {}),
    payload,
  };
}

/** An operation's payload, checked: an object, with its `Item` or `Key` an object. */
function checkPayload(operation: ManagerOperation, payload: unknown): Record<string, unknown> {
  const member: string | undefined = MANAGER_PAYLOAD_MEMBER[operation];
  const problem: FieldError | undefined = !isRecord(payload)
    ? { path: 'payload', message: `Invalid input: expected record, received ${kindOf(payload)}` }
    : member && !isRecord(payload[member])
      ? {
          path: `payload.${member}`,
          message: `Invalid input: expected record, received ${kindOf(payload[member])}`,
        }
      : undefined;
  if (problem) throw new BadRequestError(`The payload of "${operation}" is not valid.`, [problem]);
  // Declared tables have no secondary indexes, and the function's role grants its table only, so
  // IAM would deny the index's ARN before DynamoDB could judge the request (a 500 for our policy).
  // The request is the client's mistake: answered as DynamoDB answers it for a missing index.
  const checked = payload as Record<string, unknown>;
  if ('IndexName' in checked) {
    throw new BadRequestError(`The table does not have the specified index: ${String(checked.IndexName)}`);
  }
  return checked;
}

/**
 * `POST /DynamoDBManager`: the tutorial's operation-in-the-body service, restricted to its own
 * table. Any Content-Type is read as JSON, as the tutorial's clients (curl -d) rely on.
 */
export function makeHandler(service: RuntimeService) {
  const { tableName } = loadConfig();
  const store = managerStore({ tableName });
  const allowedNames = new Set([tableName, service.table.name]);
  return httpHandler(async (httpRequest) => {
    const {
      operation,
      tableName: requestedTable,
      payload,
    } = parseRequest(readJsonBody(httpRequest, { envelope: MANAGER_ITEM_ENVELOPE }));
    if (requestedTable !== undefined && !allowedNames.has(requestedTable)) {
      throw new ForbiddenError(`This service works on its own table only, not on "${requestedTable}".`);
    }
    if (operation === 'echo') return { status: 200, body: payload ?? null };
    if (operation === 'ping') return { status: 200, body: 'pong' };
    const checked = checkPayload(operation, payload ?? {});
    if ('TableName' in checked) throw new ForbiddenError('The payload must not name a table (TableName).');
    return { status: 200, body: await store.run(operation, checked) };
  });
}
