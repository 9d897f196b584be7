import { expect } from '@open-wc/testing';
import { deleteStore, openStore, StoreError, type LiveDiff, type Query, type Store } from '../../../runtime/store/index.js';
import { compareKeys, validKey } from '../../../runtime/store/live.js';
import { mail, mailSchema, uniqueName, type Mail } from './helpers.js';
import { CONDITION_TIMEOUT_MS } from '../../timeouts.js';

/** Resolves when `check` holds, polling; rejects with `describe()` after `ms`. */
async function until(check: () => boolean | Promise<boolean>, describe: () => string, ms = CONDITION_TIMEOUT_MS): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > ms) throw new Error(`condition not met within ${ms} ms: ${describe()}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A small seeded generator, so a failing sequence can be replayed from its seed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
}

const VOCAB = ['alpha', 'alpine', 'beta', 'bet', 'gamma', 'gam', 'delta'];
const LABELS = ['INBOX', 'STARRED', 'WORK'];

/** Counts the IndexedDB read calls made from now on (the real methods run; nothing is faked). */
function countReads() {
  const counts = { query: 0, get: 0 };
  const restore: Array<() => void> = [];
  const spy = (proto: object, method: string, kind: keyof typeof counts) => {
    const target = proto as Record<string, (...args: unknown[]) => unknown>;
    const original = target[method];
    if (!original) return;
    target[method] = function (this: IDBObjectStore | IDBIndex, ...args: unknown[]) {
      // A write's read of its words' side entry (word-index.ts) is not a read of the query.
      if (!(kind === 'get' && ('objectStore' in this ? this.objectStore : this).name.startsWith('$words/'))) counts[kind]++;
      return original.apply(this, args);
    };
    restore.push(() => (target[method] = original));
  };
  for (const proto of [IDBObjectStore.prototype, IDBIndex.prototype]) {
    for (const m of ['getAll', 'getAllKeys', 'getAllRecords', 'openCursor', 'openKeyCursor', 'count']) spy(proto, m, 'query');
    spy(proto, 'get', 'get');
  }
  return { counts, restore: () => restore.forEach((r) => r()) };
}

describe('patched live queries (collection.observe)', () => {
  let name: string;
  let store: Store;
  const others: Store[] = [];
  beforeEach(async () => {
    name = uniqueName('live');
    store = await openStore(mailSchema(name));
  });
  afterEach(async () => {
    others.splice(0).forEach((s) => s.close());
    store.close();
    await deleteStore(name);
  });

  it('after random writes (own, another tab, transactions, clear) every live query equals a fresh run of its query', async function () {
    this.timeout(120_000);
    const other = await openStore(mailSchema(name));
    others.push(other);
    const queries: Query[] = [
      {},
      { limit: 5 },
      { direction: 'prev', limit: 4, between: ['m0005', 'm0030'] },
      { index: 'byDate', direction: 'prev', limit: 6 },
      { index: 'byDate', between: [1010, 1030], limit: 5 },
      { index: 'byDate', limit: 5, after: { key: 1010, primaryKey: 'm0012' } },
      { index: 'byLabel', equals: 'STARRED', limit: 5 },
      { index: 'byLabel', direction: 'prev', limit: 7 },
      { index: 'byLabel', limit: 8 },
      { index: 'byThread', between: [['t1', -Infinity], ['t1', Infinity]], direction: 'prev' },
      { index: 'bySubject', startsWith: 'al', limit: 3 },
      { words: 'al', limit: 5 },
      { words: 'be gam', limit: 3 },
      { words: 'delta', direction: 'prev', limit: 4 },
    ];
    const messages = store.collection<Mail>('messages');
    const live = queries.map((query) => {
      const state = { query, rows: undefined as Mail[] | undefined, calls: 0 };
      const stop = messages.observe(query, (rows) => {
        state.rows = rows;
        state.calls++;
      });
      return { state, stop };
    });
    const rnd = random(17);
    const pick = <X>(xs: X[]) => xs[Math.floor(rnd() * xs.length)];
    const record = (): Mail => {
      const i = Math.floor(rnd() * 40);
      return {
        id: `m${String(i).padStart(4, '0')}`,
        threadId: pick(['t1', 't2', 't3']),
        // Few distinct dates: ties on the index are the hard case.
        date: 1000 + Math.floor(rnd() * 12) * 3,
        labels: LABELS.filter(() => rnd() < 0.5),
        subject: `${pick(VOCAB)} ${pick(VOCAB)}`,
      };
    };
    const fresh = (q: Query) => JSON.stringify(messages.query(q));
    for (let step = 0; step < 150; step++) {
      const r = rnd();
      const writer = rnd() < 0.3 ? other.collection<Mail>('messages') : messages;
      if (r < 0.45) await writer.put(record());
      else if (r < 0.6) await writer.delete(record().id);
      else if (r < 0.72) await writer.bulkPut(Array.from({ length: 1 + Math.floor(rnd() * 6) }, record));
      else if (r < 0.8) await writer.bulkDelete(Array.from({ length: 3 }, () => record().id));
      else if (r < 0.97) {
        await (writer === messages ? store : other).transaction(['messages'], 'readwrite', async (tx) => {
          const m = record();
          await tx.collection<Mail>('messages').put(m);
          await tx.collection<Mail>('messages').put({ ...m, subject: 'delta alpha', labels: ['STARRED'] });
          await tx.collection<Mail>('messages').delete(record().id);
        });
      } else await writer.clear();
      if (step % 5 !== 4) continue;
      for (const { state } of live) {
        let expected = '';
        await until(
          async () => {
            expected = JSON.stringify(await messages.query(state.query));
            return JSON.stringify(state.rows) === expected;
          },
          () => `step ${step}, query ${JSON.stringify(state.query)}:\n live  ${JSON.stringify(state.rows?.map((m) => m.id))}\n fresh ${JSON.stringify((JSON.parse(expected) as Mail[]).map((m) => m.id))}`,
        );
      }
    }
    void fresh;
    live.forEach((l) => l.stop());
    // Every query saw its rows change along the way (the test exercised each).
    for (const { state } of live) expect(state.calls, JSON.stringify(state.query)).to.be.greaterThan(2);
  });

  it('an index on a string\'s length (a key path IndexedDB reads itself) places written records as a fresh run does', async () => {
    const other = uniqueName('length');
    const lengths = await openStore({ name: other, version: 1, collections: { notes: { keyPath: 'id', indexes: { byLength: 'text.length', byTagLength: ['tag', 'text.length'] } } } });
    others.push(lengths);
    const notes = lengths.collection<{ id: string; text: string; tag: string }>('notes');
    await notes.bulkPut(Array.from({ length: 10 }, (_, i) => ({ id: `n${i}`, text: 'x'.repeat(1 + i), tag: i % 2 ? 'a' : 'b' })));
    const queries: Query[] = [{ index: 'byLength', direction: 'prev', limit: 3 }, { index: 'byTagLength', between: [['a', 0], ['a', Infinity]] }];
    const seen = queries.map(() => [] as string[][]);
    const stops = queries.map((q, i) => notes.observe(q, (rows) => seen[i].push(rows.map((n) => n.id))));
    const fresh = () => Promise.all(queries.map(async (q) => (await notes.query(q)).map((n) => n.id)));
    const same = async (step: string) => {
      const want = await fresh();
      await until(() => queries.every((_, i) => JSON.stringify(seen[i].at(-1)) === JSON.stringify(want[i])), () => `${step}: ${JSON.stringify(seen.map((s) => s.at(-1)))} vs ${JSON.stringify(want)}`);
    };
    await same('first run');
    await notes.put({ id: 'long', text: 'x'.repeat(50), tag: 'a' });
    await same('a longest note');
    await notes.put({ id: 'n9', text: 'x', tag: 'a' });
    await same('the longest note shortened');
    await notes.delete('long');
    await same('a note deleted');
    stops.forEach((stop) => stop());
    lengths.close();
    await deleteStore(other);
  });

  it('a transaction of many one-record writes reaches followers as one change with every key and record, placed without reading', async () => {
    const messages = store.collection<Mail>('messages');
    await messages.bulkPut(Array.from({ length: 300 }, (_, i) => mail(i, { labels: ['INBOX'] })));
    const calls: Array<{ rows: Mail[]; diff: LiveDiff }> = [];
    const stop = messages.observe({ index: 'byLabel', equals: 'INBOX', limit: 400 }, (rows, diff) => calls.push({ rows, diff }));
    const seen: Array<string[] | undefined> = [];
    const stopKeys = store.observe(['messages', 'threads'], async (changes) => changes && ['messages', 'threads'].flatMap((c) => (changes.get(c) ?? []).map((k) => `${c}/${String(k)}`)), (keys) => seen.push(keys));
    await until(() => calls.length === 1 && seen.length === 1, () => 'first results');
    const reads = countReads();
    try {
      // A bulk action's shape (sync's outbox): 250 records written one call each, with another
      // collection's writes between them, in one transaction.
      const archived = Array.from({ length: 250 }, (_, i) => mail(i, { labels: ['WORK'] }));
      await store.transaction(['messages', 'threads'], 'readwrite', async (tx) => {
        for (const m of archived) {
          await tx.collection<Mail>('messages').put(m);
          await tx.collection('threads').put({ id: `w${m.id}` });
        }
      });
      await until(() => calls.length === 2 && seen.length === 2, () => `${calls.length} live results, ${seen.length} observer runs`);
      expect(calls[1].rows.map((m) => m.id)).to.deep.equal(Array.from({ length: 50 }, (_, i) => mail(250 + i).id));
      expect(calls[1].diff.removed).to.have.length(250);
      expect(seen[1]).to.deep.equal([...archived.map((m) => `messages/${m.id}`), ...archived.map((m) => `threads/w${m.id}`)]);
      // Each written record reached the live query with the change: nothing read back, nothing re-run.
      expect(reads.counts).to.deep.equal({ query: 0, get: 0 });
    } finally {
      reads.restore();
      stop();
      stopKeys();
    }
  });

  it('with partial, rows a write takes out of a full window are reported at once, then the rows that follow', async () => {
    const messages = store.collection<Mail>('messages');
    await messages.bulkPut(Array.from({ length: 12 }, (_, i) => mail(i, { labels: ['INBOX'] })));
    const calls: Array<{ rows: string[]; diff: LiveDiff }> = [];
    const stop = messages.observe({ index: 'byDate', direction: 'prev', limit: 5, partial: true }, (rows, diff) => calls.push({ rows: rows.map((m) => m.id), diff }));
    try {
      await until(() => calls.length === 1, () => 'first result');
      expect(calls[0].rows).to.deep.equal(['m0011', 'm0010', 'm0009', 'm0008', 'm0007']);
      // A bulk archive's shape: most of the window leaves in one write.
      await messages.bulkDelete(['m0011', 'm0010', 'm0008']);
      await until(() => calls.length === 3, () => JSON.stringify(calls));
      expect(calls[1]).to.deep.equal({ rows: ['m0009', 'm0007'], diff: { added: [], removed: ['m0011', 'm0010', 'm0008'], changed: [], reset: false, partial: true } });
      expect(calls[2]).to.deep.equal({ rows: ['m0009', 'm0007', 'm0006', 'm0005', 'm0004'], diff: { added: ['m0006', 'm0005', 'm0004'], removed: [], changed: [], reset: false } });
      // Nothing follows the rows left: the second callback still comes, to say they are whole.
      await messages.bulkDelete(['m0009', 'm0006', 'm0005', 'm0004', 'm0003', 'm0002', 'm0001', 'm0000']);
      await until(() => calls.length === 5, () => JSON.stringify(calls.slice(3)));
      expect(calls[3]).to.deep.equal({ rows: ['m0007'], diff: { added: [], removed: ['m0009', 'm0006', 'm0005', 'm0004'], changed: [], reset: false, partial: true } });
      expect(calls[4]).to.deep.equal({ rows: ['m0007'], diff: { added: [], removed: [], changed: [], reset: false } });
    } finally {
      stop();
    }
  });

  it('with partial, a window refilling more than 100 rows reports the rows left, then the first 100 that follow, then all', async () => {
    const messages = store.collection<Mail>('messages');
    await messages.bulkPut(Array.from({ length: 400 }, (_, i) => mail(i, { labels: ['INBOX'] })));
    const calls: Array<{ rows: string[]; diff: LiveDiff }> = [];
    const stop = messages.observe({ index: 'byDate', direction: 'prev', limit: 250, partial: true }, (rows, diff) => calls.push({ rows: rows.map((m) => m.id), diff }));
    const ids = (from: number, to: number) => Array.from({ length: from - to + 1 }, (_, k) => `m${String(from - k).padStart(4, '0')}`);
    try {
      await until(() => calls.length === 1, () => 'first result');
      expect(calls[0].rows).to.deep.equal(ids(399, 150));
      // A bulk archive's shape (sync.batch): one transaction, a write per record, and all but the
      // window's last row leave.
      await store.transaction(['messages'], 'readwrite', async (tx) => {
        await Promise.all(ids(399, 151).map((id) => tx.collection('messages').delete(id)));
      });
      await until(() => calls.length === 4, () => JSON.stringify(calls.slice(1).map((c) => [c.rows.length, c.diff.partial])));
      expect(calls[1]).to.deep.include({ rows: ['m0150'] });
      expect(calls[1].diff.partial).to.equal(true);
      expect(calls[2].rows).to.deep.equal(ids(150, 50));
      expect(calls[2].diff).to.deep.equal({ added: ids(149, 50), removed: [], changed: [], reset: false, partial: true });
      expect(calls[3].rows).to.deep.equal(ids(150, 0));
      expect(calls[3].diff).to.deep.equal({ added: ids(49, 0), removed: [], changed: [], reset: false });
    } finally {
      stop();
    }
  });

  it('a write that touches none of the rows calls nothing and re-runs nothing; own writes are placed without reading', async () => {
    const messages = store.collection<Mail>('messages');
    const base = (i: number, labels: string[]): Mail => ({ id: `m${String(i).padStart(4, '0')}`, threadId: 't1', date: 1000 + i, labels, subject: `s${i}` });
    await messages.bulkPut(Array.from({ length: 10 }, (_, i) => base(i, i % 2 ? ['INBOX'] : ['STARRED'])));
    const calls: Array<{ rows: Mail[]; diff: LiveDiff }> = [];
    const stop = messages.observe({ index: 'byLabel', equals: 'STARRED', limit: 3 }, (rows, diff) => calls.push({ rows, diff }));
    await until(() => calls.length === 1, () => 'first result');
    expect(calls[0].rows.map((m) => m.id)).to.deep.equal(['m0000', 'm0002', 'm0004']);
    expect(calls[0].diff.reset).to.equal(true);
    const reads = countReads();
    try {
      // This tab's write of a record outside the query: no callback, no read at all.
      await messages.put(base(11, ['INBOX']));
      // Another tab's write of a record outside it: one get of that key, no query.
      const other = await openStore(mailSchema(name));
      others.push(other);
      await other.collection<Mail>('messages').put(base(13, ['INBOX']));
      await until(() => reads.counts.get === 1, () => JSON.stringify(reads.counts));
      expect(reads.counts.query).to.equal(0);
      expect(calls).to.have.length(1);
      // A write into the window: patched, not re-read.
      await messages.put(base(1, ['STARRED']));
      await until(() => calls.length === 2, () => 'patched result');
      expect(calls[1].rows.map((m) => m.id)).to.deep.equal(['m0000', 'm0001', 'm0002']);
      expect(calls[1].diff).to.deep.equal({ added: ['m0001'], removed: ['m0004'], changed: [], reset: false });
      // Rows that did not change keep their objects.
      expect(calls[1].rows[0]).to.equal(calls[0].rows[0]);
      expect(reads.counts).to.deep.equal({ query: 0, get: 1 });
      // A row rewritten in place: changed, new object, the rest untouched.
      await messages.put({ ...base(2, ['STARRED']), subject: 'new' });
      await until(() => calls.length === 3, () => 'changed row');
      expect(calls[2].diff).to.deep.equal({ added: [], removed: [], changed: ['m0002'], reset: false });
      expect(calls[2].rows[2].subject).to.equal('new');
      // A removal from the full window reads only what follows its edge: one cursor, no re-run.
      await messages.delete('m0000');
      await until(() => calls.length === 4, () => 'refilled window');
      expect(calls[3].rows.map((m) => m.id)).to.deep.equal(['m0001', 'm0002', 'm0004']);
      expect(calls[3].diff).to.deep.equal({ added: ['m0004'], removed: ['m0000'], changed: [], reset: false });
      expect(reads.counts.query).to.equal(1);
    } finally {
      reads.restore();
      stop();
    }
  });

  it('the rows are the stored copy: changing the written object afterwards changes nothing', async () => {
    const messages = store.collection<Mail>('messages');
    const calls: Mail[][] = [];
    const stop = messages.observe({ index: 'byDate' }, (rows) => calls.push(rows));
    await until(() => calls.length === 1, () => 'first result');
    const m: Mail = { id: 'a', threadId: 't', date: 1, labels: ['INBOX'], subject: 'first' };
    await messages.put(m);
    m.subject = 'changed after';
    m.labels.push('X');
    await until(() => calls.length === 2, () => 'second result');
    expect(calls[1]).to.deep.equal([{ id: 'a', threadId: 't', date: 1, labels: ['INBOX'], subject: 'first' }]);
    stop();
  });

  it('inside a transaction it reports unknown-collection, and it stops with the store', async () => {
    const errors: unknown[] = [];
    await store.transaction(['messages'], 'readonly', (tx) => {
      tx.collection('messages').observe({}, () => errors.push('called'), (e) => errors.push(e));
    });
    await until(() => errors.length > 0, () => 'the error');
    expect(errors[0]).to.be.instanceOf(StoreError);
    expect((errors[0] as StoreError).code).to.equal('unknown-collection');
    const calls: unknown[] = [];
    store.collection('messages').observe({}, (rows) => calls.push(rows));
    await until(() => calls.length === 1, () => 'first result');
    store.close();
    const again = await openStore(mailSchema(name));
    others.push(again);
    await again.collection('messages').put({ id: 'x', threadId: 't', date: 1, labels: [], subject: '' });
    await again.collection('messages').count();
    expect(calls).to.have.length(1);
  });

  it('orders keys as IndexedDB does (compareKeys beside indexedDB.cmp for every pair)', () => {
    const keys: unknown[] = [
      -Infinity, -1, -0, 0, 0.5, 1, 2, 10, Infinity,
      '', 'a', 'B', 'b', 'ab', 'a\u0000', '\u00e9', '\uffff', '\ud83d\ude00', '10', '9',
      new Date(5), new Date(-1),
      [], [0], [1], ['a'], [0, 'a'], [0, 1], [[0]], [[]], ['INBOX', 1], ['INBOX', 2], ['SENT', 1], [new Date(1), 'x'], [1, new Date(1)],
    ];
    for (const a of keys) {
      for (const b of keys) expect(Math.sign(compareKeys(a, b)), `${JSON.stringify(a)} vs ${JSON.stringify(b)}`).to.equal(indexedDB.cmp(a, b));
    }
    const cyclic: unknown[] = [1];
    cyclic.push(cyclic);
    // eslint-disable-next-line no-sparse-arrays
    const candidates: unknown[] = [...keys, NaN, null, undefined, {}, true, new Date(NaN), [NaN], [1, undefined], [1, , 2], [[{}]], ['a', [1, [null]]], cyclic, [[[[[[[[[[1]]]]]]]]]]];
    const valid = (k: unknown) => {
      try {
        indexedDB.cmp(k, k);
        return true;
      } catch {
        return false;
      }
    };
    for (const k of candidates) expect(validKey(k), String(k)).to.equal(valid(k));
  });
});
