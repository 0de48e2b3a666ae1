import assert from 'node:assert/strict';
import { test } from 'node:test';
import { METRIC_DIMENSIONS, METRICS_NAMESPACE } from '#src/http/metrics.ts';
import { metricValues, readEmf } from '../support/emf.ts';
import type { ApiClient } from '../support/http.ts';
import type { TestSystem } from '../support/test-system.ts';

/**
 * The metrics a local invocation writes: the same EMF line CloudWatch reads when deployed, in the
 * function's log, parsed by the rules of the EMF specification.
 */
export function metricsLines(client: () => ApiClient, system: () => TestSystem): void {
  test('writes each request metrics in Embedded Metric Format on its log line', async () => {
    const before = system().logs.length;
    const created = await client()('POST', '/products', { body: { name: 'measured', price: 1 } });
    assert.equal(created.status, 201);
    const location = created.headers.get('location') ?? '';
    const stale = await client()('PUT', location, {
      body: { name: 'late', price: 2 },
      headers: { 'If-Match': '"7"' },
    });
    assert.equal(stale.status, 412);
    const missing = await client()('GET', '/products/never-created');
    assert.equal(missing.status, 404);

    const emf = system()
      .logs.slice(before)
      .map(({ functionName, line }) => ({ functionName, metrics: readEmf(line) }))
      .filter(({ metrics }) => metrics !== undefined);
    const byFunction = (name: string) => {
      const found = emf.filter(({ functionName }) => functionName === name);
      assert.equal(found.length, 1, `one EMF line from ${name}`);
      const metrics = found[0]?.metrics ?? [];
      for (const metric of metrics) {
        assert.equal(metric.namespace, METRICS_NAMESPACE);
        assert.deepEqual(metric.dimensions, {
          [METRIC_DIMENSIONS.service]: 'products',
          [METRIC_DIMENSIONS.function]: name,
        });
      }
      return metricValues(metrics);
    };
    const create = byFunction('products-create');
    assert.equal(create.Requests, 1);
    assert.equal(create.Status4xx, 0);
    assert.ok((create.Latency ?? 0) > 0);
    assert.ok((create.DynamoDbTime ?? 0) > 0, 'the PutItem took time');
    assert.ok((create.DynamoDbTime ?? 0) <= (create.Latency ?? 0), 'within the request');
    assert.equal(create.DynamoDbThrottles, 0);
    const replace = byFunction('products-replace');
    assert.equal(replace.Status4xx, 1);
    assert.equal(replace.Status412, 1);
    assert.equal(replace.DynamoDbRetries, 0);
    const get = byFunction('products-get');
    assert.equal(get.Status4xx, 1);
    assert.equal(get.Status412, 0);
    assert.equal(get.Status5xx, 0);
  });
}
