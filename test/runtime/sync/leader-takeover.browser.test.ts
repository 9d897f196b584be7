// A leader tab that hangs (its main thread stuck in a long task, or frozen without notice) keeps
// its Web Lock: another tab must take over, sync the outbox and apply each mutation once, and the
// stuck tab must step down when it runs again. The tabs are real separate pages (testing kit
// openPage), each with its own event loop and engine on one store.
import { expect } from '@open-wc/testing';
import { closeAll, closeClient, client, serverDocs, unique, waitFor } from './helpers.js';
import { RemoteTab, leaderWithPendingEdits } from './tabs.js';
import { setProxyRules } from '../../../testing/commands.js';
import type { MutationHandle, SyncStatus } from '../../../runtime/sync/index.js';

const HANG_MS = 30_000;
const opened: RemoteTab[] = [];
async function tab(options: Parameters<typeof RemoteTab.open>[0]): Promise<RemoteTab> {
  const t = await RemoteTab.open(options);
  opened.push(t);
  return t;
}

describe('sync engine: a hung leader tab', () => {
  afterEach(async () => {
    await setProxyRules([]);
    for (const t of opened.splice(0)) await t.close();
    await closeAll();
  });

  it('another tab takes over and syncs the outbox, each mutation applied once; the hung tab steps down when it runs again', async function () {
    this.timeout(HANG_MS + 60_000);
    const prefix = unique('hung');
    const store = unique('hung-store');
    // A leads with three edits its pushes cannot deliver for now (503, Retry-After an hour).
    const { tab: a, token, url } = await leaderWithPendingEdits(tab, { prefix, store, events: true });
    expect(await a.call('pending')).to.equal(3);

    // Long enough for the takeover below even on a loaded machine (it takes about 5 s).
    await a.hang(HANG_MS);
    await setProxyRules([]);
    // The test page is tab B, on the same store: it waits for the lock A holds.
    const b = await client({ name: store, token, sync: { url, events: true } });
    expect(b.sync.status.leader).to.equal(false);
    const hb = await b.sync.put('notes', { id: `${prefix}-b`, v: 9 });
    await waitFor(() => b.sync.status.leader, 'tab B to take over from the hung leader', 20_000, () => b.sync.status);
    expect(await hb.acked).to.include({ status: 'applied', rev: 1 });
    await waitFor(async () => (await b.store.collection('$outbox').count()) === 0, "A's pending edits pushed by B", 20_000, () => b.sync.status);
    let server = await serverDocs(prefix);
    expect([...server.keys()].sort()).to.deep.equal([`notes/${prefix}-a0`, `notes/${prefix}-a1`, `notes/${prefix}-a2`, `notes/${prefix}-b`]);

    // A runs again: it learns it no longer leads, and its next edit goes out through B.
    await waitFor(async () => !(await a.call<SyncStatus>('status')).leader, 'tab A to step down once it runs again', HANG_MS + 20_000);
    const ha = await a.call<number>('put', 'notes', { id: `${prefix}-a3`, v: 3 });
    await waitFor(async () => (await a.call('handle', ha)) === 'applied', "A's new edit applied through B", 20_000);
    expect(b.sync.status.leader).to.equal(true);
    server = await serverDocs(prefix);
    expect(server.size).to.equal(5);
    // Exactly once: a second application of any mutation would have raised its document's rev.
    for (const [key, doc] of server) expect(doc.rev, `${key} applied once`).to.equal(1);
    expect(await b.store.collection('$rejected').count()).to.equal(0);
    expect(await b.store.collection('$conflicts').count()).to.equal(0);
  });
});

describe('sync engine: a leader tab closed while its results commit', () => {
  afterEach(() => closeAll());

  it("still tells the other tabs: a follower's handle settles as applied, once", async () => {
    const prefix = unique('closing');
    const store = unique('closing-store');
    const leader = await client({ name: store });
    await waitFor(() => leader.sync.status.leader, 'the first tab to lead');
    const follower = await client({ name: store, token: leader.token });
    expect(follower.sync.status.leader).to.equal(false);

    // The leader closes (sign-out, tab closed) right as its push's results are being written:
    // the transaction in flight still commits, the follower's outbox entry with it.
    const remove = IDBObjectStore.prototype.delete;
    let closedMidWrite = false;
    IDBObjectStore.prototype.delete = function (this: IDBObjectStore, query: IDBValidKey | IDBKeyRange) {
      if (this.name === '$outbox' && !closedMidWrite) {
        closedMidWrite = true;
        closeClient(leader);
      }
      return remove.call(this, query);
    };
    let handle: MutationHandle;
    try {
      handle = await follower.sync.put('notes', { id: `${prefix}-f`, v: 1 });
      await waitFor(() => closedMidWrite, "the leader writing the push's results");
    } finally {
      IDBObjectStore.prototype.delete = remove;
    }
    await waitFor(() => handle.status === 'applied', "the follower's handle to settle", 10_000, () => handle.status);
    expect(await handle.acked).to.include({ status: 'applied', rev: 1 });
    // The follower leads now and finds nothing left to push: the leader's commit stood.
    await waitFor(() => follower.sync.status.leader, 'the follower to take over');
    await follower.sync.syncNow();
    expect(await follower.store.collection('$outbox').count()).to.equal(0);
    expect((await serverDocs(prefix)).get(`notes/${prefix}-f`)?.rev).to.equal(1);
  });
});
