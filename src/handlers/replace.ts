import type { RuntimeService } from '../declaration/types.ts';
import { httpHandler } from '../http/handle.ts';
import { readJsonBody } from '../http/request.ts';
import { replaceItem } from '../store/resource-store.ts';
import { JSON_BODY, typedResource } from './typed-resource.ts';

/**
 * `PUT /{resource}/{id}`: replaces the item (200) or creates it with the client's id (201).
 * `If-Match` and `If-None-Match` are checked by DynamoDB with the write; 412 when one fails.
 */
export function makeHandler(service: RuntimeService) {
  const { checkItem, tableOf, idOf, preconditions, location } = typedResource(service);
  return httpHandler(async (request) => {
    const id = idOf(request);
    const conditions = preconditions(request);
    const fields = checkItem(readJsonBody(request, JSON_BODY));
    const { item, etag, created } = await replaceItem(tableOf(request), id, fields, conditions);
    const headers = { ETag: etag, ...(created ? { Location: location(request, id) } : {}) };
    return { status: created ? 201 : 200, headers, body: item };
  });
}
