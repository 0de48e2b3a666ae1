import type { RuntimeService } from '../declaration/types.ts';
import { newId } from '../domain/item.ts';
import { httpHandler } from '../http/handle.ts';
import { readJsonBody } from '../http/request.ts';
import { createItem } from '../store/resource-store.ts';
import { JSON_BODY, typedResource } from './typed-resource.ts';

/** `POST /{resource}`: 201 with the new item, its `Location` and `ETag`. */
export function makeHandler(service: RuntimeService) {
  const { checkItem, tableOf, location } = typedResource(service);
  return httpHandler(async (request) => {
    const fields = checkItem(readJsonBody(request, JSON_BODY));
    const { item, etag } = await createItem(tableOf(request), newId(), fields);
    return {
      status: 201,
      headers: { Location: location(request, item.id), ETag: etag },
      body: item,
    };
  });
}
