import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LOG_QUERIES, REQUEST_ID_PLACEHOLDER } from '#infra/observability/log-queries.ts';
import { runInsightsQuery } from './insights-query.ts';
import type { LogEvent } from './read-logs.ts';

function event(fn: string, at: number, fields: Record<string, unknown>): LogEvent {
  return {
    timestamp: at,
    logGroup: `/aws/lambda/${fn}`,
    logStream: 's',
    message: JSON.stringify(fields),
    fields,
  };
}

const events = [
  event('products-get', 1, {
    type: 'platform.report',
    record: { requestId: 'a', metrics: { initDurationMs: 200 } },
  }),
  event('products-get', 2, {
    type: 'platform.report',
    record: { requestId: 'b', metrics: { durationMs: 3 } },
  }),
  event('products-get', 3, {
    type: 'platform.report',
    record: { requestId: 'c', metrics: { initDurationMs: 100 } },
  }),
  event('products-create', 4, {
    type: 'platform.report',
    record: { requestId: 'd', metrics: { initDurationMs: 50 } },
  }),
  event('products-get', 5, {
    level: 'INFO',
    message: 'request completed',
    durationMs: 12,
    correlation_id: 'r1',
  }),
  event('products-get', 6, {
    level: 'INFO',
    message: 'request completed',
    durationMs: 40,
    correlation_id: 'r2',
  }),
  event('products-create', 7, {
    level: 'ERROR',
    message: 'request failed',
    function_name: 'products-create',
    correlation_id: 'r3',
    error: { name: 'InternalError', message: 'boom' },
  }),
];

test('the saved cold-start query counts and averages init durations by log group', () => {
  const rows = runInsightsQuery(LOG_QUERIES.coldStartsByFunction?.query ?? {}, events);
  assert.deepEqual(rows, [
    { '@log': '/aws/lambda/products-get', coldStarts: 2, avgInitMs: 150, maxInitMs: 200 },
    { '@log': '/aws/lambda/products-create', coldStarts: 1, avgInitMs: 50, maxInitMs: 50 },
  ]);
});

test('the saved slowest-requests query lists completed requests, slowest first', () => {
  const rows = runInsightsQuery(LOG_QUERIES.slowestRequests?.query ?? {}, events);
  assert.deepEqual(
    rows.map((row) => [row.durationMs, row.correlation_id]),
    [
      [40, 'r2'],
      [12, 'r1'],
    ],
  );
});

test('the saved errors query shows the cause, and the one-request query follows an id', () => {
  const [error] = runInsightsQuery(LOG_QUERIES.errorsByFunction?.query ?? {}, events);
  assert.equal(error?.['error.message'], 'boom');
  assert.equal(error?.function_name, 'products-create');
  const oneRequest = LOG_QUERIES.oneRequest?.query ?? {};
  const filterStatements = oneRequest.filterStatements?.map((s) =>
    s.replaceAll(REQUEST_ID_PLACEHOLDER, 'r2'),
  );
  const rows = runInsightsQuery({ ...oneRequest, ...(filterStatements ? { filterStatements } : {}) }, events);
  assert.deepEqual(
    rows.map((row) => row.durationMs),
    [40],
  );
});

test('a statement outside what the local logs understand is refused, not guessed', () => {
  assert.throws(
    () => runInsightsQuery({ filterStatements: ['durationMs > 10'] }, events),
    /cannot run this part of a Logs Insights query: durationMs > 10/,
  );
  assert.throws(() => runInsightsQuery({ statsStatements: ['pct(durationMs, 99) as p99'] }, events), /pct/);
});
