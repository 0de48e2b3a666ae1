import assert from 'node:assert/strict';
import { test } from 'node:test';
import { retryAfterMs } from './retry-after.ts';

test('reads Retry-After as delta-seconds or as any of the three HTTP-date forms', () => {
  const now = Date.parse('Sun, 06 Nov 1994 08:49:30 GMT');
  assert.equal(retryAfterMs('120', now), 120_000);
  assert.equal(retryAfterMs(' 0 ', now), 0);
  assert.equal(retryAfterMs('Sun, 06 Nov 1994 08:49:37 GMT', now), 7000);
  assert.equal(retryAfterMs('Sunday, 06-Nov-94 08:49:37 GMT', now), 7000);
  assert.equal(retryAfterMs('Sun, 06 Nov 1994 08:00:00 GMT', now), 0, 'a date past is no wait');
});

test('leaves what is absent or unreadable to the caller', () => {
  for (const header of [null, undefined, '', '-1', '1.5', 'soon', '2026-12-06T19:00:00Z'])
    assert.equal(retryAfterMs(header), undefined, String(header));
});
