import type { ServiceDeclaration } from '../declaration/types.ts';
import { validateFields } from '../domain/item.ts';
import { httpHandler } from '../http/handle.ts';
import { readJsonBody } from '../http/request.ts';
import { JSON_BODY, typedResource } from './typed-resource.ts';

/** `POST /{resource}`: 201 with the new item, its `Location` and `ETag`. */
export function makeHandler(service: ServiceDeclaration) {
  const { schema, storeOf, location } = typedResource(service);
  return httpHandler(async (request) => {
    const fields = validateFields(schema, readJsonBody(request, JSON_BODY));
    const { item, etag } = await storeOf(request).create(fields);
    return {
      status: 201,
      headers: { Location: location(request, item.id), ETag: etag },
      body: item,
    };
  });
}
