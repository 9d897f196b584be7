// The demo's thread list keeps what it shows when the route renders it again with an equal mailbox
// (every render builds a new mailbox object: a labels update re-rendered the route, and the list
// dropped its rows, selection and pages — Firefox's axe e2e read an inbox gone blank).
import { expect } from '@open-wc/testing';
import { deleteStore, openStore, type Store } from '../../runtime/store/index.js';
import { syncCollections } from '../../runtime/sync/index.js';
import { mailCollections, MAIL_STORE_VERSION } from '../../demo-app/app/mail-schema.js';
import type { MailSession } from '../../demo-app/app/mail-store.js';
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
});
