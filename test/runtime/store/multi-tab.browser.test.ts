import { expect } from '@open-wc/testing';
import { deleteStore, openStore, StoreError, type Store } from '../../../runtime/store/index.js';
import { mail, mailSchema, openMail, uniqueName, waitFor, withRawDb, type Mail } from './helpers.js';
import { CONDITION_TIMEOUT_MS } from '../../timeouts.js';

describe('live queries and several connections (tabs)', () => {
  let name: string;
  const opened: Store[] = [];
  const open = async (version = 1) => {
    const s = await openStore(mailSchema(name, version), { blockedTimeoutMs: 1000 });
    opened.push(s);
    return s;
  };
  beforeEach(() => {
    name = uniqueName();
  });
  afterEach(async () => {
    opened.splice(0).forEach((s) => s.close());
    await deleteStore(name);
  });

  it('a live query runs at once and again after each committed write it can see', async () => {
    const store = await open();
    const results: string[][] = [];
    const stop = store.observe(['messages'], () => store.collection<Mail>('messages').query({ index: 'byDate', direction: 'prev', limit: 2 }), (r) => results.push(r.map((m) => m.id)));
    await waitFor(results, (r) => r.length === 0);
    await store.collection<Mail>('messages').put(mail(1));
    await waitFor(results, (r) => r.join() === 'm0001');
    await store.transaction(['messages'], 'readwrite', async (tx) => {
      await tx.collection<Mail>('messages').bulkPut([mail(2), mail(3)]);
    });
    await waitFor(results, (r) => r.join() === 'm0003,m0002');
    // A write to another collection does not re-run it.
    const before = results.length;
    await store.collection('threads').put({ id: 't1' });
    await new Promise((r) => setTimeout(r, 100));
    expect(results.length).to.equal(before);
    stop();
    await store.collection<Mail>('messages').put(mail(4));
    await new Promise((r) => setTimeout(r, 100));
    expect(results.length).to.equal(before);
  });

  it('a write in one connection updates a live query in another (cross-tab via BroadcastChannel)', async () => {
    const tabA = await open();
    const tabB = await open();
    const seen: number[] = [];
    tabB.observe(['messages'], () => tabB.collection('messages').count(), (n) => seen.push(n));
    await waitFor(seen, (n) => n === 0);
    await tabA.collection<Mail>('messages').bulkPut([mail(1), mail(2)]);
    await waitFor(seen, (n) => n === 2);
  });

  it('a write in flight when its store closes commits, resolves and still updates the other tabs', async () => {
    const tabA = await open();
    const tabB = await open();
    const seen: number[] = [];
    tabB.observe(['messages'], () => tabB.collection('messages').count(), (n) => seen.push(n));
    await waitFor(seen, (n) => n === 0);
    // The tab closes (sign-out, a sync engine's close) between the write's requests and its commit.
    const written = tabA.transaction(['messages'], 'readwrite', async (tx) => {
      await tx.collection<Mail>('messages').put(mail(1));
      tabA.close();
      await tx.collection<Mail>('messages').put(mail(2));
    });
    await written;
    await waitFor(seen, (n) => n === 2);
    expect(await tabB.collection('messages').count()).to.equal(2);
  });

  it('an aborted transaction notifies no live query', async () => {
    const store = await open();
    const seen: number[] = [];
    store.observe(['messages'], () => store.collection('messages').count(), (n) => seen.push(n));
    await waitFor(seen, (n) => n === 0);
    await store
      .transaction(['messages'], 'readwrite', async (tx) => {
        await tx.collection<Mail>('messages').put(mail(1));
        throw new Error('nope');
      })
      .catch(() => undefined);
    await new Promise((r) => setTimeout(r, 100));
    expect(seen).to.deep.equal([0]);
  });

  it('an upgrade from a newer tab closes the old connection with store-outdated, and nothing hangs', async () => {
    const oldTab = await open(1);
    let outdated = 0;
    oldTab.addEventListener('store-outdated', () => outdated++);
    await oldTab.collection<Mail>('messages').put(mail(1));
    const newTab = await open(2);
    expect(outdated).to.equal(1);
    expect(await newTab.collection('messages').get('m0001')).to.deep.equal(mail(1));
    const err = await oldTab.collection('messages').get('m0001').then(() => undefined, (e: StoreError) => e);
    expect(err).to.be.instanceOf(StoreError);
    expect(err!.code).to.equal('connection-closed');
    expect(err!.message).to.contain('Reload');
  });

  it('an outdated tab\'s live queries stop: the newer tab\'s writes re-run none of them', async () => {
    const oldTab = await open(1);
    const errors: unknown[] = [];
    const runs: number[] = [];
    oldTab.observe(['messages'], () => oldTab.collection('messages').count(), (n) => runs.push(n), (e) => errors.push(e));
    oldTab.collection<Mail>('messages').observe({}, (rows) => runs.push(rows.length), (e) => errors.push(e));
    await waitFor(runs, () => runs.length === 2);
    const newTab = await open(2);
    // The newer tab's writes reach every tab's channel: this one hears them after the old tab's.
    const heard: unknown[] = [];
    const channel = new BroadcastChannel(`outpost-store:${name}`);
    channel.onmessage = (e) => heard.push(e.data);
    try {
      await newTab.collection<Mail>('messages').put(mail(1));
      await newTab.collection<Mail>('messages').put(mail(2));
      await waitFor(heard, () => heard.length === 2);
      // A re-run fails without reading (connection-closed at once): a few turns are plenty.
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      channel.close();
    }
    expect(errors).to.deep.equal([]);
    expect(runs).to.deep.equal([0, 0]);
  });

  it('a tab that held no connection while another upgraded (frozen) gets store-outdated and connection-closed, not a raw VersionError', async () => {
    const oldTab = await open(1);
    let outdated = 0;
    oldTab.addEventListener('store-outdated', () => outdated++);
    await oldTab.collection<Mail>('messages').put(mail(1));
    // As Chromium freezing a background tab: the store closes its connection, so the upgrade
    // below never sends it a versionchange.
    document.dispatchEvent(new Event('freeze'));
    const newTab = await open(2);
    expect(await newTab.collection('messages').get('m0001')).to.deep.equal(mail(1));
    // Thawed, its next operation reopens at its own, older version.
    const err = await oldTab.collection('messages').get('m0001').then(() => undefined, (e: unknown) => e);
    expect(err).to.be.instanceOf(StoreError);
    expect((err as StoreError).code).to.equal('connection-closed');
    expect((err as StoreError).message).to.contain('Reload');
    expect(outdated).to.equal(1);
    // A tab started with the older code after the upgrade is refused the same way.
    const late = await open(1).then(() => undefined, (e: unknown) => e);
    expect(late).to.be.instanceOf(StoreError);
    expect((late as StoreError).code).to.equal('connection-closed');
  });

  it('an upgrade blocked by a connection that will not close fails with version-blocked instead of hanging', async () => {
    // A raw connection that ignores versionchange, like a tab running foreign code.
    await (await open(1)).close();
    const stubborn = await new Promise<IDBDatabase>((resolve) => {
      const req = indexedDB.open(name);
      req.onsuccess = () => resolve(req.result);
    });
    const err = await open(2).then(() => undefined, (e: StoreError) => e);
    expect(err).to.be.instanceOf(StoreError);
    expect(err!.code).to.equal('version-blocked');
    stubborn.close();
  });

  it('a delete blocked by a connection that will not close says it is done once that connection closes, and it is', async () => {
    const store = await open(1);
    await store.collection<Mail>('messages').put(mail(1));
    store.close();
    const stubborn = await new Promise<IDBDatabase>((resolve) => {
      const req = indexedDB.open(name);
      req.onsuccess = () => resolve(req.result);
    });
    const err = await deleteStore(name, { blockedTimeoutMs: 200 }).then(() => undefined, (e: unknown) => e);
    stubborn.close();
    expect(err).to.be.instanceOf(StoreError);
    expect((err as StoreError).code).to.equal('version-blocked');
    expect((err as StoreError).message).to.contain('deleted as soon as');
    // An open queued behind the delete finds the database made afresh: the delete went ahead.
    expect(await withRawDb(name, async (db) => [db.version, db.objectStoreNames.length])).to.deep.equal([1, 0]);
  });

  it('the browser closing the connection is survived: the next operation reopens', async () => {
    const store = await open();
    await store.collection<Mail>('messages').put(mail(1));
    // Simulate the browser dropping the connection by closing the idb handle underneath.
    (await store.connect()).close();
    expect(await store.collection('messages').get('m0001')).to.deep.equal(mail(1));
  });

  it('an operation reopening the connection when the store is closed fails with connection-closed instead of hanging', async () => {
    const store = await open();
    await store.collection<Mail>('messages').put(mail(1));
    // Its connection ended (a freeze): the next operation reopens it, and the app closes the store meanwhile.
    document.dispatchEvent(new Event('freeze'));
    const read = store.collection('messages').get('m0001');
    store.close();
    const err = await Promise.race([
      read.then(() => 'resolved', (e: unknown) => e),
      new Promise((resolve) => setTimeout(resolve, CONDITION_TIMEOUT_MS, 'still pending')),
    ]);
    expect(err).to.be.instanceOf(StoreError);
    expect((err as StoreError).code).to.equal('connection-closed');
  });
});

describe('per-account stores', () => {
  it('each account has its own database and deleting one leaves the other intact', async () => {
    const { accountStoreName } = await import('../../../runtime/store/index.js');
    const app = uniqueName('mail');
    const alice = await openMail(accountStoreName(app, 'alice'));
    const bob = await openMail(accountStoreName(app, 'bob'));
    await alice.collection<Mail>('messages').put(mail(1));
    await bob.collection<Mail>('messages').put(mail(2));
    alice.close();
    await deleteStore(accountStoreName(app, 'alice'));
    const aliceAgain = await openMail(accountStoreName(app, 'alice'));
    expect(await aliceAgain.collection('messages').count()).to.equal(0);
    expect(await bob.collection('messages').get('m0002')).to.deep.equal(mail(2));
    aliceAgain.close();
    bob.close();
    await deleteStore(accountStoreName(app, 'alice'));
    await deleteStore(accountStoreName(app, 'bob'));
  });
});
