import { expect } from '@open-wc/testing';
import { openStore } from '../../../runtime/store/index.js';
import { createSync, syncCollections } from '../../../runtime/sync/index.js';
import { syncOnce } from '../../../runtime/sync/engine.js';
import { stubUrl } from '../../../testing/commands.js';
import { client, closeAll, closeClient, login, serverDocs, unique, waitFor } from './helpers.js';

// The tabs of one store share one client id and outbox: only the tab (or worker) holding the lock
// may talk to the server, or a late answer to one would be applied over the other's newer state.

/** The sync requests made with `token` (the tabs here share the page's fetch), and a gate on their answers. */
function watchRequests(token: string): { count: () => number; hold: () => void; release: () => void; held: () => number; restore: () => void } {
  const real = window.fetch;
  let sent = 0;
  let held = 0;
  let gate: Promise<void> | undefined;
  let open = () => {};
  window.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const mine = new Headers(init?.headers).get('authorization') === `Bearer ${token}` && String(input).includes('/sync/v1/');
    if (mine) sent++;
    const res = await real(input, init);
    if (mine && gate) {
      held++;
      await gate;
    }
    return res;
  };
  return {
    count: () => sent,
    hold: () => void (gate = new Promise<void>((r) => (open = r))),
    release: () => open(),
    held: () => held,
    restore: () => (open(), (window.fetch = real)),
  };
}

/** The first message on BroadcastChannel `name` that `ok` accepts. */
function nextMessage(name: string, ok: (m: { type?: string }) => boolean): Promise<void> {
  const channel = new BroadcastChannel(name);
  return new Promise((resolve) => (channel.onmessage = (e) => ok(e.data) && (channel.close(), resolve())));
}

describe('sync from a tab that does not lead', () => {
  const restores: (() => void)[] = [];
  afterEach(async () => {
    // Newest first: each fetch watcher restores the one it wrapped.
    restores.splice(0).reverse().forEach((restore) => restore());
    await closeAll();
  });

  it("a follower's syncNow() has the leader push its edit and pull the server's changes, and sends no request itself", async () => {
    const a = await client();
    await waitFor(() => a.sync.status.leader, 'the first tab to lead');
    const b = await client({ name: a.name, token: await login() });
    const requests = watchRequests(b.token);
    restores.push(requests.restore);
    const [mine, theirs] = [unique('f'), unique('f')];
    const other = await client();
    expect(await (await other.sync.put('notes', { id: theirs })).acked).to.include({ status: 'applied' });
    await b.sync.put('notes', { id: mine });
    await b.sync.syncNow();
    expect(requests.count(), "the follower's own sync requests").to.equal(0);
    expect(b.sync.status.leader).to.equal(false);
    expect((await serverDocs(mine)).has(`notes/${mine}`), 'the edit on the server').to.equal(true);
    expect(await b.store.collection('notes').get(theirs), "the other client's note pulled").to.deep.equal({ id: theirs });
    expect(await b.sync.pendingFor('notes', mine)).to.equal(0);
  });

  it("a tab opened while a service worker's syncOnce holds the lock asks it instead of syncing beside it, then leads once the worker is done", async () => {
    const name = unique('sw');
    const url = await stubUrl();
    const [workerToken, tabToken] = await Promise.all([login(), login()]);
    const workerStore = await openStore({ name, version: 1, collections: { notes: { keyPath: 'id' }, tasks: { keyPath: 'id' }, ...syncCollections } });
    const worker = watchRequests(workerToken);
    const tabRequests = watchRequests(tabToken);
    restores.push(worker.restore, tabRequests.restore, () => workerStore.close());
    worker.hold();
    const synced = syncOnce({ store: workerStore, url, auth: { token: workerToken }, collections: { notes: {}, tasks: {} } });
    await waitFor(() => worker.held() > 0, "the worker's first answer to be held");
    const tab = await client({ name, token: tabToken });
    const id = unique('n');
    await tab.sync.put('notes', { id });
    const asked = nextMessage(`outpost-sync-status:${name}`, (m) => m.type === 'sync');
    const done = tab.sync.syncNow();
    await asked;
    expect(tabRequests.count(), "the tab's requests while the worker holds the lock").to.equal(0);
    worker.release();
    expect(await synced).to.equal('synced');
    await done;
    expect(tab.sync.status.leader, 'the tab leads once the worker is done').to.equal(true);
    expect((await serverDocs(id)).has(`notes/${id}`), "the tab's edit on the server").to.equal(true);
  });

  it("a service worker's syncOnce while a tab leads waits for the tab's cycle, and pushes itself when the tab closes before it pushed", async () => {
    const a = await client();
    await waitFor(() => a.sync.status.leader, 'the tab to lead');
    // The tab's sync requests wait here and never reach the server: it closes before it pushes.
    const real = window.fetch;
    let stuck = 0;
    let cut = () => {};
    const gate = new Promise<void>((r) => (cut = r));
    window.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
      if (new Headers(init?.headers).get('authorization') !== `Bearer ${a.token}` || !String(input).includes('/sync/v1/')) return real(input, init);
      stuck++;
      await gate;
      throw new TypeError('cut by the test: the tab closed');
    };
    restores.push(() => (cut(), (window.fetch = real)));
    const id = unique('n');
    await a.sync.put('notes', { id });
    await waitFor(() => stuck > 0, "the tab's push to be under way");
    const workerStore = await openStore({ name: a.name, version: 1, collections: { notes: { keyPath: 'id' }, tasks: { keyPath: 'id' }, ...syncCollections } });
    restores.push(() => workerStore.close());
    const asked = nextMessage(`outpost-sync-status:${a.name}`, (m) => m.type === 'sync');
    const once = syncOnce({ store: workerStore, url: await stubUrl(), auth: { token: await login() }, collections: { notes: {}, tasks: {} } });
    // Before: it answered 'leader-busy' at once, so the Background Sync event counted as done.
    expect(await Promise.race([once.then((r) => `resolved ${r}`), asked.then(() => 'asked the tab')]), 'syncOnce beside a leading tab').to.equal('asked the tab');
    closeClient(a);
    expect(await once, 'the worker ran the cycle the closed tab did not').to.equal('synced');
    expect((await serverDocs(id)).has(`notes/${id}`), 'the edit on the server').to.equal(true);
    expect(await workerStore.collection('$outbox').count()).to.equal(0);
  });

  it("a service worker's syncOnce while a tab leads resolves leader-busy only once the tab's cycle pushed, and rejects with the code of a cycle that failed", async () => {
    const a = await client();
    await waitFor(() => a.sync.status.leader, 'the tab to lead');
    const requests = watchRequests(a.token);
    restores.push(requests.restore);
    requests.hold();
    const id = unique('n');
    await a.sync.put('notes', { id });
    await waitFor(() => requests.held() > 0, "the tab's push answer to be held");
    const workerStore = await openStore({ name: a.name, version: 1, collections: { notes: { keyPath: 'id' }, tasks: { keyPath: 'id' }, ...syncCollections } });
    restores.push(() => workerStore.close());
    const options = { store: workerStore, url: await stubUrl(), auth: { token: await login() }, collections: { notes: {}, tasks: {} } };
    const asked = nextMessage(`outpost-sync-status:${a.name}`, (m) => m.type === 'sync');
    const once = syncOnce(options);
    expect(await Promise.race([once.then((r) => `resolved ${r}`), asked.then(() => 'asked the tab')]), 'syncOnce beside a leading tab').to.equal('asked the tab');
    requests.release();
    expect(await once).to.equal('leader-busy');
    expect(await a.sync.pendingFor('notes', id), 'pending once the worker is answered').to.equal(0);
    expect(a.sync.status.leader, 'the tab still leads').to.equal(true);
    // The tab's cycle fails (its token refused): the worker's run fails with that code, and the browser retries it.
    a.sync.setAuth({ token: 'revoked-for-the-test' });
    await waitFor(() => a.sync.status.lastError?.code === 'auth-required', 'the tab to pause on auth-required');
    const failed = await syncOnce(options).then(() => undefined, (err: { code?: string }) => err.code);
    expect(failed, "the worker's run beside a tab whose cycle fails").to.equal('auth-required');
  });

  it("a follower's syncNow() left unanswered by a leader that closed is answered by the tab that leads next", async () => {
    const a = await client();
    await waitFor(() => a.sync.status.leader, 'the first tab to lead');
    await a.sync.syncNow();
    const c = await client({ name: a.name, token: await login() });
    // c queues for the lock (with its status channel) before b: the lock goes to c when a closes.
    await waitFor(() => c.sync.status.lastSyncedAt !== undefined, "c to show the leader's status");
    const b = await client({ name: a.name, token: await login() });
    const leader = watchRequests(a.token);
    const follower = watchRequests(b.token);
    restores.push(leader.restore, follower.restore);
    leader.hold();
    const id = unique('n');
    await b.sync.put('notes', { id });
    await waitFor(() => leader.held() > 0, "the leader's push of the edit to be held");
    const done = b.sync.syncNow();
    closeClient(a);
    await done;
    expect(c.sync.status.leader, 'c leads').to.equal(true);
    expect(b.sync.status.leader, 'b still follows').to.equal(false);
    expect(follower.count(), "b's own sync requests").to.equal(0);
    expect((await serverDocs(id)).has(`notes/${id}`)).to.equal(true);
    expect(await b.sync.pendingFor('notes', id)).to.equal(0);
  });

  it('a leading tab whose store a newer version of the app upgraded ends its sync, even mid-cycle: the newer tab leads and pushes', async () => {
    const a = await client();
    await waitFor(() => a.sync.status.leader, 'the old tab to lead');
    await a.sync.syncNow();
    // The old tab's next cycle waits for its pull's answer while the upgrade happens.
    const requests = watchRequests(a.token);
    restores.push(requests.restore);
    requests.hold();
    const cycle = a.sync.syncNow();
    await waitFor(() => requests.held() > 0, "the old tab's pull to be held");
    // The newer version: the same store one version up (a new index), in another tab.
    const store = await openStore({ name: a.name, version: 2, collections: { notes: { keyPath: 'id', indexes: { byText: 'text' } }, tasks: { keyPath: 'id' }, ...syncCollections } });
    const b = await createSync({ store, url: await stubUrl(), auth: { token: await login() }, collections: { notes: {}, tasks: {} }, events: false });
    restores.push(() => (b.close(), store.close()));
    requests.release();
    await cycle;
    expect(a.sync.status.lastError?.code, "the old tab's status once its cycle ended").to.equal('store-outdated');
    await waitFor(() => b.status.leader, 'the newer tab to lead');
    const id = unique('v2');
    expect(await (await b.put('notes', { id, text: 'new' })).acked).to.include({ status: 'applied' });
  });
});
