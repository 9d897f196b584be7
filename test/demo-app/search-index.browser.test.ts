// The demo's search reads its candidates from store indexes (the word index, bySender,
// byRecipient, byLabelDate) and must list exactly what a search over every message would, in the
// same order: checked against a brute-force answer (matchesSearch over the whole mailbox).
import { expect } from '@open-wc/testing';
import { deleteStore, openStore } from '../../runtime/store/index.js';
import { syncCollections } from '../../runtime/sync/index.js';
import { mailCollections, MAIL_STORE_VERSION } from '../../demo-app/app/mail-schema.js';
import { mailboxThreads } from '../../demo-app/app/queries.js';
import type { MailSession } from '../../demo-app/app/mail-store.js';
import { matchesSearch } from '../../demo-app/mail/match.js';
import { parseSearch } from '../../demo-app/mail/search-query.js';
import type { Address, MailLabel, MailMessage } from '../../demo-app/model.js';

const PEOPLE: Address[] = [
  { name: 'Ada Lovelace', email: 'ada.lovelace@example.com' },
  { name: 'Adam Smith', email: 'adam@example.org' },
  { name: 'Grace Hopper', email: 'grace@navy.example' },
  { name: 'Bob Ada', email: 'bob@example.com' },
  { name: 'Alice', email: 'alice@outpost.test' },
];
const SUBJECTS = ['Invoice for March', 'Budget draft', 'Lunch?', 'Re: invoices', 'Trip to Adana'];
const LABELS: MailLabel[] = [{ id: 'label-work', name: 'Work', color: '#000' }];

/** 400 messages in 150 threads, every date distinct; senders, recipients and labels vary. */
function mailbox(): MailMessage[] {
  const out: MailMessage[] = [];
  for (let i = 0; i < 400; i++) {
    const labels = ['INBOX'];
    if (i % 3 === 0) labels.push('label-work');
    if (i % 5 === 0) labels.push('UNREAD');
    if (i % 17 === 0) labels.push('TRASH');
    out.push({
      id: `m${i}`,
      threadId: `t${(i * 7) % 150}`,
      from: PEOPLE[i % PEOPLE.length],
      to: [PEOPLE[(i + 1) % PEOPLE.length]],
      cc: i % 4 === 0 ? [PEOPLE[(i + 3) % PEOPLE.length]] : [],
      subject: SUBJECTS[i % SUBJECTS.length],
      snippet: '',
      text: i % 6 === 0 ? 'the budget is attached' : 'see you soon',
      date: 1_700_000_000_000 + ((i * 7919) % 400) * 60_000,
      labels,
      attachments: [],
    });
  }
  return out;
}

/** What a search lists, from every message: newest matching thread first, each from its matches. */
function bruteForce(all: MailMessage[], query: string, limit: number) {
  const q = parseSearch(query);
  const wantsTrash = q.labels.some((l) => l.toLowerCase() === 'trash');
  const matches = all.filter((m) => (wantsTrash || !m.labels.includes('TRASH')) && matchesSearch(m, q, LABELS)).sort((a, b) => b.date - a.date);
  const ids: string[] = [];
  for (const m of matches) if (!ids.includes(m.threadId)) ids.push(m.threadId);
  const members = (t: string) => matches.filter((m) => m.threadId === t).sort((a, b) => a.date - b.date).map((m) => m.id);
  return { threads: ids.slice(0, limit).map((t) => ({ threadId: t, messageIds: members(t) })), more: ids.length > limit };
}

/** A fresh mail store named `name` holding `messages`, as a session without sync. */
async function mailStoreOf(name: string, messages: MailMessage[]): Promise<MailSession> {
  const store = await openStore({ name, version: MAIL_STORE_VERSION, collections: { ...mailCollections, ...syncCollections } });
  await store.collection('messages').bulkPut(messages as never[]);
  return { user: 'alice', store, sync: undefined as never, close: () => store.close() };
}

describe('demo search through store indexes', () => {
  const name = `search-index-${Math.random().toString(36).slice(2)}`;
  const all = mailbox();
  let session: MailSession;
  before(async () => (session = await mailStoreOf(name, all)));
  after(async () => {
    session.close();
    await deleteStore(name);
  });

  const queries = ['from:ada', 'from:lovelace', 'from:ada.lovelace@example.com', 'from:adam', 'from:ad', 'to:grace', 'to:bob', 'to:ada label:work',
    'subject:invoice', 'label:work', 'is:unread', 'budget', 'ada', 'from:ada is:unread', 'from:grace budget', 'label:trash from:ada'];
  for (const query of queries) {
    it(`${query}: the same conversations, in the same order, as a search of every message`, async () => {
      for (const limit of [5, 60]) {
        const page = await mailboxThreads(session, { kind: 'search', query }, LABELS, limit);
        const want = bruteForce(all, query, limit);
        expect(page.threads.map((t) => ({ threadId: t.threadId, messageIds: t.messageIds })), `${query}, ${limit}`).to.deep.equal(want.threads);
        expect(page.more, `${query}, ${limit}: more`).to.equal(want.more);
      }
    });
  }

  it('from: and to: are whole words of one address (Adam is not from:ada; Bob Ada is)', async () => {
    const page = await mailboxThreads(session, { kind: 'search', query: 'from:ada' }, LABELS, 200);
    const senders = new Set(page.threads.flatMap((t) => t.messageIds).map((id) => all.find((m) => m.id === id)!.from.name));
    expect([...senders].sort()).to.deep.equal(['Ada Lovelace', 'Bob Ada']);
  });
});

/** Counts the messages records IndexedDB hands back (get, getAll, getAllRecords, cursors) while `fn` runs. */
async function recordsRead(fn: () => Promise<unknown>): Promise<number> {
  let n = 0;
  const patched: Array<() => void> = [];
  const patch = (proto: object, method: string, count: (result: unknown) => number) => {
    const p = proto as Record<string, (...a: unknown[]) => IDBRequest>;
    const original = p[method];
    if (!original) return;
    p[method] = function (this: IDBObjectStore | IDBIndex, ...args: unknown[]) {
      const request = original.apply(this, args);
      const store = this instanceof IDBIndex ? this.objectStore : this;
      if (store.name === 'messages') request.addEventListener('success', () => (n += count(request.result)));
      return request;
    };
    patched.push(() => (p[method] = original));
  };
  for (const proto of [IDBObjectStore.prototype, IDBIndex.prototype]) {
    patch(proto, 'get', (r) => (r === undefined ? 0 : 1));
    patch(proto, 'getAll', (r) => (r as unknown[]).length);
    patch(proto, 'getAllRecords', (r) => (r as unknown[]).length);
    patch(proto, 'openCursor', (r) => (r ? 1 : 0));
  }
  try {
    await fn();
  } finally {
    for (const undo of patched) undo();
  }
  return n;
}

describe('demo search reads a page, never the mailbox', () => {
  const name = `search-bounded-${Math.random().toString(36).slice(2)}`;
  const RARE: Address = { name: 'Zed Rare', email: 'zed@rare.example' };
  const YAN: Address = { name: 'Yan Replies', email: 'yan@replies.example' };
  // 3000 messages, two per conversation; "budget" in a third of the subjects, Zed sends 3. Older
  // than them, Yan sends 450 in 150 conversations, three in a row each.
  const yan: MailMessage[] = Array.from({ length: 450 }, (_, i) => ({
    id: `y${i}`,
    threadId: `yt${Math.floor(i / 3)}`,
    from: YAN,
    to: [{ name: 'Xu', email: 'xu@yan.example' }],
    cc: [],
    subject: `Yan ${Math.floor(i / 3)}`,
    snippet: '',
    text: 'see you soon',
    date: 1_600_000_000_000 + i * 60_000,
    labels: ['INBOX'],
    attachments: [],
  }));
  const all: MailMessage[] = yan.concat(Array.from({ length: 3000 }, (_, i) => ({
    id: `b${i}`,
    threadId: `bt${i % 1500}`,
    from: [5, 1505, 2900].includes(i) ? RARE : PEOPLE[i % 4],
    to: [PEOPLE[(i + 2) % PEOPLE.length]],
    cc: [],
    subject: i % 3 ? `Notes ${i}` : `Budget ${i}`,
    snippet: '',
    text: 'see you soon',
    date: 1_700_000_000_000 + i * 60_000,
    labels: i % 4 ? ['INBOX'] : ['INBOX', 'label-work'],
    attachments: [],
  })));
  let session: MailSession;
  before(async () => (session = await mailStoreOf(name, all)));
  after(async () => {
    session.close();
    await deleteStore(name);
  });

  // A page of 20 conversations reads its first chunk (30), at most one more (100) where `keep`
  // turns candidates away, and the conversations' members (40); a walk of the mailbox (3000) or of
  // every match (1000 for "budget") reads far more. Before the word search was listed by the date
  // index, "budget" read 1070 and "from:rare.example" (its longest word in every address) 3020.
  // Yan's first chunk finds 10 conversations; the next is sized from that (42), where a chunk of
  // 400 read 490 in all.
  for (const query of ['from:yan', 'from:zed', 'from:rare.example', 'budget', 'subject:budget', 'budget notes', 'label:work', 'to:grace', 'to:grace budget']) {
    it(`${query}: the first 20 conversations read ≤ 200 messages, and match a search of every message`, async () => {
      let page: Awaited<ReturnType<typeof mailboxThreads>> | undefined;
      const read = await recordsRead(async () => (page = await mailboxThreads(session, { kind: 'search', query }, LABELS, 20)));
      const want = bruteForce(all, query, 20);
      expect(page!.threads.map((t) => ({ threadId: t.threadId, messageIds: t.messageIds }))).to.deep.equal(want.threads);
      expect(read, `${query}: messages read`).to.be.at.most(200);
    });
  }
});
