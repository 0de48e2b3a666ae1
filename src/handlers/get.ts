import type { RuntimeService } from '../declaration/types.ts';
import { NotFoundError, PreconditionFailedError } from '../domain/errors.ts';
import { evaluatePreconditions } from '../domain/etag.ts';
import { httpHandler } from '../http/handle.ts';
import { getItem } from '../store/resource-store.ts';
import { typedResource } from './typed-resource.ts';

/**
 * `GET /{resource}/{id}`: 200 with the item and its `ETag`, or 404; 304 (no body) when
 * `If-None-Match` lists its tag, 412 when `If-Match` does not (RFC 9110 §13.2.2).
 */
export function makeHandler(service: RuntimeService) {
  const { tableOf, idOf, preconditions } = typedResource(service);
  return httpHandler(async (request) => {
    const id = idOf(request);
    const conditions = preconditions(request);
    const found = await getItem(tableOf(request), id);
    if (!found) throw new NotFoundError(`No item has the id "${id}".`);
    const headers = { ETag: found.etag };
    const outcome = evaluatePreconditions(conditions, found.revision, 'read');
    if (outcome === 'not-modified') return { status: 304, headers };
    if (outcome === 'precondition-failed') {
      throw new PreconditionFailedError('If-Match does not match the current entity tag of the item.');
    }
    return { status: 200, headers, body: found.item };
  });
}
