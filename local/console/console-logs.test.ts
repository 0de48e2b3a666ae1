// How a kept log line is linked to the trace of its request.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toLogLine } from './console-logs.ts';

const line = (fields: Record<string, unknown>) => ({
  timestamp: 0,
  logGroup: '/aws/lambda/products-get',
  message: JSON.stringify(fields),
  fields,
});

test('a line the tracer no longer knows is linked by the X-Ray root Powertools wrote in it', () => {
  const forgotten = () => undefined;
  // Powertools' `xray_trace_id` is the root alone.
  const bare = toLogLine(
    line({ level: 'INFO', requestId: 'r-1', xray_trace_id: '1-66704cad-0123456789abcdef01234567' }),
    forgotten,
  );
  assert.equal(bare.traceId, '66704cad0123456789abcdef01234567');
  const header = toLogLine(
    line({ xray_trace_id: 'Root=1-66704cad-0123456789abcdef01234567;Parent=9f2c0d4e1a2b3c4d;Sampled=0' }),
    forgotten,
  );
  assert.equal(header.traceId, '66704cad0123456789abcdef01234567');
  assert.equal(toLogLine(line({ xray_trace_id: 'not a root' }), forgotten).traceId, undefined);
});

test('the tracer’s link by request id comes first', () => {
  const linked = toLogLine(
    line({ requestId: 'r-2', xray_trace_id: '1-66704cad-0123456789abcdef01234567' }),
    (id) => (id === 'r-2' ? 'f'.repeat(32) : undefined),
  );
  assert.equal(linked.traceId, 'f'.repeat(32));
});
