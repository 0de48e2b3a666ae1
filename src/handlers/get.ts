import type { ServiceDeclaration } from '../declaration/types.ts';
import { NotFoundError } from '../domain/errors.ts';
import { etagOf } from '../domain/etag.ts';
import { httpHandler } from '../http/handle.ts';
import { typedResource } from './typed-resource.ts';

/** `GET /{resource}/{id}`: 200 with the item and its `ETag`, or 404. */
export function makeHandler(service: ServiceDeclaration) {
  const { store, idOf } = typedResource(service);
  return httpHandler(async (request) => {
    const id = idOf(request);
    const item = await store.get(id);
    if (!item) throw new NotFoundError(`No item has the id "${id}".`);
    return { status: 200, headers: { ETag: etagOf(item.version) }, body: item };
  });
}
