// The typed client of the API: importable as `serverless-microservices/client`, in Node 20+ and
// browsers alike (nothing here imports a Node module).
export {
  type ApiClient,
  type ClientOptions,
  createClient,
  type DocumentItem,
  type DocumentValue,
  LOCAL_URL,
  type ManagerAnswer,
  type ManagerRequest,
} from './create-client.ts';
export { NotFoundError, PreconditionFailedError, type Problem, ProblemError } from './problem.ts';
export type {
  FieldsOf,
  FilterOf,
  ItemOf,
  ListQueryOf,
  PageOf,
  PatchOf,
  ResourceClient,
  ResourceName,
  WriteOptions,
} from './resource-client.ts';
export { retryAfterMs } from './retry-after.ts';
export {
  type CallOptions,
  IDEMPOTENCY_KEY_HEADER,
  isRetrySafe,
  type RetryOptions,
} from './retrying-fetch.ts';
export type { components, operations, paths } from './schema.d.ts';
