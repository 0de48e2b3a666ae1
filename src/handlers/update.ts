import type { RuntimeService } from '../declaration/types.ts';
import { clientFields } from '../domain/item.ts';
import { applyMergePatch } from '../domain/merge-patch.ts';
import { httpHandler } from '../http/handle.ts';
import { readJsonBody } from '../http/request.ts';
import { updateItem } from '../store/resource-store.ts';
import { MERGE_PATCH_BODY, typedResource } from './typed-resource.ts';

/**
 * `PATCH /{resource}/{id}`: applies a JSON Merge Patch (RFC 7396). The patch is checked before
 * any read (unknown or system fields, wrong types), the merged item after it (e.g. a required
 * field set to null).
 */
export function makeHandler(service: RuntimeService) {
  const { checkItem, checkPatch, tableOf, idOf, preconditions } = typedResource(service);
  return httpHandler(async (request) => {
    const id = idOf(request);
    const conditions = preconditions(request);
    const changes = checkPatch(readJsonBody(request, MERGE_PATCH_BODY));
    const { item, etag } = await updateItem(tableOf(request), id, conditions, (current) =>
      checkItem(applyMergePatch(clientFields(current), changes)),
    );
    return { status: 200, headers: { ETag: etag }, body: item };
  });
}
