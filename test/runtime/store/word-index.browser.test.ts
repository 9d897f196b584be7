import { expect } from '@open-wc/testing';
import { deleteStore, openStore, tokenize, type Store } from '../../../runtime/store/index.js';
import { mail, mailSchema, openMail, uniqueName, watchCalls, withRawDb, type Mail } from './helpers.js';

// A collection's words live in a side store, `$words/<collection>` (runtime/store/words.ts).
const SIDE = '$words/messages';

/** Every side entry, read with raw IndexedDB: key → words. */
async function sideEntries(name: string): Promise<Map<string, string[]>> {
  const all = await withRawDb(
    name,
    (db) =>
      new Promise<Array<{ k: string; w: string[] }>>((resolve, reject) => {
        const r = db.transaction(SIDE).objectStore(SIDE).getAll();
        r.onsuccess = () => resolve(r.result as Array<{ k: string; w: string[] }>);
        r.onerror = () => reject(r.error);
      }),
  );
  return new Map(all.map((e) => [e.k, e.w]));
}

/** The words each stored record should have (subject and body), records without any left out. */
async function expectedWords(store: Store): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const m of await store.collection<Mail>('messages').query()) {
    const words = [...new Set([...tokenize(m.subject), ...tokenize(m.body ?? '')])];
    if (words.length) out.set(m.id, words);
  }
  return out;
}

/** The side store holds exactly the stored records' words, and searches agree with a scan. */
async function expectExact(store: Store, name: string): Promise<void> {
  const side = await sideEntries(name);
  const nonEmpty = new Map([...side].filter(([, w]) => w.length));
  expect(Object.fromEntries(nonEmpty)).to.deep.equal(Object.fromEntries(await expectedWords(store)));
  const all = await store.collection<Mail>('messages').query();
  for (const q of ['alpha', 'be', 'gamma de', 'zz']) {
    const words = tokenize(q);
    const scan = all.filter((m) => words.every((w) => [...tokenize(m.subject), ...tokenize(m.body ?? '')].some((h) => h.startsWith(w)))).map((m) => m.id).sort();
    expect((await store.collection<Mail>('messages').query({ words: q })).map((m) => m.id).sort(), q).to.deep.equal(scan);
  }
}

/** A side entry as stored, `{ k, w, f }` (f: the fingerprint of its words' source text). */
type RawEntry = { k: string; w: string[]; f?: number };

/** Reads (without `entry`) or replaces one side entry, with raw IndexedDB. */
async function rawEntry(name: string, key: string, entry?: RawEntry): Promise<RawEntry | undefined> {
  return withRawDb(
    name,
    (db) =>
      new Promise<RawEntry | undefined>((resolve, reject) => {
        const tx = db.transaction(SIDE, 'readwrite');
        const r = tx.objectStore(SIDE).get(key);
        r.onsuccess = () => {
          if (entry) tx.objectStore(SIDE).put(entry);
          tx.oncomplete = () => resolve(r.result as RawEntry | undefined);
        };
        tx.onerror = () => reject(tx.error);
      }),
  );
}

/** Counts the side-store writes (put/delete) while `fn` runs. */
async function sideWrites(fn: () => Promise<unknown>): Promise<number> {
  let n = 0;
  await watchCalls(IDBObjectStore.prototype, ['put', 'delete'], (store) => void (store.name === SIDE && n++), fn);
  return n;
}

describe('word index side store', () => {
  let name: string;
  let store: Store;
  beforeEach(async () => {
    name = uniqueName('words');
    store = await openMail(name);
  });
  afterEach(async () => {
    store.close();
    await deleteStore(name);
  });

  it('put, bulkPut, delete, clear and transactions keep the side store exactly the records\' words', async () => {
    const messages = store.collection<Mail>('messages');
    await messages.bulkPut([mail(1, { subject: 'alpha beta' }), mail(2, { subject: 'beta gamma', body: 'delta' }), mail(3, { subject: 'gamma' }), mail(4, { subject: '' })]);
    await expectExact(store, name);
    await messages.put(mail(1, { subject: 'alpha', body: 'zz top' }));
    await messages.delete(mail(3).id);
    await expectExact(store, name);
    // The same record written several times in one transaction, its words changing and changing
    // back, deleted and written again: the last write wins in the side store too.
    await store.transaction(['messages'], 'readwrite', async (tx) => {
      const m = tx.collection<Mail>('messages');
      await m.put(mail(2, { subject: 'omega' }));
      await m.put(mail(2, { subject: 'beta gamma', body: 'delta' }));
      await m.put(mail(5, { subject: 'alpha' }));
      await m.delete(mail(5).id);
      await m.put(mail(6, { subject: 'epsilon' }));
      await m.delete(mail(6).id);
      await m.put(mail(6, { subject: 'gamma delta' }));
    });
    await expectExact(store, name);
    // Writes queued together (their side entries read before any is written): one bulkPut with a
    // key twice, and unawaited puts of one key.
    await messages.bulkPut([mail(2, { subject: 'omega' }), mail(2, { subject: 'beta gamma', body: 'delta' })]);
    await store.transaction(['messages'], 'readwrite', async (tx) => {
      const m = tx.collection<Mail>('messages');
      await Promise.all([m.put(mail(6, { subject: 'omega' })), m.put(mail(6, { subject: 'gamma delta' }))]);
    });
    await expectExact(store, name);
    expect((await messages.query({ words: 'omega' })).length).to.equal(0);
    expect((await messages.query({ words: 'gamma de' })).map((m) => m.id)).to.deep.equal([mail(2).id, mail(6).id]);
    // A clear inside a transaction, with writes queued before and after it.
    await store.transaction(['messages'], 'readwrite', async (tx) => {
      const m = tx.collection<Mail>('messages');
      await m.put(mail(7, { subject: 'alpha' }));
      await m.clear();
      await m.put(mail(8, { subject: 'beta' }));
    });
    expect((await messages.query()).map((m) => m.id)).to.deep.equal([mail(8).id]);
    await expectExact(store, name);
  });

  it('a batch of new records, one key twice, then a batch over stored ones, keeps the side store exact', async () => {
    const messages = store.collection<Mail>('messages');
    await messages.bulkPut([mail(5, { subject: 'alpha' }), mail(6, { subject: 'omega' }), mail(6, { subject: 'beta' }), mail(7, { subject: '' })]);
    await expectExact(store, name);
    await messages.bulkPut([mail(4, { subject: 'gamma' }), mail(5, { subject: 'alpha' }), mail(6, { subject: 'delta' }), mail(8, { subject: 'alpha beta' })]);
    await expectExact(store, name);
    expect(await sideWrites(() => messages.bulkPut([mail(5, { subject: 'alpha', labels: [] }), mail(8, { subject: 'alpha beta', labels: [] })]))).to.equal(0);
  });

  it("a batch whose key range holds stored entries reads only its stored keys' entries: new records' entries are put unread", async () => {
    const messages = store.collection<Mail>('messages');
    await messages.bulkPut([mail(1, { subject: 'alpha' }), mail(5, { subject: 'beta' }), mail(9, { subject: 'gamma' })]);
    let reads = 0;
    const counted = (fn: () => Promise<unknown>) => watchCalls(IDBObjectStore.prototype, ['get'], (os) => void (os.name === SIDE && reads++), fn);
    // 2–8 around the stored 5: new keys, one of them twice (the last one wins).
    await counted(() => messages.bulkPut([2, 3, 4, 6, 7, 8].map((i) => mail(i, { subject: `alpha ${i}` })).concat(mail(3, { subject: 'delta' }))));
    expect(reads, 'new records').to.equal(0);
    await expectExact(store, name);
    // 5 and 7 stored (5's words change, 7's do not), 10–15 new; 5–9 stored in the range.
    reads = 0;
    await counted(() => messages.bulkPut([mail(5, { subject: 'beta de' }), mail(7, { subject: 'alpha 7', labels: [] }), ...[10, 11, 12, 13, 14, 15].map((i) => mail(i, { subject: `zz be ${i}` }))]));
    expect(reads, 'two stored records').to.equal(2);
    await expectExact(store, name);
  });

  it('a transaction that fails rolls its side-store writes back with the records', async () => {
    const messages = store.collection<Mail>('messages');
    await messages.bulkPut([mail(1, { subject: 'alpha' }), mail(2, { subject: 'beta' })]);
    const failed = await store.transaction(['messages'], 'readwrite', async (tx) => {
      await tx.collection<Mail>('messages').put(mail(1, { subject: 'gamma' }));
      await tx.collection<Mail>('messages').delete(mail(2).id);
      await tx.collection<Mail>('messages').put(mail(3, { subject: 'delta' }));
      throw new Error('give up');
    }).then(() => false, () => true);
    expect(failed).to.equal(true);
    await expectExact(store, name);
    expect((await messages.query({ words: 'alpha' })).map((m) => m.id)).to.deep.equal([mail(1).id]);
  });

  it('a bulkPut refused part way (a value that cannot be cloned) stores none of its records or side entries', async () => {
    const messages = store.collection<Mail>('messages');
    await messages.put(mail(1, { subject: 'alpha' }));
    for (const batch of [
      [mail(2, { subject: 'beta' }), mail(3, { subject: 'gamma' }), { ...mail(4), open: () => 1 }],
      [mail(1, { subject: 'delta' }), { ...mail(5), open: () => 1 }],
    ]) {
      const err = await messages.bulkPut(batch as Mail[]).then(() => undefined, (e: { code?: string }) => e);
      expect(err?.code).to.equal('not-cloneable');
    }
    expect((await messages.query()).map((m) => [m.id, m.subject])).to.deep.equal([[mail(1).id, 'alpha']]);
    await expectExact(store, name);
  });

  it('a write that leaves the words alone writes no side entry; one that changes them writes one', async () => {
    const messages = store.collection<Mail>('messages');
    await messages.bulkPut([mail(1, { subject: 'alpha beta' }), mail(2, { subject: 'gamma' })]);
    expect(await sideWrites(() => messages.put(mail(1, { subject: 'alpha beta', labels: ['ARCHIVE'] })))).to.equal(0);
    expect(await sideWrites(() => messages.bulkPut([mail(1, { subject: 'alpha beta', labels: [] }), mail(2, { subject: 'gamma', date: 5 })]))).to.equal(0);
    expect(await sideWrites(() => messages.put(mail(2, { subject: 'gamma delta' })))).to.equal(1);
    expect(await sideWrites(() => messages.delete(mail(2).id))).to.equal(1);
    await expectExact(store, name);
  });

  it('a write whose word source text is unchanged trusts the side entry\'s words (no recomputing); an entry without a fingerprint recomputes them', async () => {
    const messages = store.collection<Mail>('messages');
    await messages.bulkPut([mail(1, { subject: 'alpha beta' }), mail(2, { subject: 'gamma', body: 'delta' })]);
    const [one, two] = [await rawEntry(name, mail(1).id), await rawEntry(name, mail(2).id)];
    expect(one!.w).to.deep.equal(['alpha', 'beta']);
    expect(one!.f).to.be.a('number');
    expect(two!.f).not.to.equal(one!.f);
    // Words no text of these records has, under their texts' fingerprints: a write that computed
    // the words to compare would put the right ones back; one that trusts the fingerprint leaves them.
    await rawEntry(name, mail(1).id, { ...one!, w: ['planted'] });
    await rawEntry(name, mail(2).id, { ...two!, w: ['planted'] });
    expect(await sideWrites(() => messages.put(mail(1, { subject: 'alpha beta', labels: ['ARCHIVE'] })))).to.equal(0);
    expect(await sideWrites(() => messages.bulkPut([mail(1, { subject: 'alpha beta', labels: [] }), mail(2, { subject: 'gamma', body: 'delta', labels: [] })]))).to.equal(0);
    expect((await messages.query({ words: 'planted' })).map((m) => m.id)).to.deep.equal([mail(1).id, mail(2).id]);
    // Without a fingerprint (entries from before it was kept) the words are computed and the entry
    // is written once with one, after which the same text writes nothing.
    await rawEntry(name, mail(1).id, { k: mail(1).id, w: ['planted'] });
    await rawEntry(name, mail(2).id, { k: mail(2).id, w: ['gamma', 'delta'] });
    expect(await sideWrites(() => messages.bulkPut([mail(1, { subject: 'alpha beta' }), mail(2, { subject: 'gamma', body: 'delta' })]))).to.equal(2);
    expect(await rawEntry(name, mail(1).id)).to.deep.equal(one);
    expect(await rawEntry(name, mail(2).id)).to.deep.equal(two);
    expect(await sideWrites(() => messages.put(mail(1, { subject: 'alpha beta', labels: ['ARCHIVE'] })))).to.equal(0);
    await expectExact(store, name);
  });

  it("a record read with tx.stored and written back with its words' text and order key unchanged reads no side entry; changed ones, and writes, deletes or a clear queued before the read's result, keep the side store exact", async () => {
    const ordered = uniqueName('words-stored');
    const s = await openStore({ name: ordered, version: 1, collections: { messages: { keyPath: 'id', indexes: { byDate: 'date' }, words: ['subject', 'body'], wordsOrder: 'byDate' } } });
    let sideReads = 0;
    const counted = (fn: () => Promise<unknown>) => watchCalls(IDBObjectStore.prototype, ['get'], (os) => void (os.name === SIDE && sideReads++), fn);
    try {
      await s.collection<Mail>('messages').bulkPut([mail(1, { subject: 'alpha' }), mail(2, { subject: 'beta' }), mail(3, { subject: 'gamma' }), mail(4, { subject: 'delta' }), mail(5, { subject: 'zz' })]);
      await counted(() =>
        s.transaction(['messages'], 'readwrite', async (tx) => {
          const one = (await tx.stored('messages', mail(1).id)) as Mail;
          expect(one.subject).to.equal('alpha');
          await tx.collection<Mail>('messages').put({ ...one, labels: ['ARCHIVE'] });
        }),
      );
      expect(sideReads, 'a label change after tx.stored').to.equal(0);
      await counted(() =>
        s.transaction(['messages'], 'readwrite', async (tx) => {
          const m = tx.collection<Mail>('messages');
          const two = (await tx.stored('messages', mail(2).id)) as Mail;
          await m.put({ ...two, subject: 'beta zz' });
          const three = (await tx.stored('messages', mail(3).id)) as Mail;
          await m.put({ ...three, date: 9999 });
          // Queued before the read's result came: the read found the record before them.
          const [four] = await Promise.all([tx.stored('messages', mail(4).id), m.put(mail(4, { subject: 'gamma de' }))]);
          await m.put({ ...(four as Mail), labels: [] });
          const [five] = await Promise.all([tx.stored('messages', mail(5).id), m.delete(mail(5).id)]);
          await m.put({ ...(five as Mail), labels: ['INBOX'] });
        }),
      );
      expect(sideReads, 'changed texts and order keys, and writes after a read, read their side entries').to.be.greaterThan(0);
      expect((await rawEntry(ordered, mail(3).id)) as unknown).to.deep.include({ o: { byDate: [['gamma', 9999]] } });
      await expectExact(s, ordered);
      await s.transaction(['messages'], 'readwrite', async (tx) => {
        const m = tx.collection<Mail>('messages');
        const [two] = await Promise.all([tx.stored('messages', mail(2).id), m.clear()]);
        await m.put({ ...(two as Mail), labels: ['INBOX'] });
      });
      await expectExact(s, ordered);
      expect((await s.collection<Mail>('messages').query({ words: 'beta' })).map((m) => m.id)).to.deep.equal([mail(2).id]);
    } finally {
      s.close();
      await deleteStore(ordered);
    }
  });

  it('a changed word source text gets its own words: same length, text moved across fields, case only, a field emptied', async () => {
    const messages = store.collection<Mail>('messages');
    await messages.bulkPut([mail(1, { subject: 'cat' }), mail(2, { subject: 'ab', body: 'c' }), mail(3, { subject: 'Alpha' }), mail(4, { subject: 'omega', body: 'zz' })]);
    await messages.bulkPut([mail(1, { subject: 'dog' }), mail(2, { subject: 'a', body: 'bc' })]);
    expect((await sideEntries(name)).get(mail(2).id)).to.deep.equal(['a', 'bc']);
    // Same words from another text: the entry is rewritten once (its new fingerprint), then skipped.
    expect(await sideWrites(() => messages.put(mail(3, { subject: 'alpha' })))).to.equal(1);
    expect(await sideWrites(() => messages.put(mail(3, { subject: 'alpha', labels: [] })))).to.equal(0);
    await messages.put(mail(4, { subject: '', body: 'zz' }));
    await messages.put(mail(4, { subject: '!', body: undefined }));
    expect((await sideEntries(name)).has(mail(4).id)).to.equal(false);
    await expectExact(store, name);
  });

  it('word search pages list each record once, as query() does, both ways: a record with several matching words is not repeated on a later page', async () => {
    const messages = store.collection<Mail>('messages');
    await messages.bulkPut(Array.from({ length: 30 }, (_, i) => mail(i, { subject: `in index${i} ${i % 3 ? 'zz' : ''}` })));
    for (const direction of ['next', 'prev'] as const) {
      for (const words of ['in', 'in zz', 'index2 zz']) {
        const all = (await messages.query({ words, direction })).map((m) => m.id);
        const paged: string[] = [];
        let page = await messages.page({ words, direction, limit: 4 });
        paged.push(...page.items.map((m) => m.id));
        while (page.next) {
          page = await messages.page({ words, direction, limit: 4, after: page.next });
          paged.push(...page.items.map((m) => m.id));
        }
        // 'in' matches 'in' and 'index<n>' of every record: a hit for each, one row each.
        expect(paged, `${direction} ${words}`).to.deep.equal(all);
        expect(all.length, `${direction} ${words}`).to.equal(new Set(all).size);
      }
    }
  });
});

describe('word index upgrade from layout 0', () => {
  it('a database whose records carry their words moves them to the side store, keeps the data and runs no migration again', async () => {
    const name = uniqueName('layout0');
    // Layout 0, as Outpost wrote it before side stores: IndexedDB version = the app's version, a
    // multiEntry `$words` index on the records' hidden `$words` field.
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const r = indexedDB.open(name, 1);
      r.onupgradeneeded = () => {
        const os = r.result.createObjectStore('messages', { keyPath: 'id' });
        os.createIndex('byDate', 'date');
        os.createIndex('byThread', ['threadId', 'date']);
        os.createIndex('byLabel', 'labels', { multiEntry: true });
        os.createIndex('bySubject', 'subject');
        os.createIndex('$words', '$words', { multiEntry: true });
        r.result.createObjectStore('threads', { keyPath: 'id' });
        r.result.createObjectStore('unique', { keyPath: 'id' }).createIndex('byEmail', 'email', { unique: true });
        for (let i = 0; i < 2500; i++) {
          const m = mail(i, { subject: i % 2 ? `alpha ${i}` : `beta ${i}` });
          os.put({ ...m, $words: tokenize(m.subject) });
        }
      };
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    db.close();
    let migrated = 0;
    const store = await openStore({ ...mailSchema(name), migrations: { 1: () => void migrated++ } });
    try {
      expect(migrated).to.equal(0);
      const messages = store.collection<Mail>('messages');
      expect(await messages.count()).to.equal(2500);
      expect(await messages.query({ words: 'alpha' })).to.have.length(1250);
      expect((await messages.query({ words: 'beta 2498' })).map((m) => m.id)).to.deep.equal([mail(2498).id]);
      expect(Object.keys((await messages.get(mail(1).id))!)).not.to.include('$words');
      const side = await sideEntries(name);
      expect(side.size).to.equal(2500);
      expect(side.get(mail(7).id)).to.deep.equal(['alpha', '7']);
      await withRawDb(name, async (raw) => {
        expect(raw.version).to.equal(1001);
        expect([...raw.transaction('messages').objectStore('messages').indexNames]).not.to.include('$words');
      });
      // Writes after the upgrade keep the side store exact.
      await messages.put(mail(7, { subject: 'gamma' }));
      await expectExact(store, name);
    } finally {
      store.close();
      await deleteStore(name);
    }
    // A later app version upgrades from the new layout and runs its own migration once.
    const name2 = uniqueName('layout1');
    (await openMail(name2)).close();
    const seen: number[] = [];
    const v2 = await openStore({ ...mailSchema(name2, 2), migrations: { 1: () => void seen.push(1), 2: () => void seen.push(2) } });
    v2.close();
    expect(seen).to.deep.equal([2]);
    await deleteStore(name2);
  });
});
