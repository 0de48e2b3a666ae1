import { IDEMPOTENCY_MODE_ENV, IDEMPOTENCY_TABLE_ENV } from '../declaration/idempotency.ts';
import type { IdempotencyMode, RuntimeService } from '../declaration/types.ts';
import { newId } from '../domain/item.ts';
import { httpHandler } from '../http/handle.ts';
import { idempotencyKeyOf, scopeOf } from '../http/idempotency-key.ts';
import { readJsonBody } from '../http/request.ts';
import { idempotentCreates } from '../store/idempotent-create.ts';
import { createItem } from '../store/resource-store.ts';
import { JSON_BODY, typedResource } from './typed-resource.ts';

/**
 * `POST /{resource}`: 201 with the new item, its `Location` and `ETag`. With an `Idempotency-Key`
 * a retry of the same request gets that first response again instead of a second item.
 */
export function makeHandler(service: RuntimeService) {
  const { checkItem, tableOf, location } = typedResource(service);
  const mode = process.env[IDEMPOTENCY_MODE_ENV] as IdempotencyMode | undefined;
  const tableName = process.env[IDEMPOTENCY_TABLE_ENV];
  const once =
    mode && tableName
      ? idempotentCreates(tableName, process.env.AWS_LAMBDA_FUNCTION_NAME ?? `${service.name}-create`)
      : undefined;
  return httpHandler(async (request) => {
    const key = once ? idempotencyKeyOf(request, mode ?? 'optional') : undefined;
    const body = readJsonBody(request, JSON_BODY);
    const fields = checkItem(body);
    const create = async () => {
      const { item, etag } = await createItem(tableOf(request), newId(), fields);
      return {
        status: 201,
        headers: { Location: location(request, item.id), ETag: etag },
        body: item,
      };
    };
    return once && key !== undefined ? once({ scope: scopeOf(request), key, body }, create) : create();
  });
}
