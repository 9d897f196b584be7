// A word search listed in an index's order (`query({ words, index, direction, limit, after })`,
// runtime/store/word-order.ts): checked against a scan of every record, on both of its paths
// (few hits: read and sorted; many hits: the index walked in chunks), with ties, ranges, pages,
// live queries, and a bound on the records it reads.
import { expect } from '@open-wc/testing';
import { deleteStore, openStore, StoreError, tokenize, type Query, type Store } from '../../../runtime/store/index.js';
import { mailSchema, uniqueName, waitFor, watchCalls, withRawDb, type Mail } from './helpers.js';

const WORDS = ['alpha', 'beta', 'gamma', 'delta'];

/** 900 messages; "alpha" in 2 of 3 (many hits), "zeta" in 6 (few); dates repeat (ties). */
function mailbox(): Mail[] {
  return Array.from({ length: 900 }, (_, i) => ({
    id: `m${String((i * 7919) % 900).padStart(4, '0')}`,
    threadId: `t${i % 7}`,
    date: 1000 + (i % 300),
    labels: ['INBOX'],
    subject: `${i % 3 ? 'alpha' : 'omega'} ${WORDS[i % 4]}${i % 150 === 0 ? ' zeta' : ''}`,
    body: `${i % 5 ? 'plain text' : 'alphabet soup'}${i % 11 ? '' : ' p1 p2 p3 p4 p5 p6'}`,
  }));
}

/** What the query lists, from every record: matching ones in (index key, id) order. */
function scan(all: Mail[], words: string, q: Query, keyOf: (m: Mail) => IDBValidKey): string[] {
  const want = tokenize(words);
  const range = q.between ? IDBKeyRange.bound(q.between[0], q.between[1]) : undefined;
  const sign = q.direction === 'prev' ? -1 : 1;
  return all
    .filter((m) => want.every((w) => [...tokenize(m.subject), ...tokenize(m.body ?? '')].some((h) => h.startsWith(w))))
    .filter((m) => !range || range.includes(keyOf(m)))
    .sort((a, b) => sign * (indexedDB.cmp(keyOf(a), keyOf(b)) || indexedDB.cmp(a.id, b.id)))
    .map((m) => m.id);
}

/** Counts `get`s on the messages object store while `fn` runs. */
async function recordGets(fn: () => Promise<unknown>): Promise<number> {
  let n = 0;
  const proto = IDBObjectStore.prototype;
  const get = proto.get;
  proto.get = function (this: IDBObjectStore, key: IDBValidKey | IDBKeyRange) {
    if (this.name === 'messages') n++;
    return get.call(this, key);
  };
  try {
    await fn();
  } finally {
    proto.get = get;
  }
  return n;
}

/** The mail schema, its word index ordered by `byDate` when `ordered`. */
function schemaOf(name: string, ordered: boolean, version = 1) {
  const schema = mailSchema(name, version);
  if (ordered) schema.collections.messages.wordsOrder = 'byDate';
  return schema;
}

for (const ordered of [false, true])
describe(`word search in an index order${ordered ? ', the word index ordered by byDate (wordsOrder)' : ''}`, () => {
  const name = uniqueName('word-order');
  const all = mailbox();
  let store: Store;
  before(async () => {
    store = await openStore(schemaOf(name, ordered));
    await store.collection<Mail>('messages').bulkPut(all);
  });
  after(async () => {
    store.close();
    await deleteStore(name);
  });

  const byDate = (m: Mail) => m.date;
  const byThread = (m: Mail) => [m.threadId, m.date];
  const cases: Array<[string, Query, (m: Mail) => IDBValidKey]> = [
    ['alpha', { index: 'byDate', direction: 'prev' }, byDate],
    ['alpha', { index: 'byDate' }, byDate],
    ['alp be', { index: 'byDate', direction: 'prev' }, byDate],
    ['zeta', { index: 'byDate', direction: 'prev' }, byDate],
    ['zeta omega', { index: 'byDate' }, byDate],
    ['alpha', { index: 'byDate', direction: 'prev', between: [1100, 1200] }, byDate],
    ['alpha', { index: 'byThread', direction: 'prev', between: [['t3', -Infinity], ['t3', Infinity]] }, byThread],
    ['gam', { index: 'byThread', between: [['t1', 1050], ['t5', 1100]] }, byThread],
    // One word that starts several (omega; alpha, alphabet; delta; ome, omega).
    ['omega', { index: 'byDate', direction: 'prev' }, byDate],
    ['alpha', { index: 'byDate', direction: 'prev', between: [1100, 1200] }, byDate],
    ['ome', { index: 'byDate' }, byDate],
    ['delta', { index: 'byThread', direction: 'prev' }, byThread],
    // More words start with "p" (plain, p1 … p6) than an ordered word index reads one by one.
    ['p', { index: 'byDate', direction: 'prev' }, byDate],
    // Without an index, an ordered word index lists in its order.
    ...(ordered ? ([['alpha', {}, byDate], ['zeta', { direction: 'prev' }, byDate], ['a', { direction: 'prev' }, byDate]] as Array<[string, Query, (m: Mail) => IDBValidKey]>) : []),
  ];
  for (const [words, q, keyOf] of cases) {
    it(`"${words}" by ${q.index ?? 'the word order'} ${q.direction ?? 'next'}${q.between ? ' in a range' : ''}: the scan's order, whole and page by page`, async () => {
      const messages = store.collection<Mail>('messages');
      const want = scan(all, words, q, keyOf);
      expect(want.length, 'the case has matches').to.be.greaterThan(0);
      expect((await messages.query({ ...q, words })).map((m) => m.id)).to.deep.equal(want);
      for (const limit of [1, 7, 50]) {
        expect((await messages.query({ ...q, words, limit })).map((m) => m.id), `limit ${limit}`).to.deep.equal(want.slice(0, limit));
        // Pages of 1 and 7 (a token on every row or so, ties of a date included) through the first
        // 60 and 180 rows; pages of 50 to the end.
        const upTo = limit < 50 ? Math.min(want.length, 20 * limit + 40) : want.length;
        const seen: string[] = [];
        let after: Query['after'];
        for (let i = 0; i <= want.length; i++) {
          const page = await messages.page({ ...q, words, limit, after });
          seen.push(...page.items.map((m) => m.id));
          if (!page.next || seen.length >= upTo) break;
          after = page.next;
        }
        expect(seen, `pages of ${limit}`).to.deep.equal(want.slice(0, Math.max(upTo, seen.length)));
        expect(seen.length, `pages of ${limit} read far enough`).to.be.at.least(upTo);
      }
    });
  }

  it('reads only the page’s records, however many match (many hits: the index walked by keys)', async () => {
    const messages = store.collection<Mail>('messages');
    expect(scan(all, 'alpha', { index: 'byDate' }, byDate).length).to.be.greaterThan(500);
    const gets = await recordGets(() => messages.query({ words: 'alpha', index: 'byDate', direction: 'prev', limit: 10 }));
    // Ordered: each word that starts with "alpha" (alpha, alphabet) gives its first 10.
    if (ordered) expect(gets).to.be.within(10, 20);
    else expect(gets).to.equal(10);
    expect(await recordGets(() => messages.query({ words: 'omega', index: 'byDate', direction: 'prev', limit: 10 }))).to.equal(10);
    // A few hits are read and sorted: no more records than hits.
    expect(await recordGets(() => messages.query({ words: 'zeta', index: 'byDate', direction: 'prev', limit: 10 }))).to.equal(6);
  });

  it("pages of one search in one read-only transaction read the words' keys once; in a read-write one, again (a write between pages counts)", async () => {
    let wordReads = 0;
    const getAllKeys = IDBIndex.prototype.getAllKeys;
    IDBIndex.prototype.getAllKeys = function (this: IDBIndex, ...args: Parameters<IDBIndex['getAllKeys']>) {
      if (this.objectStore.name === '$words/messages') wordReads++;
      return getAllKeys.apply(this, args);
    };
    // Two words: an ordered word index reads one word's page from its keys, not the hits.
    const q = { words: 'alpha plain', index: 'byDate', direction: 'prev', limit: 40 } as const;
    const want = scan(all, q.words, q, byDate);
    try {
      const seen = await store.transaction(['messages'], 'readonly', async (tx) => {
        const messages = tx.collection<Mail>('messages');
        const first = await messages.page(q);
        const second = await messages.page({ ...q, after: first.next });
        return [...first.items, ...second.items].map((m) => m.id);
      });
      expect(seen).to.deep.equal(want.slice(0, 80));
      expect(wordReads, 'one read of each word for both pages').to.equal(2);

      wordReads = 0;
      const late: Mail = { id: 'm-late', threadId: 't0', date: 1, labels: ['INBOX'], subject: 'alpha late', body: 'plain' };
      const listed = await store.transaction(['messages'], 'readwrite', async (tx) => {
        const messages = tx.collection<Mail>('messages');
        const ids: string[] = [];
        let page = await messages.page(q);
        // The oldest match, written after the first page was read: the last page must list it.
        await messages.put(late);
        for (;;) {
          ids.push(...page.items.map((m) => m.id));
          if (!page.next) return ids;
          page = await messages.page({ ...q, after: page.next });
        }
      });
      expect(listed).to.deep.equal([...want, 'm-late']);
      expect(wordReads, 'each page read the words again').to.be.greaterThan(2);
    } finally {
      IDBIndex.prototype.getAllKeys = getAllKeys;
      await store.collection<Mail>('messages').delete('m-late');
    }
  });

  if (ordered)
    it('pages of a one-word search in one read-only transaction find the words its prefix stands for once', async () => {
      // The words starting with "alpha" (alpha, alphabet) are found by stepping a key cursor from one to the next.
      let steps = 0;
      const step = IDBCursor.prototype.continue;
      IDBCursor.prototype.continue = function (this: IDBCursor, ...args: Parameters<IDBCursor['continue']>) {
        if (this.source instanceof IDBIndex && this.source.objectStore.name === '$words/messages') steps++;
        return step.apply(this, args);
      };
      const q = { words: 'alpha', index: 'byDate', direction: 'prev', limit: 30 } as const;
      try {
        const seen = await store.transaction(['messages'], 'readonly', async (tx) => {
          const messages = tx.collection<Mail>('messages');
          const ids: string[] = [];
          let page = await messages.page(q);
          const first = steps;
          for (let n = 0; n < 3 && page.next; n++) {
            ids.push(...page.items.map((m) => m.id));
            page = await messages.page({ ...q, after: page.next });
          }
          ids.push(...page.items.map((m) => m.id));
          return { ids, first };
        });
        expect(seen.ids).to.deep.equal(scan(all, q.words, q, byDate).slice(0, 120));
        expect(seen.first, 'the first page steps from word to word').to.be.greaterThan(0);
        expect(steps, 'the next three pages step no more').to.equal(seen.first);
      } finally {
        IDBCursor.prototype.continue = step;
      }
    });

  it('refuses a multiEntry index with a StoreError naming it', async () => {
    const err = await store.collection<Mail>('messages').query({ words: 'alpha', index: 'byLabel' }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(StoreError);
    expect((err as StoreError).code).to.equal('invalid-query');
    expect((err as StoreError).message).to.contain("'byLabel'");
  });

  it('live: a new match comes in at its place, a record that loses the word leaves, the window refills', async () => {
    const messages = store.collection<Mail>('messages');
    const q: Query = { words: 'alpha', index: 'byDate', direction: 'prev', limit: 5 };
    const calls: string[][] = [];
    const stop = messages.observe(q, (rows) => calls.push(rows.map((m) => m.id)));
    try {
      const fresh = async () => (await messages.query(q)).map((m) => m.id);
      await waitFor(calls, (ids) => ids.length === 5);
      await messages.put({ id: 'new-1', threadId: 't1', date: 5000, labels: ['INBOX'], subject: 'alpha news' });
      await waitFor(calls, (ids) => ids[0] === 'new-1');
      // A newer message without the word changes nothing; one that loses it leaves and the window refills.
      await messages.put({ id: 'new-2', threadId: 't1', date: 6000, labels: ['INBOX'], subject: 'other news' });
      const second = calls.at(-1)![1];
      await messages.put({ ...all.find((m) => m.id === second)!, subject: 'nothing here', body: '' });
      const want = await fresh();
      expect(want).to.not.include(second);
      const got = await waitFor(calls, (ids) => !ids.includes(second));
      expect(got).to.deep.equal(want);
      expect(calls.some((ids) => ids.includes('new-2'))).to.equal(false);
    } finally {
      stop();
    }
  });
});

type SideEntry = { k: string; w: string[]; o?: Record<string, IDBValidKey[][]> };

/** The side store's entries and its word index's key path, read with raw IndexedDB. */
const sideOf = (name: string) =>
  withRawDb(name, (db) => {
    const side = db.transaction('$words/messages').objectStore('$words/messages');
    const r = side.getAll();
    return new Promise<{ entries: SideEntry[]; keyPath: string | string[] }>((resolve, reject) => {
      r.onsuccess = () => resolve({ entries: r.result as SideEntry[], keyPath: side.index('w').keyPath });
      r.onerror = () => reject(r.error);
    });
  });

/** Counts the calls of `method` on the side store while `fn` runs, and the keys its getAllKeys returned. */
async function sideCalls(method: 'put' | 'getAllKeys', fn: () => Promise<unknown>): Promise<{ calls: number; keys: number }> {
  const seen = { calls: 0, keys: 0 };
  const proto: IDBObjectStore | IDBIndex = method === 'put' ? IDBObjectStore.prototype : IDBIndex.prototype;
  await watchCalls(proto, [method], (target, _, request) => {
    if ((target instanceof IDBIndex ? target.objectStore : target).name !== '$words/messages') return;
    seen.calls++;
    request.addEventListener('success', () => (seen.keys += Array.isArray(request.result) ? request.result.length : 0));
  }, fn);
  return seen;
}

describe('an ordered word index (wordsOrder)', () => {
  const all = mailbox().slice(0, 300);
  let name: string;
  beforeEach(() => {
    name = uniqueName('words-ordered');
  });
  afterEach(() => deleteStore(name));

  const search = async (store: Store, words: string, q: Query) => (await store.collection<Mail>('messages').query({ ...q, words })).map((m) => m.id);

  it('upgrading to it pairs every stored entry with its record’s order key and keeps searches right; upgrading away keeps them right too', async () => {
    let store = await openStore(schemaOf(name, false, 1));
    await store.collection<Mail>('messages').bulkPut([...all, { id: 'undated', threadId: 't0', labels: [], subject: 'alpha undated' } as unknown as Mail]);
    store.close();
    store = await openStore(schemaOf(name, true, 2));
    const { entries, keyPath } = await sideOf(name);
    expect(keyPath).to.equal('o.byDate');
    expect(entries.length).to.equal(all.length + 1);
    for (const e of entries) {
      const date = all.find((m) => m.id === e.k)?.date;
      expect(e.o?.byDate, e.k).to.deep.equal(e.w.map((w) => (date === undefined ? [w] : [w, date])));
    }
    const q: Query = { index: 'byDate', direction: 'prev', limit: 25 };
    const want = scan(all, 'alpha', q, (m) => m.date).slice(0, 25);
    expect(await search(store, 'alpha', q)).to.deep.equal(want);
    // The undated record is in no byDate order, as IndexedDB leaves it out of byDate; a search by
    // another index still finds it.
    expect(await search(store, 'undated', {})).to.deep.equal([]);
    expect(await search(store, 'undated', { index: 'bySubject' })).to.deep.equal(['undated']);
    store.close();
    store = await openStore(schemaOf(name, false, 3));
    expect((await sideOf(name)).keyPath).to.equal('w');
    expect(await search(store, 'alpha', q)).to.deep.equal(want);
    expect(await search(store, 'undated', {})).to.deep.equal(['undated']);
    store.close();
  });

  it('a write that moves a record in the order rewrites its entry’s pairs; one that changes neither its words nor its order key writes none', async () => {
    const store = await openStore(schemaOf(name, true));
    const messages = store.collection<Mail>('messages');
    await messages.bulkPut(all);
    const first = all[0];
    expect((await sideCalls('put', () => messages.put({ ...first, labels: ['ARCHIVE'] }))).calls, 'a label change').to.equal(0);
    expect((await sideCalls('put', () => messages.put({ ...first, date: 99999 }))).calls, 'a date change').to.equal(1);
    const entry = (await sideOf(name)).entries.find((e) => e.k === first.id)!;
    expect(entry.o?.byDate).to.deep.equal(entry.w.map((w) => [w, 99999]));
    const moved = all.map((m) => (m.id === first.id ? { ...m, date: 99999 } : m));
    for (const words of ['alpha', 'omega', 'zeta']) {
      expect(await search(store, words, { index: 'byDate', direction: 'prev', limit: 5 }), words).to.deep.equal(scan(moved, words, { direction: 'prev' }, (m) => m.date).slice(0, 5));
    }
    store.close();
  });

  it('a one-word page reads its first index keys, not every hit', async () => {
    const store = await openStore(schemaOf(name, true));
    const messages = store.collection<Mail>('messages');
    await messages.bulkPut(all);
    expect(scan(all, 'omega', {}, (m) => m.date).length).to.equal(100);
    const read = await sideCalls('getAllKeys', () => messages.query({ words: 'omega', index: 'byDate', direction: 'prev', limit: 10 }));
    expect(read.keys).to.be.within(10, 20);
    store.close();
  });

  it('refuses an order that is not a one-key index of the collection, naming it and the fix', async () => {
    for (const order of ['byLabel', 'byNothing']) {
      const schema = schemaOf(name, false);
      schema.collections.messages.wordsOrder = order;
      const err = await openStore(schema).catch((e: unknown) => e);
      expect(err, order).to.be.instanceOf(StoreError);
      expect((err as StoreError).code).to.equal('invalid-schema');
      expect((err as StoreError).message).to.contain(`'${order}'`).and.contain('wordsOrder');
    }
  });
});
