import type { RuntimeService } from '../declaration/types.ts';
import { httpHandler } from '../http/handle.ts';
import { typedResource } from './typed-resource.ts';

/** `DELETE /{resource}/{id}`: 204, or 404 when absent, or 412 when a precondition fails. */
export function makeHandler(service: RuntimeService) {
  const { storeOf, idOf, preconditions } = typedResource(service);
  return httpHandler(async (request) => {
    await storeOf(request).delete(idOf(request), preconditions(request));
    return { status: 204 };
  });
}
