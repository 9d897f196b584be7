// The demo's thread list keeps what it shows when the route renders it again with an equal mailbox
// (every render builds a new mailbox object: a labels update re-rendered the route, and the list
// dropped its rows, selection and pages — Firefox's axe e2e read an inbox gone blank).
import { expect } from '@open-wc/testing';
import { deleteStore, openStore, type Store } from '../../runtime/store/index.js';
import { syncCollections, type OutboxEntry } from '../../runtime/sync/index.js';
import { mailCollections, MAIL_STORE_VERSION } from '../../demo-app/app/mail-schema.js';
import { mailStoreName, type MailSession } from '../../demo-app/app/mail-store.js';
import { SNAPSHOT_ROWS, listSnapshot, rowsToSave, save } from '../../demo-app/app/snapshots.js';
import { groupThreads } from '../../demo-app/mail/threads.js';
import { clearSnapshots, snapshot } from '../../runtime/snapshot/index.js';
import type { MailMessage } from '../../demo-app/model.js';
import type { MailThreadList } from '../../demo-app/ui/thread-list.js';
import '../../demo-app/ui/thread-list.js';

const ME = { name: 'Alice', email: 'alice@outpost.test' };

function message(i: number, labels: string[]): MailMessage {
  return { id: `m${i}`, threadId: `t${i}`, from: ME, to: [ME], cc: [], subject: `Subject ${i}`, snippet: '', text: '', date: 1_700_000_000_000 + i * 60_000, labels, attachments: [] };
}

/** Resolves once `check` holds, checked after each of the list's updates and every 10 ms. */
async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; !check(); i++) {
    if (i > 3000) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('demo thread list', () => {
  let store: Store;
  let session: MailSession;
  let list: MailThreadList;
  const name = `thread-list-${Math.random().toString(36).slice(2)}`;

  before(async () => {
    store = await openStore({ name, version: MAIL_STORE_VERSION, collections: { ...mailCollections, ...syncCollections } });
    await store.collection('messages').bulkPut(Array.from({ length: 80 }, (_, i) => message(i, i % 4 ? ['INBOX'] : ['INBOX', 'STARRED'])) as never[]);
    session = { user: 'alice', store, sync: undefined as never, close: () => store.close() };
  });
  /** The inbox list of the store's messages, in the page. */
  const inbox = (): MailThreadList => {
    const box = document.createElement('mail-thread-list') as MailThreadList;
    box.style.height = '400px';
    box.session = session;
    box.mailbox = { kind: 'system', id: 'inbox' };
    document.body.append(box);
    return box;
  };
  after(async () => {
    list?.remove();
    store.close();
    await deleteStore(name);
  });

  it('an equal mailbox in a new object keeps the rows, the selection and the pages read; another mailbox reads its own', async () => {
    list = document.createElement('mail-thread-list') as MailThreadList;
    list.style.height = '400px';
    list.session = session;
    list.mailbox = { kind: 'system', id: 'inbox' };
    document.body.append(list);
    await until(() => list.threads?.length === 50, 'the first page of the inbox');
    await list.loadMore();
    await until(() => list.threads?.length === 80, 'the second page');
    const shown = list.threads;
    list.selection = new Set(['t3', 't7']);
    await list.updateComplete;

    list.mailbox = { kind: 'system', id: 'inbox' };
    await list.updateComplete;
    expect(list.threads, 'the rows shown').to.equal(shown);
    expect([...list.selection]).to.deep.equal(['t3', 't7']);
    // The live query was not restarted with the first page's limit: a write still lists all 80.
    await store.collection('messages').put(message(5, ['INBOX', 'UNREAD']) as never);
    await until(() => list.threads !== shown, 'the list to follow a write');
    expect(list.threads!.length).to.equal(80);

    list.mailbox = { kind: 'system', id: 'starred' };
    await list.updateComplete;
    expect(list.selection.size, 'selection in another mailbox').to.equal(0);
    await until(() => list.threads?.length === 20, 'the starred mailbox');
  });

  it("another mailbox reads its own rows but not the outbox again; an outbox change still marks its rows", async () => {
    const box = inbox();
    try {
      await until(() => box.threads?.length === 50, 'the inbox');
      let outboxReads = 0;
      const transaction = IDBDatabase.prototype.transaction;
      IDBDatabase.prototype.transaction = function (this: IDBDatabase, ...args: Parameters<IDBDatabase['transaction']>) {
        if ([args[0]].flat().includes('$outbox')) outboxReads++;
        return transaction.apply(this, args);
      };
      try {
        box.mailbox = { kind: 'system', id: 'starred' };
        await until(() => box.threads?.length === 20, 'the starred mailbox');
      } finally {
        IDBDatabase.prototype.transaction = transaction;
      }
      expect(outboxReads, 'outbox reads for another mailbox').to.equal(0);
      // m76 is the newest starred: an unsent change to it marks its row.
      const row = () => [...box.shadowRoot!.querySelector('outpost-virtual-list')!.shadowRoot!.querySelectorAll('mail-thread-row')].find((r) => r.thread?.threadId === 't76');
      expect(row()?.getAttribute('pending')).to.equal('');
      const entry: OutboxEntry = { id: 1, doc: 'messages/m76', mutation: { id: 1, name: 'addToSet', collection: 'messages', key: 'm76', field: 'labels', values: ['UNREAD'] } as never, createdAt: 0 };
      await store.collection('$outbox').put(entry as never);
      await until(() => row()?.getAttribute('pending') === 'change', 'the row marked pending');
      await store.collection('$outbox').delete(1);
    } finally {
      box.remove();
    }
  });

  it("paints the last visit's first rows of that user's mailbox before its session opens, keeps them until the store answers, then saves the store's", async () => {
    const user = `snap-${Math.random().toString(36).slice(2)}`;
    const saved = listSnapshot(user, { kind: 'system', id: 'inbox' })!;
    const old = groupThreads([message(999, ['INBOX'])]);
    saved.write(old);
    await until(() => !!saved.read(), 'the snapshot saved');
    try {
      const cold = document.createElement('mail-thread-list') as MailThreadList;
      cold.style.height = '400px';
      cold.user = user;
      cold.mailbox = { kind: 'system', id: 'inbox' };
      document.body.append(cold);
      await cold.updateComplete;
      expect(cold.threads).to.deep.equal(old);
      expect(cold.fromSnapshot).to.equal(true);
      await until(() => [...cold.shadowRoot!.querySelector('outpost-virtual-list')!.shadowRoot!.querySelectorAll('mail-thread-row')].some((r) => r.thread?.threadId === 't999'), 'the row painted from the snapshot');
      // Every list the element shows from here on: never "Loading…" between the snapshot and the store's rows.
      const shown: Array<unknown> = [];
      cold.addController({ hostUpdated: () => shown.push(cold.threads) });
      cold.session = session;
      await until(() => cold.threads?.length === 50, "the store's first page");
      expect(shown.includes(undefined), 'an empty list between the snapshot and the rows').to.equal(false);
      expect(cold.threads!.some((t) => t.threadId === 't999'), 'the stale row replaced').to.equal(false);
      expect(cold.fromSnapshot).to.equal(false);
      // The next start paints the store's first screen.
      await until(() => saved.read()?.[0]?.threadId === cold.threads![0].threadId, "the store's rows saved");
      expect(saved.read()!.length).to.equal(SNAPSHOT_ROWS);
      expect(saved.read()).to.deep.equal(cold.threads!.slice(0, SNAPSHOT_ROWS));
      cold.remove();

      // A search is not a place one starts from: it shows no snapshot.
      expect(listSnapshot(user, { kind: 'search', query: 'x' })).to.equal(undefined);
      const search = document.createElement('mail-thread-list') as MailThreadList;
      search.user = user;
      search.mailbox = { kind: 'search', query: 'Subject' };
      document.body.append(search);
      await search.updateComplete;
      expect(search.threads).to.equal(undefined);
      search.remove();
    } finally {
      clearSnapshots(mailStoreName(user));
    }
  });

  it('saves rows with their newest message ids only, and a snapshot over its limit warns instead of failing the view', () => {
    const long = { ...groupThreads([message(1, ['INBOX'])])[0], messageIds: ['a', 'b', 'c', 'd', 'e', 'f', 'g'] };
    const rows = rowsToSave([long, ...groupThreads(Array.from({ length: 40 }, (_, i) => message(100 + i, ['INBOX'])))]);
    expect(rows.length).to.equal(SNAPSHOT_ROWS);
    expect(rows[0].messageIds).to.deep.equal(['c', 'd', 'e', 'f', 'g']);
    const warned: unknown[] = [];
    const warn = console.warn;
    console.warn = (...args: unknown[]) => warned.push(...args);
    try {
      save(snapshot(`thread-list-test-${Math.random()}`, 'tiny', { maxChars: 10 }), 'x'.repeat(100));
    } finally {
      console.warn = warn;
    }
    expect(String(warned[0])).to.contain('over its limit of 10');
  });

  it('takes out at once the rows an action moves out of the mailbox; they come back if it fails, and the store decides once it is done', async () => {
    const box = inbox();
    try {
      await until(() => box.threads?.length === 50 && !!box.messagesOf(['t70']), 'the inbox and its messages');
      const ids = (rows = box.threads!) => rows.map((t) => t.threadId);
      const archive = { add: [], remove: ['INBOX'] };
      // Archiving fails: the rows are out at once, then back.
      const failed = box.leave(['t70', 't69'], archive)!;
      expect(ids()).to.not.include.members(['t70']);
      expect(ids()).to.not.include('t69');
      expect(box.leaving).to.equal(2);
      failed(false);
      expect(ids().slice(0, 2)).to.deep.equal(['t79', 't78']);
      expect(ids()).to.include.members(['t70', 't69']);
      expect(box.leaving).to.equal(0);
      // Archiving succeeds: out until the store's rows, which no longer list them.
      const done = box.leave(['t70'], archive)!;
      const write = store.collection('messages').put(message(70, []) as never);
      done(true);
      expect(ids(), 'still out once the action is done, until the store has rows').to.not.include('t70');
      expect(box.leaving).to.equal(1);
      await write;
      // The store's rows: the list's next page takes its place (a page may come first without it).
      await until(() => box.leaving === 0 && box.threads!.length === 50, "the store's rows after the write");
      expect(ids()).to.not.include('t70');
      // An action done while the store kept the row (nothing changed): its next rows show it again.
      const kept = box.leave(['t68'], archive)!;
      kept(true);
      await store.collection('messages').put(message(67, ['INBOX', 'UNREAD']) as never);
      await until(() => box.leaving === 0, 'the next rows');
      expect(ids()).to.include('t68');
    } finally {
      box.remove();
      await store.collection('messages').put(message(70, ['INBOX']) as never);
    }
  });

  it('shows at once the labels an action gives the rows that stay; they go back if it fails, and the store decides once it is done', async () => {
    const box = inbox();
    const row = (id: string) => box.threads!.find((t) => t.threadId === id)!;
    try {
      await until(() => box.threads?.length === 50 && !!box.messagesOf(['t70', 't66']), 'the inbox and its messages');
      const star = { add: ['STARRED'], remove: [] };
      expect(row('t70').starred).to.equal(false);
      // The star fails: shown at once, then gone again; nothing left the list.
      const failed = box.leave(['t70'], star)!;
      expect(row('t70').starred, 'starred at once').to.equal(true);
      expect(row('t70').labels).to.include('STARRED');
      expect(box.threads!.length).to.equal(50);
      expect(box.leaving).to.equal(0);
      failed(false);
      expect(row('t70').starred, 'back as it was').to.equal(false);
      // The star is done: shown until the store's next rows, which then decide (here the write was
      // never made, so they show no star).
      const done = box.leave(['t70'], star)!;
      done(true);
      expect(row('t70').starred, 'still starred once done, until the store has rows').to.equal(true);
      await store.collection('messages').put(message(66, ['INBOX', 'UNREAD']) as never);
      await until(() => row('t66').unread, "the store's next rows");
      expect(row('t70').starred, "the store's rows decide").to.equal(false);
    } finally {
      box.remove();
      await store.collection('messages').put(message(66, ['INBOX']) as never);
    }
  });
});
