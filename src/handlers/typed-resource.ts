import { bodyMediaTypes } from '../declaration/api-settings.ts';
import type { RuntimeService } from '../declaration/types.ts';
import { BadRequestError } from '../domain/errors.ts';
import { type Preconditions, parseTagList } from '../domain/etag.ts';
import { ID_PATTERN } from '../domain/item.ts';
import { loadConfig } from '../http/config.ts';
import type { HttpRequest } from '../http/request.ts';
import type { ResourceTable } from '../store/resource-store.ts';

/** Media types a typed resource accepts for full bodies, and for merge patches. */
export const JSON_BODY = { mediaTypes: bodyMediaTypes('PUT'), storableNumbers: true } as const;
export const MERGE_PATCH_BODY = { mediaTypes: bodyMediaTypes('PATCH'), storableNumbers: true } as const;

/**
 * What every operation of a typed resource shares, built once per function instance:
 * its item and patch validators, its table (per caller when owner-scoped) and the helpers that read ids and
 * preconditions.
 */
export function typedResource(service: RuntimeService) {
  const { fields } = service;
  if (!fields) throw new Error(`${service.name} is not a typed resource: it declares no itemSchema`);
  const missing = (name: string) => () => {
    throw new Error(`${service.name}: this function's bundle carries no ${name} validator`);
  };
  const item = service.item ?? missing('item');
  const patch = service.patch ?? missing('patch');
  const config = loadConfig();
  const shared: ResourceTable = { tableName: config.tableName, fields };
  return {
    /** Checks a full item's client fields (400 otherwise). */
    checkItem: item,
    /** Checks a merge patch (400 otherwise). */
    checkPatch: patch,
    /**
     * The table a request may use: the whole table, or for an owner-scoped resource only the
     * caller's own items (the owner is the verified caller, never anything the client sent).
     */
    tableOf(request: HttpRequest): ResourceTable {
      if (!service.ownerScoped) return shared;
      if (!request.caller) throw new Error(`${service.name} is owner-scoped but the request has no caller`);
      return { ...shared, owner: request.caller.sub };
    },
    /** The `{id}` path parameter, checked: URL-safe characters only. */
    idOf(request: HttpRequest): string {
      const id = request.pathParameters.id ?? '';
      if (!ID_PATTERN.test(id)) {
        throw new BadRequestError('The id must be 1–128 characters of A–Z, a–z, 0–9, "_" or "-".');
      }
      return id;
    },
    /** `If-Match` and `If-None-Match`, parsed (a malformed one is a 400). */
    preconditions(request: HttpRequest): Preconditions {
      const ifMatch = parseTagList(request.header('if-match'), 'If-Match');
      const ifNoneMatch = parseTagList(request.header('if-none-match'), 'If-None-Match');
      return { ...(ifMatch ? { ifMatch } : {}), ...(ifNoneMatch ? { ifNoneMatch } : {}) };
    },
    location: (request: HttpRequest, id: string) => `${request.basePath}/${service.name}/${id}`,
  };
}
