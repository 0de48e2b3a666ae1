import type { RuntimeService } from '../declaration/types.ts';
import { BadRequestError } from '../domain/errors.ts';
import { indexQuery } from '../domain/index-query.ts';
import { LIST_LIMIT } from '../domain/list-limit.ts';
import { httpHandler } from '../http/handle.ts';
import { queryIndex } from '../store/query-index.ts';
import { listItems } from '../store/resource-store.ts';
import { typedResource } from './typed-resource.ts';

const { default: DEFAULT_LIMIT, min: MIN_LIMIT, max: MAX_LIMIT } = LIST_LIMIT;

/**
 * `GET /{resource}?limit=&cursor=`: one page of items and the cursor of the next (or null).
 * With filters (`?status=pending&createdAt[gte]=…`), one Query of the declared index they name.
 */
export function makeHandler(service: RuntimeService) {
  const { tableOf } = typedResource(service);
  const indexes = service.table.indexes ?? [];
  return httpHandler(async (request) => {
    const { limit: rawLimit, cursor } = request.query;
    const limit = rawLimit === undefined ? DEFAULT_LIMIT : Number(rawLimit);
    if (!/^[0-9]{1,3}$/.test(rawLimit ?? String(DEFAULT_LIMIT)) || limit < MIN_LIMIT || limit > MAX_LIMIT) {
      throw new BadRequestError(`limit must be a whole number from ${MIN_LIMIT} to ${MAX_LIMIT}.`);
    }
    const filter = indexQuery(indexes, request.query);
    const table = tableOf(request);
    const page = filter
      ? await queryIndex(table, filter, limit, cursor)
      : await listItems(table, limit, cursor);
    return { status: 200, body: page };
  });
}
