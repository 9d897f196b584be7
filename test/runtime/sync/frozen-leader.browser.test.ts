// A leader tab the browser freezes (Chromium freezes background tabs: `freeze` fires, then nothing
// runs there) must not hold up the other tabs: it gives its Web Lock up and ends its IndexedDB
// transactions as it freezes, another tab takes over and pushes, each mutation is applied once,
// and the thawed tab follows. The tabs are real separate pages (testing kit openPage); the freeze is
// the browser's own (testing kit setPageLifecycle: CDP Page.setWebLifecycleState, Chromium only).
import { expect } from '@open-wc/testing';
import { closeAll, client, serverDocs, unique, waitFor } from './helpers.js';
import { RemoteTab, leaderWithPendingEdits } from './tabs.js';
import { setProxyRules } from '../../../testing/commands.js';
import type { SyncStatus } from '../../../runtime/sync/index.js';

/** The bound: another tab pushes a frozen leader's edits within this. */
const TAKEOVER_MS = 10_000;
const opened: RemoteTab[] = [];
async function tab(options: Parameters<typeof RemoteTab.open>[0]): Promise<RemoteTab> {
  const t = await RemoteTab.open(options);
  opened.push(t);
  return t;
}
const lockHeld = async (name: string) => !!(await navigator.locks.query()).held?.some((l) => l.name === name);

describe('sync engine: a frozen leader tab', () => {
  afterEach(async () => {
    await setProxyRules([]);
    for (const t of opened.splice(0)) {
      await t.lifecycle('active');
      await t.close();
    }
    await closeAll();
  });

  it('frozen (Chromium) with a transaction open: gives its lock up, another tab pushes its edits within 10 s, each applied once; thawed, it follows', async function () {
    this.timeout(90_000);
    const prefix = unique('frozen');
    const store = unique('frozen-store');
    // A leads with three edits its pushes cannot deliver for now (503, Retry-After an hour).
    const { tab: a, token, url } = await leaderWithPendingEdits(tab, { prefix, store, events: true });
    // A transaction of A's store is open as it freezes (as a pulled page being applied would be):
    // left open, it would hold every other tab's transactions on those collections for good.
    await a.call('busy');
    const frozen = await a.lifecycle('frozen');
    if (!frozen) {
      // Firefox: no command freezes a page (it never freezes a tab short of the back/forward cache).
      expect(navigator.userAgent).to.include('Firefox');
      return;
    }
    const deadline = performance.now() + TAKEOVER_MS;
    const left = () => Math.max(0, deadline - performance.now());
    await setProxyRules([]);
    // No other engine competes yet: the lock is free only if the frozen tab gave it up.
    const lock = `outpost-sync:${store}`;
    await waitFor(async () => !(await lockHeld(lock)), 'the frozen leader to give its lock up', left());

    // The test page is tab B, on the same store.
    const b = await client({ name: store, token, sync: { url, events: true } });
    const hb = await b.sync.put('notes', { id: `${prefix}-b`, v: 9 });
    await waitFor(() => b.sync.status.leader, 'tab B to lead', left(), () => b.sync.status);
    await waitFor(async () => (await b.store.collection('$outbox').count()) === 0, "A's pending edits and B's pushed by B", left(), () => b.sync.status);
    expect(await hb.acked).to.include({ status: 'applied', rev: 1 });
    let server = await serverDocs(prefix);
    expect([...server.keys()].sort()).to.deep.equal([`notes/${prefix}-a0`, `notes/${prefix}-a1`, `notes/${prefix}-a2`, `notes/${prefix}-b`]);

    // Thawed, A follows: its transaction cut at the freeze runs again and commits, it does not
    // lead, and its next edit goes out through B.
    await a.lifecycle('active');
    expect(await a.call('idle')).to.equal('committed');
    expect((await a.call<SyncStatus>('status')).leader).to.equal(false);
    const ha = await a.call<number>('put', 'notes', { id: `${prefix}-a3`, v: 3 });
    await waitFor(async () => (await a.call('handle', ha)) === 'applied', "A's new edit applied through B", 20_000, () => b.sync.status);
    expect(b.sync.status.leader).to.equal(true);
    expect((await a.call<SyncStatus>('status')).leader).to.equal(false);
    expect(await a.call('pending')).to.equal(0);
    server = await serverDocs(prefix);
    expect(server.size).to.equal(5);
    // Exactly once: a second application of any mutation would have raised its document's rev.
    for (const [key, doc] of server) expect(doc.rev, `${key} applied once`).to.equal(1);
    expect(await b.store.collection('$rejected').count()).to.equal(0);
    expect(await b.store.collection('$conflicts').count()).to.equal(0);
  });

  // Neither browser keeps this page in the back/forward cache (Firefox: it holds a Web Lock and an
  // IndexedDB connection; Chromium: measured, it comes back loaded again), so this checks the page
  // that leaves being unloaded, not the `pagehide` persisted hand-over.
  it('navigated away: its lock is freed, another tab pushes its edits, each applied once; back, it follows', async function () {
    this.timeout(90_000);
    const prefix = unique('away');
    // No event stream: a page with a request in flight never enters the back/forward cache.
    const store = unique('away-store');
    // A leads with three edits its pushes cannot deliver for now (503, Retry-After an hour).
    const { tab: a, token, url } = await leaderWithPendingEdits(tab, { prefix, store, events: false });
    await setProxyRules([]);
    await a.navigate('away');
    // No other engine competes yet: the lock is free only if the page that left gave it up (a page
    // Chromium keeps in the back/forward cache keeps what it holds unless it lets go in pagehide).
    const lock = `outpost-sync:${store}`;
    await waitFor(async () => !(await lockHeld(lock)), 'the page that left to give its lock up', TAKEOVER_MS);

    const b = await client({ name: store, token, sync: { url, events: true } });
    const hb = await b.sync.put('notes', { id: `${prefix}-b`, v: 9 });
    await waitFor(() => b.sync.status.leader, 'tab B to lead', TAKEOVER_MS, () => b.sync.status);
    await waitFor(async () => (await b.store.collection('$outbox').count()) === 0, "A's pending edits and B's pushed by B", TAKEOVER_MS, () => b.sync.status);
    expect(await hb.acked).to.include({ status: 'applied', rev: 1 });

    // Back (restored from the cache, or loaded again when the browser dropped it): A follows.
    await a.navigate('back');
    await waitFor(async () => (await a.call<SyncStatus>('status')).pending === 0, 'A to see nothing pending');
    expect((await a.call<SyncStatus>('status')).leader).to.equal(false);
    const ha = await a.call<number>('put', 'notes', { id: `${prefix}-a3`, v: 3 });
    await waitFor(async () => (await a.call('handle', ha)) === 'applied', "A's new edit applied through B", 20_000, () => b.sync.status);
    expect(b.sync.status.leader).to.equal(true);
    const server = await serverDocs(prefix);
    expect([...server.keys()].sort()).to.deep.equal([`notes/${prefix}-a0`, `notes/${prefix}-a1`, `notes/${prefix}-a2`, `notes/${prefix}-a3`, `notes/${prefix}-b`]);
    for (const [key, doc] of server) expect(doc.rev, `${key} applied once`).to.equal(1);
  });
});
