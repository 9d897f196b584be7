// The mailbox list patched from writes (live-threads.ts) must show exactly what a fresh read of the
// mailbox shows, after every kind of write: checked against mailboxThreads after each step of a
// sequence that stars a message in the window (grouped again from the window's row), archives,
// stars old messages outside the window, adds messages old and new,
// deletes, trashes, archives in bulk (the window refills and grows) and writes many keys at once.
import { expect } from '@open-wc/testing';
import { deleteStore, openStore, type Store } from '../../runtime/store/index.js';
import { syncCollections } from '../../runtime/sync/index.js';
import { mailCollections, MAIL_STORE_VERSION } from '../../demo-app/app/mail-schema.js';
import { listSourceOf, mailboxThreads, threadMessages, type MailboxPage } from '../../demo-app/app/queries.js';
import { watchThreads } from '../../demo-app/app/live-threads.js';
import type { MailSession } from '../../demo-app/app/mail-store.js';
import type { Mailbox } from '../../demo-app/app/routes.js';
import type { MailMessage } from '../../demo-app/model.js';

const ME = { name: 'Alice', email: 'alice@outpost.test' };
const OTHERS = [{ name: 'Ada Lovelace', email: 'ada@example.com' }, { name: 'Grace Hopper', email: 'grace@example.com' }];

function message(i: number, thread: number, date: number, labels: string[]): MailMessage {
  return { id: `m${i}`, threadId: `t${thread}`, from: i % 4 ? OTHERS[i % 2] : ME, to: [ME], cc: [], subject: `Subject ${thread}`, snippet: `snippet ${i}`, text: '', date, labels, attachments: [] };
}

/** 300 messages in 100 threads; a thread's messages are spread over the whole mailbox's dates. */
function mailbox(): MailMessage[] {
  return Array.from({ length: 300 }, (_, i) => message(i, (i * 37) % 100, 1_700_000_000_000 + i * 60_000, i % 7 ? ['INBOX', 'UNREAD'] : ['INBOX', 'label-work']));
}

describe('demo mailbox list patched from writes', () => {
  let store: Store;
  let session: MailSession;
  const name = `live-threads-${Math.random().toString(36).slice(2)}`;

  before(async () => {
    store = await openStore({ name, version: MAIL_STORE_VERSION, collections: { ...mailCollections, ...syncCollections } });
    await store.collection('messages').bulkPut(mailbox() as never[]);
    session = { user: 'alice', store, sync: undefined as never, close: () => store.close() };
  });
  after(async () => {
    store.close();
    await deleteStore(name);
  });

  it('a stopped watch hands the list nothing more, even from an update whose read was in flight', async () => {
    let calls = 0;
    let first!: () => void;
    const firstPage = new Promise<void>((resolve) => (first = resolve));
    const { stop } = watchThreads(session, listSourceOf({ kind: 'system', id: 'inbox' })!, 10, () => {
      calls++;
      first();
    }, () => undefined);
    await firstPage;
    await new Promise((resolve) => setTimeout(resolve, 200));
    calls = 0;
    // A message of no listed conversation, outside the window: the update reads it before deciding.
    await store.collection('messages').bulkPut([message(5000, 900, 1_500_000_000_000, ['STARRED'])] as never[]);
    stop();
    // Reads created after the update's own finish after it.
    await store.collection('messages').get('m5000');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(calls, 'pages handed over after stop()').to.equal(0);
  });

  for (const [box, limit] of [[{ kind: 'system', id: 'inbox' }, 10], [{ kind: 'label', id: 'label-work' }, 4], [{ kind: 'system', id: 'all' }, 25]] as Array<[Mailbox, number]>) {
    it(`${JSON.stringify(box)}, ${limit} conversations: equal to a fresh read after every write`, async () => {
      const messages = store.collection<MailMessage & Record<string, unknown>>('messages');
      let latest: MailboxPage | undefined;
      let wake: (() => void) | undefined;
      let failed: unknown;
      const watch = watchThreads(session, listSourceOf(box)!, limit, (page) => {
        latest = page;
        wake?.();
      }, (e) => (failed = e));
      let held = 0;
      /** Waits until the live page equals a fresh read (each callback re-checks; 8 s without a match fails). */
      const settled = async (step: string) => {
        const fresh = JSON.stringify(await mailboxThreads(session, box, [], limit));
        const until = Date.now() + 8000;
        while (JSON.stringify(latest) !== fresh) {
          expect(failed, step).to.equal(undefined);
          if (Date.now() > until) expect(JSON.stringify(latest), step).to.equal(fresh);
          await new Promise<void>((resolve) => {
            wake = resolve;
            setTimeout(resolve, 1000);
          });
        }
        // What the watch holds of the listed conversations (an action uses it instead of a read)
        // is every message of each, as stored.
        const ids = latest!.threads.map((t) => t.threadId);
        const heldNow = watch.messagesOf(ids);
        if (heldNow) {
          held++;
          const byId = (ms: MailMessage[]) => JSON.stringify([...ms].sort((a, b) => (a.id < b.id ? -1 : 1)));
          expect(byId(heldNow), `${step}: messages held`).to.equal(byId(await threadMessages(session, ids)));
        }
      };
      try {
        await settled('first result');
        const listed = () => latest!.threads;
        const all = async () => (await messages.query({})) as MailMessage[];
        const put = (ms: MailMessage[]) => messages.bulkPut(ms as never[]);
        const relabel = async (pick: (m: MailMessage) => boolean, add: string[], remove: string[]) =>
          put((await all()).filter(pick).map((m) => ({ ...m, labels: [...m.labels.filter((l) => !remove.includes(l)), ...add.filter((l) => !m.labels.includes(l))] })));

        // The newest message of the first conversation is the window's first row: its conversation
        // is grouped again from the row the window hands over, not read.
        await relabel((m) => m.id === listed()[0].messageIds.at(-1), ['STARRED'], ['UNREAD']);
        await settled('star the newest message of the first conversation (in the window)');
        await relabel((m) => m.id === listed()[0].messageIds.at(-1), [], ['STARRED']);
        await settled('unstar it again');
        await relabel((m) => m.threadId === listed()[0].threadId, [], ['INBOX', 'label-work']);
        await settled('archive the first conversation');
        // The oldest message of a listed conversation: outside the window.
        const t2 = listed()[Math.min(2, listed().length - 1)];
        await relabel((m) => m.id === t2.messageIds[0], ['STARRED'], ['UNREAD']);
        await settled('star an old message of a listed conversation');
        await put([message(1000, Number(t2.threadId.slice(1)), 1_600_000_000_000, ['INBOX', 'label-work', 'UNREAD'])]);
        await settled('a new message, older than every other, in a listed conversation');
        await put([message(1001, 500, 1_800_000_000_000, ['INBOX', 'label-work'])]);
        await settled('a new conversation, newest');
        await messages.delete(listed()[1].messageIds.at(-1)!);
        await settled('delete the newest message of a conversation');
        await relabel((m) => m.threadId === listed()[0].threadId, ['TRASH'], ['INBOX']);
        await settled('trash a conversation');
        const many = new Set(listed().slice(0, limit - 1).map((t) => t.threadId));
        await relabel((m) => many.has(m.threadId), [], ['INBOX', 'label-work']);
        await settled('archive every listed conversation but one (the window refills and grows)');
        await put(Array.from({ length: 150 }, (_, i) => message(2000 + i, 600 + (i % 40), 1_650_000_000_000 + i, ['INBOX', 'label-work'])));
        await settled('150 new messages in one write (re-read, not placed)');
        await relabel((m) => m.threadId === listed()[3]?.threadId, [], ['UNREAD']);
        await settled('mark a conversation read');
        expect(held, 'steps after which the watch held every listed conversation').to.be.greaterThan(5);
      } finally {
        watch.stop();
      }
    });
  }
});
