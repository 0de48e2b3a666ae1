// The tracer's bookkeeping, driven as the gateway and the Lambda service drive it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Invoker } from '#local/contracts.ts';
import { Tracer } from './tracer.ts';

/** A Lambda service that starts every invocation at once, as warm, and answers 200. */
const lambda: Invoker = {
  invoke: async (_name, event, options) => {
    options?.onStart?.({ invocationId: `inv-${event.requestContext.requestId}`, cold: false });
    return { kind: 'result', value: { statusCode: 200, body: '' } };
  },
} as Invoker;

async function request(tracer: Tracer, n: number): Promise<string> {
  const requestId = `req-${n}`;
  const steps = tracer.observer.begin({
    requestId,
    traceHeader: `Root=1-66704cad-${n.toString(16).padStart(24, '0')}`,
    method: 'GET',
    path: `/products/${n}`,
  });
  steps.route('/products/{id}', 'products-get');
  steps.step('authorizer')({ 'local.authorizer': 'verified' });
  steps.user('ana');
  await tracer.invoker(lambda).invoke('products-get', { requestContext: { requestId } } as never);
  steps.end(200);
  return `66704cad${n.toString(16).padStart(24, '0')}`;
}

describe('Tracer', () => {
  it('links the gateway and Lambda request ids of the newest traces only, as many as it keeps', async () => {
    const tracer = new Tracer({ capacity: 2 });
    const ids = [];
    for (let n = 1; n <= 5; n++) ids.push(await request(tracer, n));
    for (const n of [1, 2, 3]) {
      assert.equal(tracer.traceIdOf(`req-${n}`), undefined, `req-${n} has left`);
      assert.equal(tracer.traceIdOf(`inv-req-${n}`), undefined, `inv-req-${n} has left`);
    }
    for (const n of [4, 5]) {
      assert.equal(tracer.traceIdOf(`req-${n}`), ids[n - 1]);
      assert.equal(tracer.traceIdOf(`inv-req-${n}`), ids[n - 1]);
    }
    assert.equal(tracer.ring.size, 2);
  });

  it('keeps what the gateway reported in the summary, and builds the spans when asked', async () => {
    const tracer = new Tracer();
    const traceId = await request(tracer, 7);
    const trace = tracer.ring.get(traceId);
    assert.ok(trace);
    assert.deepEqual(
      { ...trace.summary, startTime: 0, durationMs: 0 },
      {
        traceId,
        requestId: 'req-7',
        invocationId: 'inv-req-7',
        method: 'GET',
        path: '/products/7',
        route: '/products/{id}',
        status: 200,
        startTime: 0,
        durationMs: 0,
        function: 'products-get',
        user: 'ana',
        cold: false,
        error: false,
      },
    );
    const sent = JSON.parse(JSON.stringify(trace)) as { summary: unknown; spans: { name: string }[] };
    assert.deepEqual(Object.keys(sent).sort(), ['spans', 'summary']);
    assert.ok(sent.spans.some((span) => span.name === 'authorizer'));
  });
});
