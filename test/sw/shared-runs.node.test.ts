// The worker's wake-ups (Background Sync, a page's syncInWorker) and the runs of its sync that
// answer them (handleBackgroundSync's sharedRuns).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sharedRuns } from '../../sw/shared-runs.js';

/** A run per call whose end the test decides; `started` counts the runs begun. */
function controlledRuns() {
  const ends: Array<(fail?: Error) => void> = [];
  const run = () => new Promise<void>((resolve, reject) => ends.push((fail) => (fail ? reject(fail) : resolve())));
  return { run, ends, started: () => ends.length };
}

const settled = (p: Promise<unknown>) => p.then((v) => ({ ok: true, v }), (e: Error) => ({ ok: false, v: e.message }));

test('a wake-up that comes while a run is under way is answered by a run that starts after it, shared by every wake-up that came meanwhile', async () => {
  const runs = controlledRuns();
  const wake = sharedRuns(runs.run);
  const first = settled(wake());
  assert.equal(runs.started(), 1);
  // Two more during the first run (a page's edit after that run pushed, a Background Sync event).
  let laterAnswered = false;
  const second = settled(wake()).then((a) => ((laterAnswered = true), a));
  const third = settled(wake());
  assert.equal(runs.started(), 1, 'no second run beside the first');
  runs.ends[0]();
  assert.deepEqual(await first, { ok: true, v: undefined });
  await new Promise((r) => setImmediate(r));
  assert.equal(runs.started(), 2, 'one run after the first, for both later wake-ups');
  assert.equal(laterAnswered, false, 'the later wake-ups wait for the run that started after them');
  runs.ends[1](new Error('the server refused the token'));
  assert.deepEqual(await second, { ok: false, v: 'the server refused the token' });
  assert.deepEqual(await third, { ok: false, v: 'the server refused the token' });
  assert.equal(runs.started(), 2);
});

test('a wake-up after a run ended, well or not, starts a new run at once', async () => {
  const runs = controlledRuns();
  const wake = sharedRuns(runs.run);
  const first = settled(wake());
  runs.ends[0](new Error('network down'));
  assert.deepEqual(await first, { ok: false, v: 'network down' });
  const again = settled(wake());
  assert.equal(runs.started(), 2);
  runs.ends[1]();
  assert.deepEqual(await again, { ok: true, v: undefined });
  const third = settled(wake());
  assert.equal(runs.started(), 3);
  runs.ends[2]();
  await third;
});
