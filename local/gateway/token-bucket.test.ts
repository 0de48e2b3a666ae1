import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tokenBucket } from './token-bucket.ts';

describe('tokenBucket', () => {
  it('admits a burst of burstLimit requests at once, then refuses', () => {
    const bucket = tokenBucket({ rateLimit: 10, burstLimit: 3 }, () => 0);
    assert.deepEqual([bucket.take(), bucket.take(), bucket.take(), bucket.take()], [true, true, true, false]);
  });

  it('refills at rateLimit tokens a second, never above burstLimit', () => {
    let now = 0;
    const bucket = tokenBucket({ rateLimit: 10, burstLimit: 2 }, () => now);
    bucket.take();
    bucket.take();
    assert.equal(bucket.take(), false);
    now = 100; // 0.1 s at 10/s: one token
    assert.equal(bucket.take(), true);
    assert.equal(bucket.take(), false);
    now = 60_000; // a minute later the bucket is full again, and only full
    assert.deepEqual([bucket.take(), bucket.take(), bucket.take()], [true, true, false]);
  });
});
