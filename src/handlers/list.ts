import type { RuntimeService } from '../declaration/types.ts';
import { BadRequestError } from '../domain/errors.ts';
import { LIST_LIMIT } from '../domain/list-limit.ts';
import { httpHandler } from '../http/handle.ts';
import { listItems } from '../store/resource-store.ts';
import { typedResource } from './typed-resource.ts';

const { default: DEFAULT_LIMIT, min: MIN_LIMIT, max: MAX_LIMIT } = LIST_LIMIT;

/** `GET /{resource}?limit=&cursor=`: one page of items and the cursor of the next (or null). */
export function makeHandler(service: RuntimeService) {
  const { tableOf } = typedResource(service);
  return httpHandler(async (request) => {
    const { limit: rawLimit, cursor } = request.query;
    const limit = rawLimit === undefined ? DEFAULT_LIMIT : Number(rawLimit);
    if (!/^[0-9]{1,3}$/.test(rawLimit ?? String(DEFAULT_LIMIT)) || limit < MIN_LIMIT || limit > MAX_LIMIT) {
      throw new BadRequestError(`limit must be a whole number from ${MIN_LIMIT} to ${MAX_LIMIT}.`);
    }
    const page = await listItems(tableOf(request), limit, cursor);
    return { status: 200, body: page };
  });
}
