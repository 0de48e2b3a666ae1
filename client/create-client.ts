import createFetchClient from 'openapi-fetch';
import { LOCAL_URL } from './local-url.ts';
import { toProblemError } from './problem.ts';
import { type ResourceClient, type ResourceName, resourceClient } from './resource-client.ts';
import {
  type CallOptions,
  callSignal,
  IDEMPOTENCY_KEY_HEADER,
  type RetryOptions,
  retryingFetch,
} from './retrying-fetch.ts';
import type { components, paths } from './schema.d.ts';

export { LOCAL_URL };

export interface ClientOptions {
  /** The API's base URL: the local system, or the stack's `ApiUrl` (with its stage, e.g. `…/prod`). */
  readonly baseUrl?: string;
  /**
   * Called before every request; a token it returns is sent as the `Authorization` header, as is
   * (the form API Gateway's Cognito authorizer documents; the local gateway takes it too).
   */
  readonly token?: () => string | undefined | Promise<string | undefined>;
  /**
   * Retries of what is safe to send again (see the README's "The typed client"), with full jitter
   * and honouring `Retry-After`; bounded.
   */
  readonly retry?: RetryOptions;
  /** Every call ends after this many ms, retries and waits included, with a `TimeoutError`. */
  readonly timeoutMs?: number;
  /** The fetch to use; the global one by default (Node 20+, browsers). */
  readonly fetch?: (request: Request) => Promise<Response>;
}

/** A DynamoDBManager request, as the AWS tutorial sends it. */
export type ManagerRequest = components['schemas']['DynamoDBManagerRequest'];
/** An attribute value as the DynamoDB document client writes it in JSON. */
export type DocumentValue = components['schemas']['DocumentValue'];
/** An item, a key or expression values: attributes by name. */
export type DocumentItem = components['schemas']['DocumentItem'];
/** What DynamoDBManager answers to an operation: the DynamoDB call's output, the payload for echo. */
export type ManagerAnswer<O extends ManagerRequest['operation']> = O extends 'ping'
  ? 'pong'
  : O extends 'echo'
    ? unknown
    : components['schemas']['DynamoDBManagerOutput'];

/**
 * A client of the API, typed from docs/openapi.json. `api` is the raw openapi-fetch client for
 * any operation; `products` adds conditional writes and pagination; `manager` runs the tutorial's
 * operations. Errors are thrown as ProblemError (NotFoundError, PreconditionFailedError, …).
 *
 * @example
 * const client = createClient({ baseUrl: 'http://127.0.0.1:3000' });
 * const mug = await client.products.create({ name: 'Mug', price: 3 });
 * await client.products.update(mug.id, { price: 4 }); // If-Match: the ETag of the create
 * for await (const product of client.products.list()) console.log(product.name);
 */
export function createClient(options: ClientOptions = {}) {
  const baseFetch = options.fetch ?? ((request: Request) => globalThis.fetch(request));
  const api = createFetchClient<paths>({
    baseUrl: (options.baseUrl ?? LOCAL_URL).replace(/\/+$/, ''),
    fetch: retryingFetch(baseFetch, {
      ...options.retry,
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    }),
  });
  const { token } = options;
  if (token) {
    api.use({
      async onRequest({ request }) {
        const value = await token();
        if (value) request.headers.set('Authorization', value);
        return request;
      },
    });
  }
  const resources = new Map<ResourceName, ResourceClient<ResourceName>>();
  /** The client of any typed resource, by name (one per name, so ETags are shared). */
  const resource = <N extends ResourceName>(name: N): ResourceClient<N> => {
    const known = resources.get(name) ?? resourceClient(api, name);
    resources.set(name, known);
    return known as ResourceClient<N>;
  };
  return {
    api,
    resource,
    products: resource('products'),
    orders: resource('orders'),
    /**
     * Runs one DynamoDBManager operation and returns DynamoDB's answer. A POST, so it is sent once
     * unless `idempotencyKey` is given.
     */
    async manager<R extends ManagerRequest>(
      request: R,
      options: CallOptions & { idempotencyKey?: string } = {},
    ): Promise<ManagerAnswer<R['operation']>> {
      const signal = callSignal(options);
      const answer = await api.POST('/DynamoDBManager', {
        body: request,
        ...(signal ? { signal } : {}),
        ...(options.idempotencyKey ? { headers: { [IDEMPOTENCY_KEY_HEADER]: options.idempotencyKey } } : {}),
      });
      if (!answer.response.ok) throw toProblemError(answer.response, answer.error);
      // The document cannot tie an answer's shape to the request's operation; the handler does.
      return answer.data as ManagerAnswer<R['operation']>;
    },
  };
}

/** What createClient returns. */
export type ApiClient = ReturnType<typeof createClient>;
