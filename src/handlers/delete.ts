import type { RuntimeService } from '../declaration/types.ts';
import { httpHandler } from '../http/handle.ts';
import { deleteItem } from '../store/resource-store.ts';
import { typedResource } from './typed-resource.ts';

/** `DELETE /{resource}/{id}`: 204, or 404 when absent, or 412 when a precondition fails. */
export function makeHandler(service: RuntimeService) {
  const { tableOf, idOf, preconditions } = typedResource(service);
  return httpHandler(async (request) => {
    await deleteItem(tableOf(request), idOf(request), preconditions(request));
    return { status: 204 };
  });
}
