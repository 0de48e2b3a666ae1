import { z } from 'zod';
import type { ServiceDeclaration } from '../declaration/types.ts';
import { BadRequestError, ForbiddenError } from '../domain/errors.ts';
import { toFieldErrors } from '../domain/item.ts';
import { loadConfig } from '../http/config.ts';
import { httpHandler } from '../http/handle.ts';
import { readJsonBody } from '../http/request.ts';
import { MANAGER_OPERATIONS, managerStore } from '../store/manager-store.ts';

const record = z.record(z.string(), z.unknown());
const request = z.object({
  operation: z.enum([...MANAGER_OPERATIONS, 'echo', 'ping'], {
    error: `operation must be one of ${[...MANAGER_OPERATIONS, 'echo', 'ping'].join(', ')}`,
  }),
  tableName: z.string().optional(),
  payload: z.unknown().optional(),
});
const payloads = {
  create: z.looseObject({ Item: record }),
  read: z.looseObject({ Key: record }),
  update: z.looseObject({ Key: record }),
  delete: z.looseObject({ Key: record }),
  list: record,
} as const;

/**
 * `POST /DynamoDBManager`: the tutorial's operation-in-the-body service, restricted to its own
 * table. Any Content-Type is read as JSON, as the tutorial's clients (curl -d) rely on.
 */
export function makeHandler(service: ServiceDeclaration) {
  const { tableName } = loadConfig();
  const store = managerStore({ tableName });
  const allowedNames = new Set([tableName, service.table.name]);
  return httpHandler(async (httpRequest) => {
    const parsed = request.safeParse(readJsonBody(httpRequest));
    if (!parsed.success)
      throw new BadRequestError(
        'The request is not a DynamoDBManager request.',
        toFieldErrors(parsed.error.issues),
      );
    const { operation, tableName: requestedTable, payload } = parsed.data;
    if (requestedTable !== undefined && !allowedNames.has(requestedTable)) {
      throw new ForbiddenError(`This service works on its own table only, not on "${requestedTable}".`);
    }
    if (operation === 'echo') return { status: 200, body: payload ?? null };
    if (operation === 'ping') return { status: 200, body: 'pong' };
    const checked = payloads[operation].safeParse(payload ?? {});
    if (!checked.success) {
      const errors = toFieldErrors(checked.error.issues).map((e) => ({
        ...e,
        path: `payload${e.path ? `.${e.path}` : ''}`,
      }));
      throw new BadRequestError(`The payload of "${operation}" is not valid.`, errors);
    }
    if ('TableName' in checked.data)
      throw new ForbiddenError('The payload must not name a table (TableName).');
    return { status: 200, body: await store.run(operation, checked.data) };
  });
}
