// The tracer's bookkeeping, driven as the gateway and the Lambda service drive it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Invoker } from '#local/contracts.ts';
import { Tracer } from './tracer.ts';

/** A Lambda service that starts every invocation at once, as warm, and answers 200. */
const lambda: Invoker = {
  invoke: async (_name, event, options) => {
    options?.observer?.started(`inv-${event.requestContext.requestId}`, false);
    options?.observer?.reported(1.234, undefined);
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
  steps.matched('/products/{id}', 'products-get');
  steps.step('authorizer')({ 'local.authorizer': 'verified' });
  steps.verified('ana');
  // As the gateway does: the request's steps observe its invocation.
  steps.invoking();
  const outcome = await lambda.invoke('products-get', { requestContext: { requestId } } as never, {
    observer: steps,
  });
  steps.invoked(outcome.kind === 'result');
  steps.answered(200);
  return `66704cad${n.toString(16).padStart(24, '0')}`;
}

describe('Tracer', () => {
  it('files each DynamoDB call under the open request whose X-Ray root it carries', async () => {
    const tracer = new Tracer();
    const steps = tracer.observer.begin({
      requestId: 'req-1',
      traceHeader: 'Root=1-66704cad-0123456789abcdef01234567',
      method: 'GET',
      path: '/products/1',
    });
    const call = (traceHeader: string | undefined) => ({
      traceHeader,
      functionName: 'products-get',
      operation: 'GetItem',
      tables: ['products'],
      body: '{}',
      attempt: 1,
      startTime: 0,
      endTime: 1,
      statusCode: 200,
    });
    steps.matched('/products/{id}', 'products-get');
    steps.invoking();
    steps.started('inv-1', false);
    tracer.onDynamoDbCall(call('Root=1-66704cad-0123456789abcdef01234567;Parent=9f2c0d4e1a2b3c4d;Sampled=0'));
    tracer.onDynamoDbCall(call('Parent=9f2c0d4e1a2b3c4d;Root=1-66704cad-0123456789abcdef01234567'));
    tracer.onDynamoDbCall(call('Root=1-66704cad-ffffffffffffffffffffffff'));
    tracer.onDynamoDbCall(call(undefined));
    steps.invoked(true);
    steps.answered(200);
    const trace = tracer.ring.get('66704cad0123456789abcdef01234567');
    assert.equal(trace?.spans.filter((span) => span.name === 'DynamoDB.GetItem').length, 2);
  });

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
    const invoke = trace.spans.find((span) => span.name === 'invoke products-get');
    assert.equal(invoke?.attributes['faas.invocation_id'], 'inv-req-7');
    assert.equal(invoke?.attributes['local.handler_ms'], 1.23, 'as the REPORT line writes it');
  });
});
