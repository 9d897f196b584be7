import { expect } from '@open-wc/testing';
import { client, closeAll, unique, type Client } from './helpers.js';
import { killStub, startStubAgain } from '../../../testing/commands.js';
import type { SyncStatus } from '../../../runtime/sync/index.js';

/** Resolves with the first status of `c` that satisfies `ok` (now or later), or fails after 10 s naming `what`. */
function statusOf(c: Client, ok: (s: SyncStatus) => boolean, what: string): Promise<SyncStatus> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => (stop(), reject(new Error(`Timed out waiting for ${what}; last status ${JSON.stringify(c.sync.status)}`))), 10_000);
    const stop = c.sync.subscribe((s) => {
      if (!ok(s)) return;
      clearTimeout(timer);
      queueMicrotask(() => stop());
      resolve(s);
    });
  });
}

describe('sync status in a tab that is not the leader', () => {
  afterEach(() => closeAll());

  it("shows the leader's status: up to date after its sync, pending until the server has a change, and the failure when the server stops", async () => {
    const first = await client();
    const second = await client({ name: first.name, token: first.token });
    // Either tab may win the lock (the election loads after start): the test follows whichever did.
    const winner = await new Promise<Client>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('Timed out waiting for a leader to finish its first sync')), 10_000);
      const stops = [first, second].map((c) =>
        c.sync.subscribe((s) => {
          if (!s.leader || s.state !== 'idle') return;
          clearTimeout(timer);
          queueMicrotask(() => stops.forEach((stop) => stop()));
          resolve(c);
        }),
      );
    });
    const [leader, follower] = winner === first ? [first, second] : [second, first];
    const synced = leader.sync.status;
    const mirrored = await statusOf(follower, (s) => s.state === 'idle' && s.lastSyncedAt !== undefined, 'the follower to show "up to date"');
    expect(mirrored.leader).to.equal(false);
    expect(mirrored.lastSyncedAt).to.be.at.least(synced.lastSyncedAt!);
    // A change made in the follower: pending while the leader pushes it, then none.
    const handle = await follower.sync.put('notes', { id: unique('s') });
    expect(await handle.acked).to.include({ status: 'applied' });
    await statusOf(follower, (s) => s.pending === 0 && s.state === 'idle', 'the follower to show nothing pending once acked');
    await killStub();
    try {
      void leader.sync.syncNow().catch(() => undefined);
      const failed = await statusOf(leader, (s) => s.state !== 'idle' && s.state !== 'syncing' && !!s.lastError, 'the leader to fail against the stopped server');
      const shown = await statusOf(follower, (s) => s.state === failed.state && !!s.lastError, "the follower to show the leader's failure");
      expect(shown.lastError!.code).to.equal(failed.lastError!.code);
      // The network is up, only the server is gone: unreachable, in both tabs.
      expect(failed.state).to.equal('unreachable');
    } finally {
      await startStubAgain();
    }
  });
});
