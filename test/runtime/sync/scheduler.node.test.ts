import { describe, it, mock, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { Scheduler, type CycleResult } from '../../../runtime/sync/scheduler.js';

/** Lets resolved promises run their callbacks (real setImmediate: only setTimeout and Date are faked). */
const flush = () => new Promise<void>((r) => setImmediate(r));

/** A scheduler whose cycles the test ends by hand; `starts` records when each cycle began. */
function harness(options: { random?: () => number } = {}) {
  const starts: number[] = [];
  const ends: Array<(r: CycleResult) => void> = [];
  const scheduler = new Scheduler({
    random: options.random ?? (() => 1),
    cycle: () => {
      starts.push(Date.now());
      return new Promise<CycleResult>((resolve) => ends.push(resolve));
    },
  });
  /** Ends the running cycle with `result` and lets the scheduler react. */
  const end = async (result: CycleResult = { ok: true }) => {
    ends.shift()!(result);
    await flush();
  };
  return { scheduler, starts, end, running: () => ends.length > 0 };
}

// The scheduler waits out Retry-After on the monotonic clock (performance.now), which node's fake
// timers do not fake: here it follows the fake time, less `skew`, what a test moves the wall
// clock (Date) by without any time passing.
let skew = 0;

describe('sync scheduler', () => {
  beforeEach(() => {
    mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 0 });
    skew = 0;
    mock.method(performance, 'now', () => Date.now() - skew);
  });
  afterEach(() => {
    mock.timers.reset();
    mock.restoreAll();
  });

  it('debounces: several schedule() calls within the delay run one cycle, when the last delay passes', async () => {
    const { scheduler, starts } = harness();
    scheduler.schedule(30);
    mock.timers.tick(20);
    scheduler.schedule(30);
    scheduler.schedule(30);
    mock.timers.tick(29);
    assert.deepEqual(starts, []);
    mock.timers.tick(1);
    assert.deepEqual(starts, [50]);
  });

  it('coalesces: syncNow() and schedule() during a cycle give that cycle plus exactly one more', async () => {
    const { scheduler, starts, end } = harness();
    const first = scheduler.syncNow();
    const again = scheduler.syncNow();
    const third = scheduler.syncNow();
    scheduler.schedule(0);
    scheduler.schedule(0);
    assert.equal(again, third, 'calls during one cycle share the cycle after it');
    await end();
    await first;
    mock.timers.tick(0);
    assert.equal(starts.length, 2);
    await end();
    await again;
    mock.timers.tick(1000);
    assert.equal(starts.length, 2);
  });

  it('syncNow() during a cycle resolves with a cycle that starts after the call, not the running one (which may have pulled before the server had what the caller waits for)', async () => {
    const { scheduler, starts, end } = harness();
    void scheduler.syncNow();
    let settled = false;
    const after = scheduler.syncNow().then(() => (settled = true));
    await end();
    await Promise.resolve();
    assert.equal(settled, false, 'not with the cycle that was running');
    assert.equal(starts.length, 2, 'the next cycle starts at once');
    await end();
    await after;
    assert.equal(settled, true);
  });

  it('backs off exponentially after failures (capped at 30 s) and starts over after a success', async () => {
    const { scheduler, starts, end } = harness();
    void scheduler.syncNow();
    const delays: number[] = [];
    for (let i = 0; i < 9; i++) {
      const at = Date.now();
      await end({ ok: false });
      const before = starts.length;
      while (starts.length === before) mock.timers.tick(1);
      delays.push(Date.now() - at);
    }
    assert.deepEqual(delays, [500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
    await end({ ok: true });
    // The next failure backs off by the first step again.
    void scheduler.syncNow();
    await end({ ok: false });
    mock.timers.tick(499);
    assert.equal(starts.length, 11);
    mock.timers.tick(1);
    assert.equal(starts.length, 12);
  });

  it('jitter: the backoff is a random fraction of the step', async () => {
    const { scheduler, starts, end } = harness({ random: () => 0.25 });
    void scheduler.syncNow();
    await end({ ok: false });
    mock.timers.tick(124);
    assert.equal(starts.length, 1);
    mock.timers.tick(1);
    assert.equal(starts.length, 2);
  });

  it('Retry-After holds off every trigger until it passes; an explicit syncNow() still runs', async () => {
    const { scheduler, starts, end } = harness();
    void scheduler.syncNow();
    await end({ ok: false, retryAfterMs: 2000 });
    scheduler.schedule(0);
    scheduler.schedule(30);
    mock.timers.tick(1999);
    assert.equal(starts.length, 1, 'no cycle inside the Retry-After window');
    mock.timers.tick(1);
    assert.equal(starts.length, 2);
    await end({ ok: false, retryAfterMs: 5000 });
    void scheduler.syncNow();
    assert.equal(starts.length, 3, 'the app asked explicitly');
  });

  it('a wall-clock jump back during a Retry-After wait does not lengthen it: a trigger then still runs when the wait ends', async () => {
    const HOUR = 3_600_000;
    // A wall clock that can go back an hour (fake time starts at 0, and cannot go below it).
    mock.timers.setTime(2 * HOUR);
    skew = 2 * HOUR;
    const { scheduler, starts, end } = harness();
    void scheduler.syncNow();
    await end({ ok: false, retryAfterMs: 2000 });
    // The device's time is set back an hour (a time sync, the user); no time passes.
    mock.timers.setTime(Date.now() - HOUR);
    skew -= HOUR;
    // A trigger (a write, focus) during the wait: it runs once the server's 2 s are over, not an hour later.
    scheduler.schedule(0);
    mock.timers.tick(1999);
    assert.equal(starts.length, 1, 'no cycle inside the Retry-After window');
    mock.timers.tick(1);
    assert.equal(starts.length, 2, 'the cycle runs when the 2 s Retry-After ends, whatever the wall clock did');
  });

  it('a failed cycle drops requests made during it: they wait for the backoff', async () => {
    const { scheduler, starts, end } = harness();
    void scheduler.syncNow();
    scheduler.schedule(0);
    await end({ ok: false });
    mock.timers.tick(0);
    assert.equal(starts.length, 1);
    mock.timers.tick(500);
    assert.equal(starts.length, 2);
  });

  it('pause: no cycles until resume(), which runs one at once with the backoff reset', async () => {
    const { scheduler, starts, end } = harness();
    void scheduler.syncNow();
    await end({ ok: false });
    mock.timers.tick(500);
    await end({ ok: false, pause: true });
    scheduler.schedule(0);
    await scheduler.syncNow();
    mock.timers.tick(60_000);
    assert.equal(starts.length, 2, 'paused: neither a schedule nor a syncNow runs a cycle');
    scheduler.resume();
    mock.timers.tick(0);
    assert.equal(starts.length, 3);
    // The backoff starts over: a failure now waits the first step (500 ms), not the third.
    await end({ ok: false });
    mock.timers.tick(499);
    assert.equal(starts.length, 3);
    mock.timers.tick(1);
    assert.equal(starts.length, 4);
  });

  it('close: no cycle starts afterwards, not even a pending timer\'s', async () => {
    const { scheduler, starts } = harness();
    scheduler.schedule(30);
    scheduler.close();
    mock.timers.tick(1000);
    await scheduler.syncNow();
    assert.deepEqual(starts, []);
  });

  it('cancel: a scheduled cycle and a failed cycle\'s retry do not run (this tab stopped leading)', async () => {
    const { scheduler, starts, end } = harness();
    scheduler.schedule(0);
    mock.timers.tick(0);
    scheduler.cancel();
    await end({ ok: false });
    mock.timers.tick(60_000);
    assert.deepEqual(starts, [0], 'no retry after a cancel');
    scheduler.schedule(10_000);
    scheduler.cancel();
    mock.timers.tick(60_000);
    assert.deepEqual(starts, [0], 'no scheduled cycle after a cancel');
  });
});
