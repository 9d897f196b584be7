import { expect } from '@open-wc/testing';
import { deleteStore, openStore, type Query, type Store } from '../../../runtime/store/index.js';
import { mail, openMail, uniqueName, waitFor, watchCalls, type Mail } from './helpers.js';

describe('store collections', () => {
  let store: Store;
  let name: string;
  beforeEach(async () => {
    name = uniqueName();
    store = await openMail(name);
  });
  afterEach(async () => {
    store.close();
    await deleteStore(name);
  });

  it('put, get, getMany, delete and count round-trip records', async () => {
    const messages = store.collection<Mail>('messages');
    expect(await messages.put(mail(1))).to.equal('m0001');
    await messages.put(mail(2));
    expect(await messages.get('m0001')).to.deep.equal(mail(1));
    expect(await messages.getMany(['m0002', 'nope', 'm0001'])).to.deep.equal([mail(2), undefined, mail(1)]);
    expect(await messages.count()).to.equal(2);
    await messages.delete('m0001');
    expect(await messages.get('m0001')).to.equal(undefined);
    expect(await messages.count()).to.equal(1);
  });

  it('bulkPut and bulkDelete write many records in one go', async () => {
    const messages = store.collection<Mail>('messages');
    await messages.bulkPut(Array.from({ length: 500 }, (_, i) => mail(i)));
    expect(await messages.count()).to.equal(500);
    await messages.bulkDelete(Array.from({ length: 100 }, (_, i) => mail(i).id));
    expect(await messages.count()).to.equal(400);
    expect(await messages.get('m0050')).to.equal(undefined);
    expect(await messages.get('m0150')).to.deep.equal(mail(150));
  });

  it('bulkDelete with the key range of its keys deletes them and tells live queries; a collection with words deletes the keys alone, word entries too', async () => {
    const threads = store.collection('threads');
    await threads.bulkPut(Array.from({ length: 10 }, (_, i) => ({ id: `t${i}` })));
    const seen: string[][] = [];
    const stop = threads.observe({}, (rows) => seen.push(rows.map((r) => r.id as string)));
    await waitFor(seen, (ids) => ids.length === 10);
    await threads.bulkDelete(['t3', 't4', 't5'], IDBKeyRange.bound('t3', 't5'));
    expect((await threads.query()).map((r) => r.id)).to.deep.equal(['t0', 't1', 't2', 't6', 't7', 't8', 't9']);
    await waitFor(seen, (ids) => ids.join() === 't0,t1,t2,t6,t7,t8,t9');
    stop();
    const messages = store.collection<Mail>('messages');
    await messages.bulkPut(Array.from({ length: 6 }, (_, i) => mail(i, { subject: `zebra ${i}` })));
    await messages.bulkDelete(['m0001', 'm0002'], IDBKeyRange.bound('m0001', 'm0004'));
    expect((await messages.query()).map((m) => m.id)).to.deep.equal(['m0000', 'm0003', 'm0004', 'm0005']);
    expect((await messages.query({ words: 'zebra' })).map((m) => m.id).sort()).to.deep.equal(['m0000', 'm0003', 'm0004', 'm0005']);
  });

  it('queries a plain index with equals, between, startsWith, direction and limit', async () => {
    const messages = store.collection<Mail>('messages');
    await messages.bulkPut(Array.from({ length: 30 }, (_, i) => mail(i)));
    expect((await messages.query({ index: 'byDate', equals: 1005 })).map((m) => m.id)).to.deep.equal(['m0005']);
    expect((await messages.query({ index: 'byDate', between: [1010, 1012] })).map((m) => m.date)).to.deep.equal([1010, 1011, 1012]);
    expect((await messages.query({ index: 'byDate', direction: 'prev', limit: 3 })).map((m) => m.date)).to.deep.equal([1029, 1028, 1027]);
    expect((await messages.query({ index: 'bySubject', startsWith: 'Subject 2' })).map((m) => m.subject)).to.deep.equal(['Subject 2', 'Subject 20', 'Subject 21', 'Subject 22', 'Subject 23', 'Subject 24', 'Subject 25', 'Subject 26', 'Subject 27', 'Subject 28', 'Subject 29']);
    expect(await messages.count({ index: 'byDate', between: [1000, 1009] })).to.equal(10);
  });

  it('reads backwards without a token in walking order: equal index keys by primary key, descending', async () => {
    const messages = store.collection<Mail>('messages');
    // Dates 2000, 2000, 2001, 2001, 2001, 2002, …: ties on the index, read in one call where they are not.
    await messages.bulkPut(Array.from({ length: 12 }, (_, i) => mail(i, { date: 2000 + Math.floor(i / 2.5) })));
    const stored = Array.from({ length: 12 }, (_, i) => mail(i, { date: 2000 + Math.floor(i / 2.5) })).sort((a, b) => b.date - a.date || (a.id < b.id ? 1 : -1));
    const walked = stored.map((m) => m.id);
    for (const limit of [1, 2, 4, 12, 20]) {
      expect((await messages.query({ index: 'byDate', direction: 'prev', limit })).map((m) => m.id), `limit ${limit}`).to.deep.equal(walked.slice(0, limit));
    }
    expect((await messages.query({ index: 'byDate', between: [2001, 2003], direction: 'prev' })).map((m) => m.id)).to.deep.equal(stored.filter((m) => m.date >= 2001 && m.date <= 2003).map((m) => m.id));
    expect((await messages.query({ direction: 'prev', limit: 3 })).map((m) => m.id)).to.deep.equal(['m0011', 'm0010', 'm0009']);
  });

  it('reads a backward first page in a few requests, never a value cursor stepping row by row (ties at its edge, every index kind, the store)', async () => {
    const messages = store.collection<Mail>('messages');
    // 120 mails, dates tied in threes, so a page of 50 ends inside a tie; every one in INBOX.
    const all = Array.from({ length: 120 }, (_, i) => mail(i, { date: 3000 + Math.floor(i / 3), labels: ['INBOX'] }));
    await messages.bulkPut(all);
    const desc = (key: (m: Mail) => unknown[]) => [...all].sort((a, b) => indexedDB.cmp(key(b), key(a))).map((m) => m.id);
    const cases: Array<[string, Query & { limit: number }, string[]]> = [
      ['plain index', { index: 'byDate', direction: 'prev', limit: 50 }, desc((m) => [m.date, m.id])],
      ['compound index', { index: 'byThread', between: [['t1', 0], ['t1', Infinity]], direction: 'prev', limit: 10 }, desc((m) => [m.threadId, m.date, m.id]).filter((id) => all.find((m) => m.id === id)!.threadId === 't1')],
      ['multiEntry index', { index: 'byLabel', equals: 'INBOX', direction: 'prev', limit: 50 }, desc((m) => [m.id])],
      ['the store', { direction: 'prev', limit: 50 }, desc((m) => [m.id])],
      ['a range smaller than a page', { index: 'byDate', between: [3010, 3012], direction: 'prev', limit: 50 }, desc((m) => [m.date, m.id]).filter((id) => { const d = all.find((m) => m.id === id)!.date; return d >= 3010 && d <= 3012; })],
      ['a range topped by a tie', { index: 'byDate', between: [3000, 3005], direction: 'prev', limit: 2 }, desc((m) => [m.date, m.id]).filter((id) => all.find((m) => m.id === id)!.date <= 3005)],
    ];
    const opened: string[] = [];
    // Value cursors opened on an index or the store while `fn` runs.
    const seen = (source: IDBObjectStore | IDBIndex) => void opened.push(source.name);
    const watch = (fn: () => Promise<unknown>) => watchCalls<IDBObjectStore | IDBIndex>(IDBIndex.prototype, ['openCursor'], seen, () => watchCalls<IDBObjectStore | IDBIndex>(IDBObjectStore.prototype, ['openCursor'], seen, fn));
    for (const [what, query, expected] of cases) {
      expect((await messages.query(query)).map((m) => m.id), what).to.deep.equal(expected.slice(0, query.limit));
      // The page's token continues where it ended (that read may walk).
      const first = await messages.page(query);
      expect(first.items.map((m) => m.id), `${what}: page`).to.deep.equal(expected.slice(0, query.limit));
      expect(!!first.next, `${what}: more after the page`).to.equal(expected.length > query.limit);
      if (first.next) {
        const second = await messages.page({ ...query, after: first.next, limit: 1 });
        expect(second.items.map((m) => m.id), `${what}: the next row`).to.deep.equal([expected[query.limit]]);
      }
      opened.length = 0;
      await watch(async () => {
        await messages.query(query);
        await messages.page(query);
      });
      expect(opened, `${what}: value cursors opened`).to.deep.equal([]);
    }
  });

  it('reads a newest page again from where it last ended: the same rows as a walk after writes above, below and across its edge', async () => {
    const messages = store.collection<Mail>('messages');
    const model = new Map<string, Mail>();
    const write = async (ms: Mail[]) => {
      await messages.bulkPut(ms);
      ms.forEach((m) => model.set(m.id, m));
    };
    const remove = async (ids: string[]) => {
      await messages.bulkDelete(ids);
      ids.forEach((id) => model.delete(id));
    };
    // Dates tied in threes, so a page's edge often falls inside a tie.
    await write(Array.from({ length: 150 }, (_, i) => mail(i, { date: 3000 + Math.floor(i / 3) })));
    const cases: Array<[string, Query & { limit: number }, (m: Mail) => boolean, (m: Mail) => unknown[]]> = [
      ['plain index', { index: 'byDate', direction: 'prev', limit: 20 }, () => true, (m) => [m.date, m.id]],
      ['a range of it', { index: 'byDate', between: [3010, 3040], direction: 'prev', limit: 12 }, (m) => m.date >= 3010 && m.date <= 3040, (m) => [m.date, m.id]],
      ['compound index', { index: 'byThread', between: [['t1', 0], ['t1', Infinity]], direction: 'prev', limit: 9 }, (m) => m.threadId === 't1', (m) => [m.threadId, m.date, m.id]],
      ['the store', { direction: 'prev', limit: 15 }, () => true, (m) => [m.id]],
    ];
    const check = async (step: string) => {
      for (const [what, query, inRange, key] of cases) {
        const expected = [...model.values()].filter(inRange).sort((a, b) => indexedDB.cmp(key(b), key(a))).map((m) => m.id);
        // Twice: the first read may leave where the page ends, the second starts there.
        for (const read of ['first', 'again']) {
          expect((await messages.query(query)).map((m) => m.id), `${step}, ${what}, ${read}`).to.deep.equal(expected.slice(0, query.limit));
          const page = await messages.page(query);
          expect(page.items.map((m) => m.id), `${step}, ${what}, ${read}: page`).to.deep.equal(expected.slice(0, query.limit));
          expect(!!page.next, `${step}, ${what}, ${read}: more after the page`).to.equal(expected.length > query.limit);
          if (page.next) {
            const rest = await messages.page({ ...query, after: page.next, limit: 3 });
            expect(rest.items.map((m) => m.id), `${step}, ${what}, ${read}: the rows after`).to.deep.equal(expected.slice(query.limit, query.limit + 3));
          }
        }
      }
    };
    await check('at the start');
    let n = 1000;
    await write([mail(n++, { date: 4000 }), mail(n++, { date: 4001 })]);
    await check('two newer rows');
    await write(Array.from({ length: 60 }, (_, i) => mail(n++, { date: 5000 + i })));
    await check('more newer rows than two pages');
    await write([mail(n++, { date: 5045 }), mail(n++, { date: 5045 }), mail(n++, { date: 5040, threadId: 't1' })]);
    await check('rows tied with keys inside and at the pages');
    await remove([...model.values()].sort((a, b) => b.date - a.date).slice(0, 5).map((m) => m.id));
    await check('the newest rows deleted');
    await write([mail(7, { date: 9999 }), mail(1001, { date: 2000 })]);
    await check('rows moved from the middle to the top and to the bottom');
    await remove([...model.keys()].filter((id) => id >= 'm0100'));
    await check('most rows deleted');
    await remove([...model.keys()]);
    await check('every row deleted');
  });

  it('a newest page read again on a key path IndexedDB evaluates itself (a string\'s length) equals a walk', async () => {
    const other = uniqueName('length');
    const lengths = await openStore({ name: other, version: 1, collections: { notes: { keyPath: 'id', indexes: { byLength: 'text.length' } } } });
    try {
      const notes = lengths.collection<{ id: string; text: string }>('notes');
      await notes.bulkPut(Array.from({ length: 30 }, (_, i) => ({ id: `n${String(i).padStart(2, '0')}`, text: 'x'.repeat(1 + i) })));
      const expected = Array.from({ length: 5 }, (_, i) => `n${29 - i}`);
      for (let read = 0; read < 4; read++) {
        expect((await notes.query({ index: 'byLength', direction: 'prev', limit: 5 })).map((n) => n.id), `read ${read}`).to.deep.equal(expected);
        const page = await notes.page({ index: 'byLength', direction: 'prev', limit: 5 });
        expect((await notes.page({ index: 'byLength', direction: 'prev', limit: 2, after: page.next })).items.map((n) => n.id), `read ${read}: after the page`).to.deep.equal(['n24', 'n23']);
      }
    } finally {
      lengths.close();
      await deleteStore(other);
    }
  });

  it('a newest page read again is one request (no row between reads; the store, an index, a range)', async () => {
    const messages = store.collection<Mail>('messages');
    await messages.bulkPut(Array.from({ length: 200 }, (_, i) => mail(i, { date: 5000 + i })));
    const requests: string[] = [];
    const seen = (_: unknown, method: string) => void requests.push(method);
    // Only what the browser has: the store tells IndexedDB 3.0 by `getAllRecords` being there.
    const methods = ['get', 'getAll', 'getAllKeys', 'getAllRecords', 'openCursor', 'openKeyCursor', 'count'].filter((m) => m in IDBIndex.prototype);
    const watch = (fn: () => Promise<unknown>) => watchCalls<object>(IDBIndex.prototype, methods, seen, () => watchCalls<object>(IDBObjectStore.prototype, methods, seen, fn));
    for (const query of [{ index: 'byDate', direction: 'prev', limit: 50 }, { index: 'byDate', between: [5010, 5120], direction: 'prev', limit: 30 }, { direction: 'prev', limit: 40 }] satisfies Query[]) {
      const first = await messages.query(query);
      requests.length = 0;
      let again: Mail[] = [];
      await watch(async () => (again = await messages.query(query)));
      expect(again, JSON.stringify(query)).to.deep.equal(first);
      expect(requests, JSON.stringify(query)).to.have.length(1);
    }
  });

  it('queries a compound index and a multiEntry index', async () => {
    const messages = store.collection<Mail>('messages');
    await messages.bulkPut(Array.from({ length: 20 }, (_, i) => mail(i)));
    const thread = await messages.query({ index: 'byThread', between: [['t3', 0], ['t3', Infinity]], direction: 'prev' });
    expect(thread.map((m) => m.id)).to.deep.equal(['m0018', 'm0013', 'm0008', 'm0003']);
    expect(await messages.count({ index: 'byLabel', equals: 'STARRED' })).to.equal(10);
    expect(await messages.count({ index: 'byLabel', equals: 'INBOX' })).to.equal(20);
  });

  it('pages with after: each page continues where the last ended, with no gaps or repeats', async () => {
    const messages = store.collection<Mail>('messages');
    // Equal index keys (same label) across pages are the hard case: the token carries the primary key.
    await messages.bulkPut(Array.from({ length: 47 }, (_, i) => mail(i, { labels: ['INBOX'] })));
    for (const direction of ['next', 'prev'] as const) {
      const seen: string[] = [];
      let page = await messages.page({ index: 'byLabel', equals: 'INBOX', limit: 10, direction });
      seen.push(...page.items.map((m) => m.id));
      while (page.next) {
        page = await messages.page({ index: 'byLabel', equals: 'INBOX', limit: 10, direction, after: page.next });
        seen.push(...page.items.map((m) => m.id));
      }
      const expected = Array.from({ length: 47 }, (_, i) => mail(i).id);
      expect(seen).to.deep.equal(direction === 'next' ? expected : expected.reverse());
    }
    // Distinct keys backwards (read in one call where the browser can), and keys with ties,
    // page the same way: every row once, in order.
    await messages.bulkPut(Array.from({ length: 47 }, (_, i) => mail(i, { labels: ['INBOX'], date: i < 20 ? 5000 + i : 6000 + Math.floor(i / 3) })));
    const backwards: string[] = [];
    let prev = await messages.page({ index: 'byDate', direction: 'prev', limit: 7 });
    backwards.push(...prev.items.map((m) => m.id));
    while (prev.next) {
      prev = await messages.page({ index: 'byDate', direction: 'prev', limit: 7, after: prev.next });
      backwards.push(...prev.items.map((m) => m.id));
    }
    const byDateDesc = Array.from({ length: 47 }, (_, i) => mail(i)).map((m, i) => ({ id: m.id, date: i < 20 ? 5000 + i : 6000 + Math.floor(i / 3) }));
    byDateDesc.sort((a, b) => b.date - a.date || (a.id < b.id ? 1 : -1));
    expect(backwards).to.deep.equal(byDateDesc.map((m) => m.id));
    // Primary-key paging too.
    const first = await messages.page({ limit: 20 });
    const second = await messages.page({ limit: 20, after: first.next });
    expect(second.items[0].id).to.equal('m0020');
  });

  it('word search finds records whose words start with every typed prefix, Unicode-aware', async () => {
    const messages = store.collection<Mail>('messages');
    await messages.bulkPut([
      mail(1, { subject: 'Invoice for March', body: 'Total due' }),
      mail(2, { subject: 'Investment ideas', body: 'Invoice attached' }),
      mail(3, { subject: 'Lunch', body: 'Crème brûlée at noon' }),
    ]);
    expect((await messages.query({ words: 'inv' })).map((m) => m.id).sort()).to.deep.equal(['m0001', 'm0002']);
    expect((await messages.query({ words: 'INVOICE march' })).map((m) => m.id)).to.deep.equal(['m0001']);
    expect((await messages.query({ words: 'brû' })).map((m) => m.id)).to.deep.equal(['m0003']);
    expect(await messages.query({ words: 'zebra' })).to.deep.equal([]);
    // The hidden word field never leaks into records.
    expect(Object.keys((await messages.get('m0001'))!)).not.to.include('$words');
  });

  it('a limited word search returns the same records as a cursor walk: each once, in index order, filtered by every word', async () => {
    const messages = store.collection<Mail>('messages');
    // Records matching "in" by several words (one index entry each), some lacking "zz".
    await messages.bulkPut(Array.from({ length: 40 }, (_, i) => mail(i, { subject: `inbox index${i % 3} ${i % 4 ? 'zz' : 'yy'}`, body: i % 2 ? 'intro' : 'plain' })));
    // The walk (page, which needs a token) is the reference the getAll path must equal.
    for (const words of ['in', 'in zz', 'index2 zz', 'yy in']) {
      for (const limit of [1, 5, 7, 30, 100]) {
        const walked = (await messages.page({ words, limit })).items.map((m) => m.id);
        expect((await messages.query({ words, limit })).map((m) => m.id), `${words} / ${limit}`).to.deep.equal(walked);
      }
      const all = (await messages.query({ words })).map((m) => m.id);
      expect(new Set(all).size, words).to.equal(all.length);
    }
    expect(await messages.query({ words: 'in zz', limit: 100 })).to.have.length(30);
  });

  it('a page token outside the query range gives the rest of the range or nothing', async () => {
    const messages = store.collection<Mail>('messages');
    await messages.bulkPut(Array.from({ length: 10 }, (_, i) => mail(i)));
    const range = { index: 'byDate', between: [1003, 1006] as [number, number] };
    const ids = async (q: object) => (await messages.query(q)).map((m) => m.id);
    expect(await ids({ ...range, after: { key: 1000, primaryKey: 'm0000' } })).to.deep.equal(['m0003', 'm0004', 'm0005', 'm0006']);
    expect(await ids({ ...range, after: { key: 1006, primaryKey: 'm0006' } })).to.deep.equal([]);
    expect(await ids({ ...range, after: { key: 1009, primaryKey: 'm0009' } })).to.deep.equal([]);
    expect(await ids({ ...range, direction: 'prev', after: { key: 1009, primaryKey: 'm0009' } })).to.deep.equal(['m0006', 'm0005', 'm0004', 'm0003']);
    expect(await ids({ ...range, direction: 'prev', after: { key: 1004, primaryKey: 'm0004' } })).to.deep.equal(['m0003']);
    expect(await ids({ between: ['m0003', 'm0006'], after: { key: 'm0004', primaryKey: 'm0004' } })).to.deep.equal(['m0005', 'm0006']);
    expect(await ids({ between: ['m0003', 'm0006'], after: { key: 'm0006', primaryKey: 'm0006' } })).to.deep.equal([]);
  });

  it('word search indexes dotted paths into objects and across arrays of them', async () => {
    const s = await openStore({ name: uniqueName('words'), version: 1, collections: { mail: { keyPath: 'id', words: ['subject', 'from.name', 'to.email'] } } });
    const box = s.collection('mail');
    await box.bulkPut([
      { id: 'a', subject: 'Lunch', from: { name: 'Bob Builder', email: 'bob@x.test' }, to: [{ name: 'Al', email: 'alice@outpost.test' }, { name: 'Cy', email: 'carol@outpost.test' }] },
      { id: 'b', subject: 'Budget', from: { name: 'Dana', email: 'dana@x.test' }, to: [] },
    ]);
    expect((await box.query({ words: 'build' })).map((m) => m.id)).to.deep.equal(['a']);
    expect((await box.query({ words: 'carol lunch' })).map((m) => m.id)).to.deep.equal(['a']);
    // Only the listed paths: from.email and to.name are not indexed.
    expect(await box.query({ words: 'dana' })).to.have.length(1);
    expect(await box.query({ words: 'cy' })).to.deep.equal([]);
    s.close();
    await deleteStore(s.name);
  });
});
