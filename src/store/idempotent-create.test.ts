import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startDynalite } from '#local/dynamodb/engines/dynalite-engine.ts';
import { localClient } from '#local/dynamodb/engines/engine-test-suite.ts';
import { ensureStackTables } from '#local/stack/ensure-tables.ts';
import { shippedStackTable } from '../../test/support/shipped-stack.ts';
import { IDEMPOTENCY_EXPIRY_SECONDS, LOCAL_IDEMPOTENCY_TABLE } from '../declaration/idempotency.ts';
import { ConflictError, InternalError, UnprocessableContentError } from '../domain/errors.ts';
import { canonicalJson, idempotentCreates, type StoredResponse } from './idempotent-create.ts';
import { setInvocationDeadline } from './invocation-deadline.ts';

/**
 * The record's clock against a real engine (dynalite, in memory): expiry and a dead invocation's
 * lock are tested by moving the injected clock a day on, not by waiting.
 */
describe('idempotent creates: the record and its clock', () => {
  let stop: () => Promise<void>;
  const start = Date.parse('2026-12-06T12:00:00Z');
  let now = start;
  const clock = { now: () => now };
  let made = 0;
  const create = async (): Promise<StoredResponse> => {
    made++;
    return { status: 201, headers: { Location: `/things/${made}` }, body: { n: made } };
  };

  before(async () => {
    const dynamodb = await startDynalite({ dataDir: null });
    Object.assign(process.env, {
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint,
    });
    const admin = localClient(dynamodb.endpoint);
    await ensureStackTables(admin, [await shippedStackTable(LOCAL_IDEMPOTENCY_TABLE)]);
    admin.destroy();
    stop = () => dynamodb.stop();
  });
  after(async () => {
    const { documentClient } = await import('./document-client.ts');
    documentClient().destroy();
    await stop?.();
  });

  test('replays for 24 h; a record past its expiry counts as absent though it is still stored', async () => {
    const once = idempotentCreates(LOCAL_IDEMPOTENCY_TABLE, 'things-create', clock);
    const request = { scope: 'sub:a', key: 'k-expiry', body: { x: 1 } };
    now = start;
    const first = await once(request, create);
    now = start + (IDEMPOTENCY_EXPIRY_SECONDS - 1) * 1000;
    assert.deepEqual(await once(request, create), first);
    now = start + (IDEMPOTENCY_EXPIRY_SECONDS + 1) * 1000;
    const later = await once(request, create);
    assert.notDeepEqual(later, first);
    assert.equal(later.headers.Location, `/things/${made}`);
  });

  test('an in-progress record locks its key until its invocation would have timed out', async () => {
    const once = idempotentCreates(LOCAL_IDEMPOTENCY_TABLE, 'things-create', clock);
    const request = { scope: 'sub:a', key: 'k-crash', body: { x: 2 } };
    now = start;
    setInvocationDeadline(10_000);
    // The first invocation dies in the middle of its create: its record stays INPROGRESS.
    let claimed: () => void = () => {};
    const running = new Promise<void>((resolve) => {
      claimed = resolve;
    });
    let release: () => void = () => {};
    const dying = once(request, () => {
      claimed();
      return new Promise<StoredResponse>((resolve) => {
        release = () => resolve({ status: 201, headers: {}, body: 'late' });
      });
    });
    await running;
    now = start + 9_000;
    await assert.rejects(once(request, create), ConflictError);
    // Lambda would have ended that invocation by now: its lock is over, a retry runs.
    now = start + 11_000;
    setInvocationDeadline(10_000);
    const retried = await once(request, create);
    assert.equal(retried.status, 201);
    release();
    await dying.catch(() => undefined);
  });

  test('a create that fails frees its key; another body is 422 whatever the order of members', async () => {
    const once = idempotentCreates(LOCAL_IDEMPOTENCY_TABLE, 'things-create', clock);
    now = start;
    const request = { scope: 'sub:a', key: 'k-fail', body: { a: 1, b: [1, { c: 2, d: 3 }] } };
    await assert.rejects(
      once(request, async () => {
        throw new InternalError('the table was gone');
      }),
      InternalError,
    );
    const created = await once(request, create);
    const reordered = { scope: 'sub:a', key: 'k-fail', body: { b: [1, { d: 3, c: 2 }], a: 1 } };
    assert.deepEqual(await once(reordered, create), created);
    await assert.rejects(once({ ...request, body: { a: 2 } }, create), UnprocessableContentError);
    // Arrays keep their order: [2, 1] is another body than [1, 2].
    assert.notEqual(canonicalJson([1, 2]), canonicalJson([2, 1]));
  });
});
