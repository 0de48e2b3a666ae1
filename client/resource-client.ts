import type { Client } from 'openapi-fetch';
import { PreconditionFailedError, toProblemError } from './problem.ts';
import { type CallOptions, callSignal, IDEMPOTENCY_KEY_HEADER } from './retrying-fetch.ts';
import type { paths } from './schema.d.ts';

/** The typed resources of the API: `products` for `/products/{id}`. */
export type ResourceName = { [P in keyof paths]: P extends `/${infer N}/{id}` ? N : never }[keyof paths];
type Member<N extends ResourceName> = paths[`/${N}/{id}`];
type Collection<N extends ResourceName> = paths[`/${N}`];
/** A stored item of resource `N`, system fields included. */
export type ItemOf<N extends ResourceName> =
  Member<N>['get']['responses'][200]['content']['application/json'];
/** What a client sends to create or replace an item of `N`. */
export type FieldsOf<N extends ResourceName> =
  Collection<N>['post']['requestBody']['content']['application/json'];
/** A JSON Merge Patch of `N`: the fields to change, `null` to remove one. */
export type PatchOf<N extends ResourceName> =
  Member<N>['patch']['requestBody']['content']['application/merge-patch+json'];
/** What a list of `N` may be asked: `limit`, `cursor` and the filters its declared indexes answer. */
export type ListQueryOf<N extends ResourceName> = NonNullable<Collection<N>['get']['parameters']['query']>;
/** A list's filters alone, e.g. `{ status: 'pending' }` or `{ name: 'Widget', 'price[lte]': 20 }`. */
export type FilterOf<N extends ResourceName> = Omit<ListQueryOf<N>, 'limit' | 'cursor'>;
/** One page of a list. */
export type PageOf<N extends ResourceName> =
  Collection<N>['get']['responses'][200]['content']['application/json'];

/** A write that is sent again after a lost connection or a 503 only when it carries a key. */
export interface WriteOptions extends CallOptions {
  /**
   * An `Idempotency-Key` for this write: the same key for the same intended write, a new one for
   * each new write (e.g. `crypto.randomUUID()`). With it, a POST or PATCH is retried like a GET.
   */
  readonly idempotencyKey?: string;
}

interface Answer {
  readonly data?: unknown;
  readonly error?: unknown;
  readonly response: Response;
}

/**
 * Calls on one typed resource. It remembers the `ETag` of every item it read or wrote, so that
 * `update` and `delete` are conditional on the version the caller last saw.
 */
export function resourceClient<N extends ResourceName>(api: Client<paths>, name: N) {
  type Item = ItemOf<N>;
  const etags = new Map<string, string>();
  // openapi-fetch types one literal path at a time, and every typed resource shares the shape of
  // `products`: the casts name one member of the paths union, and bodies are typed by `N` in the
  // signatures below (hence `as never` where they are handed over).
  const collection = `/${name}` as '/products';
  const member = `/${name}/{id}` as '/products/{id}';
  const unwrap = (answer: Answer, id?: string): Item => {
    if (answer.error !== undefined || !answer.response.ok) {
      if (id !== undefined && answer.response.status === 412) etags.delete(id);
      throw toProblemError(answer.response, answer.error);
    }
    const etag = answer.response.headers.get('etag');
    const item = answer.data as Item;
    if (etag !== null) etags.set(item.id, etag);
    return item;
  };
  const path = (id: string) => ({ path: { id } });
  /**
   * openapi-fetch's options for a request of a call: the call's signal (one per call, so that a
   * timeout bounds a read of the ETag and the write after it together), and its idempotency key.
   */
  const send = (signal: AbortSignal | undefined, key?: string, headers: Record<string, string> = {}) => ({
    ...(signal ? { signal } : {}),
    headers: { ...headers, ...(key ? { [IDEMPOTENCY_KEY_HEADER]: key } : {}) },
  });
  const page = async (options: ListQueryOf<N> & CallOptions = {} as ListQueryOf<N>): Promise<PageOf<N>> => {
    const { signal, timeoutMs, ...query } = options;
    const answer = await api.GET(collection, {
      params: { query: query as never },
      ...send(callSignal({ ...(signal ? { signal } : {}), ...(timeoutMs ? { timeoutMs } : {}) })),
    });
    if (!answer.response.ok || answer.data === undefined) throw toProblemError(answer.response, answer.error);
    return answer.data as PageOf<N>;
  };

  return {
    /** Reads an item; its `ETag` is kept for the next `update` or `delete`. Throws NotFoundError. */
    async get(id: string, options: CallOptions = {}): Promise<Item> {
      return unwrap(await api.GET(member, { params: path(id), ...send(callSignal(options)) }), id);
    },
    /**
     * Creates an item; the server chooses its id. Every create carries an `Idempotency-Key` (a
     * fresh random UUID unless you pass one, e.g. to resend a create after a restart), so the
     * client's own retries after a lost answer, a 503 or a 429 never make a second item.
     */
    async create(fields: FieldsOf<N>, options: WriteOptions = {}): Promise<Item> {
      const key = options.idempotencyKey ?? globalThis.crypto.randomUUID();
      return unwrap(await api.POST(collection, { body: fields as never, ...send(callSignal(options), key) }));
    },
    /**
     * Replaces an item, or creates it with this id. `ifMatch: true` replaces only the version last
     * read; `ifAbsent: true` creates only (412 when it exists).
     */
    async replace(
      id: string,
      fields: FieldsOf<N>,
      options: { ifMatch?: boolean; ifAbsent?: boolean } & CallOptions = {},
    ) {
      const signal = callSignal(options);
      const header = {
        ...(options.ifMatch ? { 'If-Match': await etagOf(id, signal) } : {}),
        ...(options.ifAbsent ? { 'If-None-Match': '*' } : {}),
      };
      return unwrap(
        await api.PUT(member, { params: { ...path(id), header }, body: fields as never, ...send(signal) }),
        id,
      );
    },
    /**
     * Applies a JSON Merge Patch, on condition that the item is still at the version last read
     * (read first if it was not). Throws PreconditionFailedError when someone else wrote since.
     * A PATCH: sent once unless `idempotencyKey` is given.
     */
    async update(id: string, patch: PatchOf<N>, options: WriteOptions = {}): Promise<Item> {
      const signal = callSignal(options);
      const header = { 'If-Match': await etagOf(id, signal) };
      return unwrap(
        await api.PATCH(member, {
          params: { ...path(id), header },
          body: patch as never,
          ...send(signal, options.idempotencyKey, { 'Content-Type': 'application/merge-patch+json' }),
        }),
        id,
      );
    },
    /** Deletes an item; conditional on the last read version when `ifMatch` is true. */
    async delete(id: string, options: { ifMatch?: boolean } & CallOptions = {}): Promise<void> {
      const signal = callSignal(options);
      const header = options.ifMatch ? { 'If-Match': await etagOf(id, signal) } : {};
      const answer = await api.DELETE(member, { params: { ...path(id), header }, ...send(signal) });
      if (!answer.response.ok) {
        if (answer.response.status === 412) etags.delete(id);
        throw toProblemError(answer.response, answer.error);
      }
      etags.delete(id);
    },
    /**
     * One page: `limit` items from `cursor` on; with filters, one page of the index they name.
     *
     * @example
     * const { items, nextCursor } = await client.orders.page({ status: 'pending', limit: 10 });
     */
    page,
    /**
     * Every item, page after page, as an async iterator. `signal` and `timeoutMs` apply to each page.
     *
     * @example
     * for await (const product of client.products.list({ pageSize: 50 })) console.log(product.name);
     * for await (const cheap of client.products.list({ where: { name: 'Widget', 'price[lte]': 20 } })) …
     */
    async *list(
      options: { pageSize?: number; where?: FilterOf<N> } & CallOptions = {},
    ): AsyncGenerator<Item, void, undefined> {
      const { pageSize, where, ...call } = options;
      let cursor: string | undefined;
      do {
        const next = await page({
          ...where,
          ...call,
          ...(pageSize ? { limit: pageSize } : {}),
          ...(cursor ? { cursor } : {}),
        } as ListQueryOf<N>);
        for (const item of next.items) yield item as Item;
        cursor = next.nextCursor ?? undefined;
      } while (cursor);
    },
    /** The `ETag` last seen for this id, if any. */
    etag: (id: string): string | undefined => etags.get(id),
  };

  async function etagOf(id: string, signal: AbortSignal | undefined): Promise<string> {
    const known = etags.get(id);
    if (known !== undefined) return known;
    const answer = await api.GET(member, { params: path(id), ...send(signal) });
    unwrap(answer, id);
    const etag = etags.get(id);
    if (etag === undefined) throw new PreconditionFailedError({ status: 412, title: 'No ETag to send' });
    return etag;
  }
}

/** The calls of one typed resource. */
export type ResourceClient<N extends ResourceName> = ReturnType<typeof resourceClient<N>>;
