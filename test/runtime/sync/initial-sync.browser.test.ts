import { expect } from '@open-wc/testing';
import { resetStub } from '../../../testing/commands.js';
import { openStore, type Store } from '../../../runtime/store/index.js';
import { syncCollections } from '../../../runtime/sync/index.js';
import { closeAll, closeClient, client, localDocs, login, serverDocs, unique, type Client } from './helpers.js';

describe('sync engine: initial sync', () => {
  afterEach(() => closeAll());

  /**
   * A reader of 400 notes in one page (bob's log holds only them) whose first pulled put
   * (mid-write of the page) calls `during` once; resolves when the page is written, with what
   * `during` resolved to. `before` runs once the reader is made, before its first request.
   */
  async function duringPage<T>(during: (reader: Client, id: (i: number) => string) => Promise<T>, { stall = 0, before }: { stall?: number; before?: (reader: Client) => Promise<void> } = {}): Promise<{ reader: Client; id: (i: number) => string; seen: T }> {
    await resetStub();
    const token = await login('bob');
    const prefix = unique('rd');
    const id = (i: number) => `${prefix}-${String(i).padStart(4, '0')}`;
    const writer = await client({ token });
    await writer.sync.batch((b) => {
      for (let i = 0; i < 400; i++) b.put('notes', { id: id(i), i });
    });
    await writer.sync.syncNow();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const reader = await client({ token, sync: { pullLimit: 400, auth: () => gate.then(() => token) } });
    await before?.(reader);
    let seen: Promise<T> | undefined;
    const put = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = function (this: IDBObjectStore, value: unknown, key?: IDBValidKey) {
      const record = value as { id?: string; $rev?: number };
      if (!seen && record.id === id(0) && record.$rev !== undefined) {
        seen = during(reader, id);
        // A slice that runs long (a page of big records on a busy machine): the transaction has
        // been open longer than the pull keeps one open once it ends.
        for (const end = performance.now() + stall; performance.now() < end; );
      }
      return put.call(this, value, key);
    };
    try {
      release();
      await reader.sync.syncNow();
    } finally {
      IDBObjectStore.prototype.put = put;
    }
    expect(seen, 'the hook saw the page being written').to.not.equal(undefined);
    return { reader, id, seen: await seen! };
  }

  it('lets a local mutation made while a page is being written commit before the rest of the page', async () => {
    const order: string[] = [];
    // The user edits one of the documents written with the page's first (a slice holds at least 5).
    const { reader, id } = await duringPage((r, id) => r.sync.patch('notes', id(2), { edited: true }).then(() => void order.push('mutation')), {
      before: async (r) => r.sync.addEventListener('progress', (e) => (e as CustomEvent<{ done: boolean }>).detail.done && order.push('page')),
    });
    // Durable before the page finished: it did not wait for the page's last document and cursor.
    expect(order).to.deep.equal(['mutation', 'page']);
    // The rest of the page was written after it, and the edit, based on the pulled rev, applies.
    const prefix = id(0).slice(0, -'-0000'.length);
    expect(await reader.store.collection('notes').count({ startsWith: prefix })).to.equal(400);
    expect(await reader.store.collection('notes').get(id(2))).to.deep.equal({ id: id(2), i: 2, edited: true });
    await reader.sync.syncNow();
    expect(await reader.store.collection('$conflicts').count()).to.equal(0);
    expect((await serverDocs(prefix, 'bob')).get(`notes/${id(2)}`)?.value).to.deep.equal({ id: id(2), i: 2, edited: true });
  });

  it('reports progress page by page and resumes after a reload from the last committed page', async () => {
    const token = await login('bob');
    const prefix = unique('i');
    const writer = await client({ token, sync: { pushBatch: 100 } });
    for (let i = 0; i < 600; i++) await writer.sync.put('notes', { id: `${prefix}-${String(i).padStart(4, '0')}`, i });
    await writer.sync.syncNow();
    expect(await writer.store.collection('$outbox').count()).to.equal(0);

    // A new device: stop it right after its first page has committed.
    const first = await client({ token, sync: { pullLimit: 100 } });
    const firstProgress = await new Promise<{ received: number; pages: number }>((resolve) =>
      first.sync.addEventListener('progress', (e) => resolve((e as CustomEvent).detail), { once: true }),
    );
    closeClient(first);
    expect(firstProgress).to.deep.equal({ received: 100, pages: 1, done: false });

    // Reload: the same database resumes from its saved cursor instead of starting over.
    const again = await client({ name: first.name, token, sync: { pullLimit: 100 } });
    let received = 0;
    again.sync.addEventListener('progress', (e) => (received = (e as CustomEvent<{ received: number }>).detail.received));
    await again.sync.syncNow();
    const total = await again.store.collection('notes').count({ startsWith: prefix });
    expect(total).to.equal(600);
    const all = await again.store.collection('notes').count();
    // Everything bob has, minus the one page committed before the reload.
    expect(received).to.be.at.most(all - 100 + 1);
  });

  it('keeps each pulled document\'s server rev on its record (nothing in $revs), hidden from reads, and bases the next edit on it', async () => {
    const token = await login('bob');
    const prefix = unique('r');
    const writer = await client({ token });
    await (await writer.sync.put('notes', { id: `${prefix}-a`, title: 'one' })).acked;
    const second = await (await writer.sync.patch('notes', `${prefix}-a`, { title: 'two' })).acked;
    await (await writer.sync.put('notes', { id: `${prefix}-b`, title: 'b' })).acked;
    expect(second.rev).to.be.a('number');

    const reader = await client({ token });
    await reader.sync.syncNow();
    expect(await reader.store.collection('$revs').count({ startsWith: `notes/${prefix}` })).to.equal(0);
    expect(await reader.store.collection('notes').get(`${prefix}-a`)).to.deep.equal({ id: `${prefix}-a`, title: 'two' });
    expect((await localDocs(reader, 'notes', prefix)).every((d) => !('$rev' in d))).to.equal(true);
    const raw = await reader.store.transaction(['notes'], 'readonly', (tx) => tx.raw.objectStore('notes').get(`${prefix}-a`));
    expect((raw as Record<string, unknown>).$rev).to.equal(second.rev);

    // Based on the pulled rev: applied, not a conflict; the new rev replaces the old on the record.
    const edit = await (await reader.sync.patch('notes', `${prefix}-a`, { title: 'three' })).acked;
    expect(edit.status).to.equal('applied');
    const after = await reader.store.transaction(['notes'], 'readonly', (tx) => tx.raw.objectStore('notes').get(`${prefix}-a`));
    expect((after as Record<string, unknown>).$rev).to.equal(edit.rev);
    // A deleted document's rev moves to $revs, and a later put of it is based on that rev.
    const gone = await (await reader.sync.delete('notes', `${prefix}-b`)).acked;
    expect((await reader.store.collection('$revs').get(`notes/${prefix}-b`))?.rev).to.equal(gone.rev);
    expect((await (await reader.sync.put('notes', { id: `${prefix}-b`, title: 'back' })).acked).status).to.equal('applied');
  });

  it("answers this tab's read made while a page is being written before the rest of the page is written", async () => {
    // The page's last document is not there yet: the read did not wait for the whole page.
    const { reader, id, seen } = await duringPage((r, id) => Promise.all([r.store.collection('notes').get(id(2)), r.store.collection('notes').get(id(399))]));
    expect(seen).to.deep.equal([{ id: id(2), i: 2 }, undefined]);
    expect(await reader.store.collection('notes').count({ startsWith: id(0).slice(0, -5) })).to.equal(400);
  });

  it("answers another connection's read (another tab's) before the rest of a page whose transaction has been open long", async () => {
    // A second connection to the reader's database, open before the page: its reads are not the
    // reader's store's to see.
    let other: Store | undefined;
    const { reader, id, seen } = await duringPage((_, id) => other!.collection('notes').get(id(399)), {
      // Longer than the pull keeps a page's transaction open (OPEN_MS, 250 ms).
      stall: 300,
      before: async (r) => void (other = await openStore({ name: r.name, version: 1, collections: { notes: { keyPath: 'id' }, tasks: { keyPath: 'id' }, ...syncCollections } })),
    });
    other!.close();
    expect(seen).to.equal(undefined);
    expect(await reader.store.collection('notes').get(id(399))).to.deep.equal({ id: id(399), i: 399 });
  });
});

