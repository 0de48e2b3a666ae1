import type { ServiceDeclaration } from '../declaration/types.ts';
import { etagOf } from '../domain/etag.ts';
import { validateFields } from '../domain/item.ts';
import { httpHandler } from '../http/handle.ts';
import { readJsonBody } from '../http/request.ts';
import type { WriteCondition } from '../store/item-write.ts';
import { JSON_BODY, typedResource } from './typed-resource.ts';

/**
 * `PUT /{resource}/{id}`: replaces the item (200) or creates it with the client's id (201).
 * `If-Match` guards a replace, `If-None-Match: *` guards a create; otherwise 412.
 */
export function makeHandler(service: ServiceDeclaration) {
  const { schema, store, idOf, ifMatch, ifNoneMatch, location } = typedResource(service);
  return httpHandler(async (request) => {
    const id = idOf(request);
    const match = ifMatch(request);
    const noneMatch = ifNoneMatch(request);
    const fields = validateFields(schema, readJsonBody(request, JSON_BODY));
    const condition: WriteCondition = match
      ? { kind: 'if-match', precondition: match }
      : noneMatch?.any
        ? { kind: 'absent' }
        : { kind: 'none' };
    const { item, created } = await store.replace(id, fields, condition);
    const headers = { ETag: etagOf(item.version), ...(created ? { Location: location(request, id) } : {}) };
    return { status: created ? 201 : 200, headers, body: item };
  });
}
