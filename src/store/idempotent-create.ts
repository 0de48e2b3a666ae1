// Creates that are safe to retry: one record per (function, caller, key) in the persistence table,
// written with a conditional put before the create runs (INPROGRESS), then holding the create's
// response for 24 h (COMPLETED). Hand-written rather than Powertools' Idempotency utility, which
// kept the same semantics but made the create's bundle 1.26× the SDK-only baseline's bytes (the
// budget is 1.15×; figures in docs/benchmarks-notes.md). Same table layout as Powertools'.
import { createHash } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { INTEGRATION_TIMEOUT_SECONDS } from '../declaration/api-settings.ts';
import {
  IDEMPOTENCY_EXPIRY_SECONDS,
  IDEMPOTENCY_HEADER,
  IDEMPOTENCY_TABLE_KEY,
  IDEMPOTENCY_TTL_ATTRIBUTE,
} from '../declaration/idempotency.ts';
import { ConditionFailedError, ConflictError, UnprocessableContentError } from '../domain/errors.ts';
import { documentClient } from './document-client.ts';
import { remainingInvocationMs } from './invocation-deadline.ts';
import { callDynamoDb } from './translate-error.ts';

/** A response as it is stored and replayed. */
export interface StoredResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
}

export interface IdempotentRequest {
  /** Whose key it is: the verified caller, or one shared scope for a public route. */
  readonly scope: string;
  readonly key: string;
  /** The request's JSON body: a retry must send the same document (member order does not matter). */
  readonly body: unknown;
}

export interface IdempotencyClock {
  /** Milliseconds since the epoch; tests move it to a day later. */
  now(): number;
}

/**
 * How long an in-progress record locks its key when the invocation's deadline is unknown (outside
 * Lambda): API Gateway's 29 s, after which no client is waiting for that request any more.
 */
const UNKNOWN_DEADLINE_MS = INTEGRATION_TIMEOUT_SECONDS * 1000;

const sha256 = (text: string) => createHash('sha256').update(text).digest('base64url');

/** JSON with every object's members sorted: the same document gives the same text, whatever its order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/**
 * Runs `create` at most once per scope and key within {@link IDEMPOTENCY_EXPIRY_SECONDS}: a
 * repeat with the same body gets the stored response, one with another body a 422, one that
 * arrives while the first still runs a 409. A failed create leaves no record, so it may be
 * retried; an in-progress record expires with the invocation that wrote it, so a create that
 * died with its instance does not lock its key for a day. A record past its expiry counts as
 * absent whether or not DynamoDB's TTL (which deletes lazily) has removed it yet.
 *
 * @example
 * const once = idempotentCreates('idempotency-records', 'products-create');
 * const response = await once({ scope: 'sub:…', key, body }, () => createAndRespond());
 */
export function idempotentCreates(
  tableName: string,
  functionName: string,
  clock: IdempotencyClock = { now: () => Date.now() },
) {
  const client = () => documentClient();
  const keyOf = (id: string) => ({ [IDEMPOTENCY_TABLE_KEY]: id });

  /** Writes the in-progress record; undefined when it was written, else the record in the way. */
  async function claim(id: string, fingerprint: string): Promise<Record<string, unknown> | undefined> {
    const now = clock.now();
    try {
      await callDynamoDb(() =>
        client().send(
          new PutCommand({
            TableName: tableName,
            Item: {
              ...keyOf(id),
              status: 'INPROGRESS',
              [IDEMPOTENCY_TTL_ATTRIBUTE]: Math.floor(now / 1000) + IDEMPOTENCY_EXPIRY_SECONDS,
              in_progress_expiration: now + (remainingInvocationMs() ?? UNKNOWN_DEADLINE_MS),
              validation: fingerprint,
            },
            ConditionExpression:
              'attribute_not_exists(#id) OR #expiry < :now OR (#status = :inProgress AND #lock < :nowMs)',
            ExpressionAttributeNames: {
              '#id': IDEMPOTENCY_TABLE_KEY,
              '#expiry': IDEMPOTENCY_TTL_ATTRIBUTE,
              '#status': 'status',
              '#lock': 'in_progress_expiration',
            },
            ExpressionAttributeValues: { ':now': now / 1000, ':nowMs': now, ':inProgress': 'INPROGRESS' },
          }),
        ),
      );
      return undefined;
    } catch (error) {
      if (!(error instanceof ConditionFailedError)) throw error;
    }
    const { Item } = await callDynamoDb(() =>
      client().send(new GetCommand({ TableName: tableName, Key: keyOf(id), ConsistentRead: true })),
    );
    return Item ?? {};
  }

  return async (request: IdempotentRequest, create: () => Promise<StoredResponse>) => {
    const id = `${functionName}#${sha256(canonicalJson([request.scope, request.key]))}`;
    const fingerprint = sha256(canonicalJson(request.body));
    const existing = await claim(id, fingerprint);
    if (existing) {
      if (existing.validation !== undefined && existing.validation !== fingerprint) {
        throw new UnprocessableContentError(
          `This ${IDEMPOTENCY_HEADER} was used with another request body; send a new key for a different request.`,
        );
      }
      const unexpired = Number(existing[IDEMPOTENCY_TTL_ATTRIBUTE]) * 1000 >= clock.now();
      if (existing.status === 'COMPLETED' && unexpired && typeof existing.data === 'string') {
        return JSON.parse(existing.data) as StoredResponse;
      }
      // In progress, or gone or expired between the put and the read: the first request has not answered yet.
      throw new ConflictError(
        `A request with this ${IDEMPOTENCY_HEADER} is still being processed; retry it once that one has answered.`,
      );
    }
    let response: StoredResponse;
    try {
      response = await create();
    } catch (error) {
      // Nothing was created: free the key so that the client's retry runs again.
      await callDynamoDb(() => client().send(new DeleteCommand({ TableName: tableName, Key: keyOf(id) })));
      throw error;
    }
    await callDynamoDb(() =>
      client().send(
        new UpdateCommand({
          TableName: tableName,
          Key: keyOf(id),
          UpdateExpression: 'SET #status = :completed, #data = :data',
          ExpressionAttributeNames: { '#status': 'status', '#data': 'data' },
          // As JSON text: replayed exactly as it was answered, numbers and all.
          ExpressionAttributeValues: { ':completed': 'COMPLETED', ':data': JSON.stringify(response) },
        }),
      ),
    );
    return response;
  };
}
