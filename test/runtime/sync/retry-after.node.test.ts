import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_RETRY_AFTER_MS, retryAfterMs } from '../../../runtime/sync/transport.js';

// The delay the engine waits for a Retry-After: an HTTP-date is read once against the device's
// clock (`now`) and, like seconds, clamped, so a skewed clock or a mistaken header cannot hold sync
// off for longer than an hour (the wait itself runs on the monotonic clock: scheduler.node.test.ts).
describe('Retry-After as a delay', () => {
  const now = Date.parse('2026-12-07T12:00:00Z');

  it('an HTTP-date is a delay from the device clock, read once', () => {
    assert.equal(retryAfterMs('Mon, 07 Dec 2026 12:00:30 GMT', now), 30_000);
    assert.equal(retryAfterMs('Mon, 07 Dec 2026 11:59:00 GMT', now), 0, 'a date already past waits nothing');
  });

  it('an HTTP-date far ahead of the device clock (a clock years behind, or a mistaken header) is clamped to one hour', () => {
    assert.equal(MAX_RETRY_AFTER_MS, 3_600_000);
    assert.equal(retryAfterMs('Fri, 07 Dec 2029 12:00:00 GMT', now), MAX_RETRY_AFTER_MS);
  });

  it('seconds are taken as they are, up to the same hour; anything unreadable is no Retry-After', () => {
    assert.equal(retryAfterMs('120', now), 120_000);
    assert.equal(retryAfterMs('86400', now), MAX_RETRY_AFTER_MS);
    assert.equal(retryAfterMs('-5', now), 0);
    assert.equal(retryAfterMs('soon', now), undefined);
    assert.equal(retryAfterMs(null, now), undefined);
  });
});
