import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEFAULT_SETTINGS, WAF_EVALUATION_WINDOWS } from './settings.ts';
import { clientRateLimit, WAF_MIN_RATE_LIMIT } from './web-acl.ts';

describe("the WAF's rate limit per client IP", () => {
  test("is the client's share of the stage's steady rate over the evaluation window", () => {
    assert.equal(clientRateLimit(DEFAULT_SETTINGS), 1500);
    const settings = {
      throttlingRateLimit: 2.5,
      wafClientRatePercent: 50,
      wafRateWindowSeconds: 600,
    } as const;
    assert.equal(clientRateLimit(settings), 750);
  });

  test('is a whole number of requests, never below what WAF accepts', () => {
    assert.equal(WAF_MIN_RATE_LIMIT, 10);
    const tiny = { throttlingRateLimit: 0.1, wafClientRatePercent: 1, wafRateWindowSeconds: 60 } as const;
    assert.equal(clientRateLimit(tiny), WAF_MIN_RATE_LIMIT);
    const odd = { throttlingRateLimit: 3, wafClientRatePercent: 33, wafRateWindowSeconds: 60 } as const;
    assert.equal(clientRateLimit(odd), 59, 'rounded down: a client never gets more than its share');
    for (const window of WAF_EVALUATION_WINDOWS) {
      assert.ok(Number.isInteger(clientRateLimit({ ...odd, wafRateWindowSeconds: window })));
    }
  });

  test('uses only the evaluation windows WAF offers', () => {
    assert.deepEqual(WAF_EVALUATION_WINDOWS, [60, 120, 300, 600]);
  });
});
