// Opening a conversation from the list paints the messages the list already held, before the
// store's read (one transaction less between the click and the paint); the store's read follows.
import { expect } from '@open-wc/testing';
import { deleteStore, openStore, type Store } from '../../runtime/store/index.js';
import { createSync, syncCollections, type Sync } from '../../runtime/sync/index.js';
import { stubUrl } from '../../testing/commands.js';
import { mailCollections, MAIL_STORE_VERSION, syncedMailCollections } from '../../demo-app/app/mail-schema.js';
import type { MailSession } from '../../demo-app/app/mail-store.js';
import type { MailMessage } from '../../demo-app/model.js';
import type { MailThreadView } from '../../demo-app/ui/thread-view.js';
import { until } from '../components/helpers.js';
import '../../demo-app/ui/thread-view.js';

function message(thread: string, i: number, snippet: string): MailMessage {
  const from = { name: `Sender ${i}`, email: `s${i}@example.com` };
  return { id: `${thread}-m${i}`, threadId: thread, from, to: [from], cc: [], subject: `Subject of ${thread}`, snippet, text: snippet, date: 1_700_000_000_000 + i * 60_000, labels: ['INBOX'], attachments: [] };
}

describe('demo thread view', () => {
  let store: Store;
  let sync: Sync;
  let session: MailSession;
  const name = `thread-view-${Math.random().toString(36).slice(2)}`;
  const views: MailThreadView[] = [];

  before(async () => {
    store = await openStore({ name, version: MAIL_STORE_VERSION, collections: { ...mailCollections, ...syncCollections } });
    await store.collection('messages').bulkPut([0, 1, 2].map((i) => message('t1', i, `stored ${i}`)) as never[]);
    // No token: the engine never reaches the server's data, it only answers pendingFor.
    sync = await createSync({ store, url: await stubUrl(), auth: () => undefined, collections: syncedMailCollections, events: false });
    session = { user: 'alice', store, sync, close: () => undefined };
  });
  after(async () => {
    views.forEach((v) => v.remove());
    sync.close();
    store.close();
    await deleteStore(name);
  });

  const open = (known: MailMessage[] | undefined, threadId = 't1') => {
    const view = document.createElement('mail-thread-view') as MailThreadView;
    view.session = session;
    view.threadId = threadId;
    view.known = known;
    document.body.append(view);
    views.push(view);
    return view;
  };
  const senders = (view: MailThreadView) => [...view.shadowRoot!.querySelectorAll('article')].map((a) => a.getAttribute('aria-label'));
  /** The ids of the messages shown open (their body rendered). */
  const opened = (view: MailThreadView) => [...view.shadowRoot!.querySelectorAll('mail-message-body')].map((b) => b.message?.id);
  const unread = (m: MailMessage): MailMessage => ({ ...m, labels: [...m.labels, 'UNREAD'] });

  it("paints the list's messages of the conversation in its first render, oldest first, then the store's", async () => {
    const view = open([2, 0, 1].map((i) => message('t1', i, `held ${i}`)));
    await view.updateComplete;
    expect(senders(view)).to.deep.equal(['Message from Sender 0', 'Message from Sender 1', 'Message from Sender 2']);
    expect(view.messages!.map((m) => m.snippet)).to.deep.equal(['held 0', 'held 1', 'held 2']);
    await until(() => view.messages?.[0].snippet === 'stored 0', "the store's messages");
    expect(senders(view)).to.have.length(3);
  });

  it("ignores messages of another conversation, and reads the store's without any", async () => {
    for (const make of [() => open([message('t2', 0, 'other')]), () => open(undefined)]) {
      const view = make();
      await view.updateComplete;
      expect(senders(view), `nothing before the store answers (known: ${view.known?.length})`).to.deep.equal([]);
      await until(() => view.messages?.length === 3, "the store's messages");
    }
  });

  it('a conversation read before its messages are here opens the unread and the newest as they arrive (a deep link during the first sync)', async () => {
    const view = open(undefined, 't3');
    await until(() => view.messages?.length === 0, 'the empty conversation');
    await store.collection('messages').bulkPut([message('t3', 0, 'a'), unread(message('t3', 1, 'b')), message('t3', 2, 'c')] as never[]);
    await until(() => view.messages?.length === 3, 'the messages that arrived');
    await view.updateComplete;
    expect(opened(view)).to.deep.equal(['t3-m1', 't3-m2']);
    await store.collection('messages').put(message('t3', 3, 'd') as never);
    await until(() => view.messages?.length === 4, 'the message that arrived while it was open');
    await view.updateComplete;
    expect(opened(view), 'a new message opens; the ones shown keep their state').to.deep.equal(['t3-m1', 't3-m2', 't3-m3']);
    await until(() => view.messages?.every((m) => !m.labels.includes('UNREAD')), 'the conversation marked read');
  });

  it("opens the unread messages the list did not hold once the store's read brings them", async () => {
    await store.collection('messages').bulkPut([unread(message('t4', 0, 'a')), message('t4', 1, 'b'), message('t4', 2, 'c')] as never[]);
    const view = open([message('t4', 2, 'c')], 't4');
    await until(() => view.messages?.length === 3, "the store's messages");
    await view.updateComplete;
    expect(opened(view)).to.deep.equal(['t4-m0', 't4-m2']);
    await until(() => view.messages?.every((m) => !m.labels.includes('UNREAD')), 'the conversation marked read');
  });
});
