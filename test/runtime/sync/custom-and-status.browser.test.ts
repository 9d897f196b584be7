import { expect, fixture, html } from '@open-wc/testing';
import { LitElement } from 'lit';
import { closeAll, client, duringPull, editElsewhere, renaming, serverDocs, unique, waitFor } from './helpers.js';
import { SyncStatusController } from '../../../runtime/sync/sync-status-controller.js';
import type { OutboxEntry, Sync, SyncOptions } from '../../../runtime/sync/index.js';
import { goOffline, goOnline } from '../../../testing/commands.js';

/** Holds a read-write transaction on `store` of database `name` (opened beside its app's connection) until `release` is called. */
async function holdStore(name: string, store: string): Promise<{ release(): void; done: Promise<void> }> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const open = indexedDB.open(name);
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
  const tx = db.transaction(store, 'readwrite');
  let held = true;
  // A transaction commits once it has no request left: keep one in flight until released.
  const spin = () => {
    if (held) tx.objectStore(store).count().onsuccess = spin;
  };
  spin();
  const done = new Promise<void>((resolve) => (tx.oncomplete = () => (db.close(), resolve())));
  return { release: () => (held = false), done };
}

describe('sync engine: custom mutations', () => {
  afterEach(() => closeAll());

  it('a custom mutation applies its mutator at once; the server rejecting it does not stall the queue', async () => {
    const id = unique('u');
    const a = await client({
      sync: {
        mutators: {
          pin: async (tx, args) => {
            const { key } = args as { key: string };
            await tx.put('notes', { id: key, pinned: true });
          },
        },
      },
    });
    const custom = await a.sync.custom('pin', { key: id });
    expect(await a.store.collection('notes').get(id)).to.deep.equal({ id, pinned: true });
    const after = await a.sync.put('notes', { id: `${id}-next`, n: 1 });
    // The default stub has no 'pin' handler: it answers rejected/unknown-mutation.
    const outcome = await custom.acked;
    expect(outcome.status).to.equal('rejected');
    expect(outcome.error!.code).to.equal('unknown-mutation');
    expect(await after.acked).to.include({ status: 'applied' });
    expect((await serverDocs(`${id}-next`)).size).to.equal(1);
  });

  it("an edit made on a custom mutation's optimistic effect goes out on the rev the server's handler wrote: no conflict with that mutation's write", async () => {
    const id = unique('renamed');
    // Server-wins drops an edit that conflicts: before, this one conflicted with the rename.
    const a = await client({ sync: renaming });
    await (await a.sync.put('notes', { id, title: 'a', body: 'b' })).acked;
    // One batch: both are pending when the push starts.
    const [renamed, edited] = await a.sync.batch((x) => {
      x.custom('rename', { key: id, title: 'renamed' });
      x.patch('notes', id, { body: 'edited' });
    });
    expect(await renamed.acked).to.include({ status: 'applied' });
    expect(await edited.acked).to.include({ status: 'applied', rev: 3 });
    const doc = (await serverDocs(id)).get(`notes/${id}`)!;
    expect([doc.value, doc.rev]).to.deep.equal([{ id, title: 'renamed', body: 'edited' }, 3]);
    await a.sync.syncNow();
    expect(await a.store.collection('notes').get(id)).to.deep.equal(doc.value);
  });

  it('a rejected custom mutation\'s optimistic writes are rolled back, keeping later pending edits of those documents', async () => {
    const id = unique('rb');
    const a = await client({
      sync: {
        mutators: {
          // Pins a note and files a copy: one update and one new document.
          pinAndFile: async (tx, args) => {
            const { key } = args as { key: string };
            const note = await tx.get('notes', key);
            await tx.put('notes', { ...note, id: key, pinned: true });
            await tx.put('tasks', { id: `${key}-task`, about: key });
          },
        },
      },
    });
    await (await a.sync.put('notes', { id, text: 'a' })).acked;
    const custom = await a.sync.custom('pinAndFile', { key: id });
    const later = await a.sync.patch('notes', id, { text: 'b' });
    expect(await a.store.collection('notes').get(id)).to.deep.equal({ id, text: 'b', pinned: true });
    expect(await a.store.collection('tasks').get(`${id}-task`)).to.deep.equal({ id: `${id}-task`, about: id });
    // The default stub has no 'pinAndFile' handler: rejected with unknown-mutation.
    expect((await custom.acked).status).to.equal('rejected');
    expect(await a.store.collection('notes').get(id), 'the pin undone, the later edit kept').to.deep.equal({ id, text: 'b' });
    expect(await a.store.collection('tasks').get(`${id}-task`), 'the filed copy undone').to.equal(undefined);
    expect(await later.acked).to.include({ status: 'applied' });
    expect(await a.store.collection('notes').get(id)).to.deep.equal({ id, text: 'b' });
  });

  it('two rejected custom mutations that wrote the same document leave it as the server has it, not with the first one\'s effect', async () => {
    const id = unique('rb2');
    const a = await client({
      sync: {
        mutators: {
          // Adds a tag to a note (no server handler: the stub rejects it).
          tag: async (tx, args) => {
            const { key, tag } = args as { key: string; tag: string };
            const note = await tx.get('notes', key);
            await tx.put('notes', { ...note, id: key, tags: [...((note?.tags as string[] | undefined) ?? []), tag] });
          },
        },
      },
    });
    await (await a.sync.put('notes', { id, text: 'a' })).acked;
    const first = await a.sync.custom('tag', { key: id, tag: 'x' });
    const second = await a.sync.custom('tag', { key: id, tag: 'y' });
    expect(await a.store.collection('notes').get(id)).to.deep.equal({ id, text: 'a', tags: ['x', 'y'] });
    expect((await first.acked).status).to.equal('rejected');
    expect((await second.acked).status).to.equal('rejected');
    // No pull has brought the note since (the server's copy did not change): this is the rollback's doing.
    expect(await a.store.collection('notes').get(id), 'both tags undone').to.deep.equal({ id, text: 'a' });
    expect(await a.store.collection('$rejected').count()).to.equal(2);
  });

  it('a rejected custom mutation rolls back to the document a pull brought after it was made', async () => {
    const id = unique('rbp');
    const pin: Partial<SyncOptions> = {
      mutators: {
        // No server handler: the stub rejects it.
        pin: async (tx, args) => {
          const { key } = args as { key: string };
          await tx.put('notes', { ...(await tx.get('notes', key)), id: key, pinned: true });
        },
      },
    };
    const a = await client({ sync: pin });
    await (await a.sync.put('notes', { id, text: 'a' })).acked;
    await a.sync.syncNow();
    await editElsewhere(id, { text: 'b' });
    // Made while a's pull of b's change is on its way: re-run on the pulled note, pushed after.
    const h = await duringPull(a, () => a.sync.custom('pin', { key: id }));
    const [entry] = (await a.store.collection('$outbox').query()) as OutboxEntry[];
    expect(entry.writes?.[0]?.base, 'made on the note before the pull brought b\'s change').to.include({ text: 'a' });
    expect(await a.store.collection('notes').get(id)).to.deep.equal({ id, text: 'b', pinned: true });
    expect((await h.acked).status).to.equal('rejected');
    expect(await a.store.collection('notes').get(id), "the server's note, b's change kept").to.deep.equal({ id, text: 'b' });
  });

  it('a mutator that throws fails only its own mutation: nothing is written or queued, later ones go through', async () => {
    const id = unique('t');
    const a = await client({ sync: { mutators: { broken: () => Promise.reject(new Error('mutator bug')) } } });
    const failed = await a.sync.custom('broken', {}).then(() => undefined, (e: Error) => e);
    expect(failed?.message).to.equal('mutator bug');
    expect(await a.store.collection('$outbox').count()).to.equal(0);
    expect(await (await a.sync.put('notes', { id })).acked).to.include({ status: 'applied' });
  });
});

class StatusBadge extends LitElement {
  sync!: Sync;
  status?: SyncStatusController;
  override connectedCallback() {
    this.status ??= new SyncStatusController(this, this.sync);
    super.connectedCallback();
  }
  /** Every distinct text the badge showed, so a state that lasts one frame is still seen. */
  readonly shown: string[] = [];
  override render() {
    return `${this.status?.value?.state}:${this.status?.value?.pending}`;
  }
  override updated() {
    const text = this.shadowRoot!.textContent!.trim();
    if (this.shown.at(-1) !== text) this.shown.push(text);
  }
}
customElements.define('test-status-badge', StatusBadge);

describe('sync status', () => {
  afterEach(async () => {
    await goOnline();
    await closeAll();
  });

  it('a cycle that ends after the device went offline leaves the status offline, not idle', async () => {
    const a = await client();
    const b = await client();
    await a.sync.syncNow();
    await (await b.sync.put('notes', { id: unique('off') })).acked;
    // Only a pulls from here on: b's cycle (its pull after the push) is over and b syncs no more.
    await b.sync.syncNow();
    b.sync.close();
    // The pulled page's write waits behind this transaction: the cycle has fetched all it needs
    // and goes offline before it ends.
    const hold = await holdStore(a.name, 'notes');
    const pulled = new Promise<void>((resolve) => {
      const seen = new PerformanceObserver((list) => list.getEntries().some((e) => e.name.endsWith('/sync/v1/pull')) && (seen.disconnect(), resolve()));
      seen.observe({ type: 'resource' });
    });
    const cycle = a.sync.syncNow();
    await pulled;
    await goOffline();
    await waitFor(() => a.sync.status.state === 'offline', 'offline', undefined, () => a.sync.status);
    hold.release();
    await Promise.all([hold.done, cycle]);
    expect(a.sync.status.state).to.equal('offline');
    expect(a.sync.status.lastError).to.equal(undefined);
    await goOnline();
    await a.sync.syncNow();
    expect(a.sync.status.state).to.equal('idle');
  });

  it('SyncStatusController renders the engine state and pending count as they change', async () => {
    const a = await client();
    await a.sync.syncNow();
    const el = await fixture<StatusBadge>(html`<test-status-badge .sync=${a.sync}></test-status-badge>`);
    expect(el.shown.at(-1)).to.equal('idle:0');
    const from = el.shown.length;
    await (await a.sync.put('notes', { id: unique('s') })).acked;
    await waitFor(() => el.shown.at(-1) === 'idle:0', 'the badge back at idle:0', undefined, () => el.shown.slice(from));
    const seen = el.shown.slice(from);
    expect(seen.some((t) => t.endsWith(':1')), `rendered ${seen.join(' → ')}`).to.equal(true);
    expect(seen.at(-1)).to.equal('idle:0');
    expect(a.sync.status.lastSyncedAt).to.be.a('number');
  });
});
