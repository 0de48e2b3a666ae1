import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type RingTrace, TraceRing } from './trace-ring.ts';

const trace = (n: number, status = 200): RingTrace => ({
  traceId: n.toString(16).padStart(32, '0'),
  summary: {
    traceId: n.toString(16).padStart(32, '0'),
    requestId: `r${n}`,
    method: 'GET',
    path: `/p/${n}`,
    route: n % 2 === 0 ? '/even' : '/odd',
    status,
    startTime: n,
    durationMs: 1,
  },
  spans: [],
});

test('the ring keeps the newest traces up to its capacity and forgets the rest', () => {
  const ring = new TraceRing(3);
  for (let n = 1; n <= 5; n += 1) ring.add(trace(n));
  assert.equal(ring.size, 3);
  assert.deepEqual(
    ring.list().map((s) => s.requestId),
    ['r5', 'r4', 'r3'],
  );
  assert.equal(ring.get(trace(2).summary.traceId), undefined);
  assert.equal(ring.get(trace(4).summary.traceId)?.summary.requestId, 'r4');
});

test('the ring lists by route and status, newest first, up to the limit', () => {
  const ring = new TraceRing(10);
  for (let n = 1; n <= 6; n += 1) ring.add(trace(n, n === 4 ? 500 : 200));
  assert.deepEqual(
    ring.list({ route: '/even' }).map((s) => s.requestId),
    ['r6', 'r4', 'r2'],
  );
  assert.deepEqual(
    ring.list({ status: 500 }).map((s) => s.requestId),
    ['r4'],
  );
  assert.deepEqual(
    ring.list({ limit: 2 }).map((s) => s.requestId),
    ['r6', 'r5'],
  );
  assert.throws(() => new TraceRing(0));
});

test('the ring finds the newest trace that passes a test, among those it still keeps', () => {
  const ring = new TraceRing(3);
  for (let n = 1; n <= 5; n += 1) ring.add(trace(n, n === 1 || n === 3 || n === 4 ? 500 : 200));
  assert.equal(ring.find((t) => t.summary.status === 500)?.summary.requestId, 'r4');
  assert.equal(
    ring.find((t) => t.summary.requestId === 'r1'),
    undefined,
    'r1 has left the ring',
  );
  assert.equal(
    new TraceRing(2).find(() => true),
    undefined,
  );
});
