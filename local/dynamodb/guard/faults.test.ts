import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseFaults, planFaults, unknownFaultScope } from './faults.ts';

test('parses rates, latencies and scopes', () => {
  assert.deepEqual(
    parseFaults('throttle=30%, latency=2000ms/50%@products-get,error=5%@table:products,throttling=100%'),
    [
      { kind: 'throttle', rate: 0.3, latencyMs: 0, scope: null },
      { kind: 'latency', rate: 0.5, latencyMs: 2000, scope: 'products-get' },
      { kind: 'error', rate: 0.05, latencyMs: 0, scope: 'table:products' },
      { kind: 'throttling', rate: 1, latencyMs: 0, scope: null },
    ],
  );
  assert.deepEqual(parseFaults('latency=300ms'), [{ kind: 'latency', rate: 1, latencyMs: 300, scope: null }]);
  assert.deepEqual(parseFaults(''), []);
});

test('refuses what it cannot read', () => {
  for (const bad of ['throttle', 'throttle=30', 'slow=10%', 'latency=10%', 'error=300ms', 'error=150%']) {
    assert.throws(() => parseFaults(bad), /Fault/, bad);
  }
});

test('applies rules in scope at their rate', () => {
  const rules = parseFaults(
    'latency=100ms@products-get,latency=50ms@table:products,throttle=50%@table:products,error=100%@other',
  );
  assert.deepEqual(
    planFaults(rules, 'products-get', ['products'], () => 0.4),
    { delayMs: 150, error: 'throttle' },
  );
  assert.deepEqual(
    planFaults(rules, 'products-get', ['products'], () => 0.6),
    { delayMs: 150, error: null },
  );
  assert.deepEqual(
    planFaults(rules, 'dynamodb-manager', ['lambda-apigateway'], () => 0),
    { delayMs: 0, error: null },
  );
  assert.deepEqual(
    planFaults(rules, 'other', [], () => 0.99),
    { delayMs: 0, error: 'error' },
  );
  assert.deepEqual(planFaults([], 'products-get', ['products']), { delayMs: 0, error: null });
});

test('names the functions and tables there are when a scope names none of them', () => {
  const declared = { functions: ['products-get', 'products-create'], tables: ['products'] };
  assert.equal(
    unknownFaultScope(parseFaults('throttle=5%@products-get,error=1%@table:products'), declared),
    null,
  );
  assert.equal(unknownFaultScope(parseFaults('throttle=5%'), declared), null);
  assert.equal(
    unknownFaultScope(parseFaults('throttle=5%@products-gte'), declared),
    'Fault scope "products-gte" names no function or table; the functions are products-create or products-get, the tables table:products',
  );
  assert.match(
    unknownFaultScope(parseFaults('error=5%@table:prodcts'), declared) ?? '',
    /"table:prodcts" names no/,
  );
});
