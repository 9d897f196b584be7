// The words' side stores (words.ts), a lazy chunk off the start-up bundle: openStore loads it
// beside the database when a collection declares words, so writes and searches find it loaded.
// It imports only types: a value shared with the entry would split the entry into chunks.
import type { IDBPIndex, unwrap as Unwrap } from 'idb';
import type { Prepared } from './collection.js';
import type { matchesRest as MatchesRest, rangeOf as RangeOf, search as Search, Key, PageToken, Query, Source } from './query.js';
import type { textOf as TextOf, tokenize as Tokenize } from './words.js';
import { idOf, ordered, orderOf, pairsOf, results } from './word-order.js';

/** What this chunk takes from the entry's modules (see the note above). */
export interface WordLib {
  matchesRest: typeof MatchesRest;
  search: typeof Search;
  tokenize: typeof Tokenize;
  textOf: typeof TextOf;
  wordsStore: (collection: string) => string;
  rangeOf: typeof RangeOf;
  unwrap: typeof Unwrap;
}

let lib: WordLib;

/** Gives the chunk the entry's functions; called once, when loaded. */
export function init(l: WordLib): void {
  lib = l;
}

/**
 * A side entry: the record's key, its words and a fingerprint of the text they came from (absent
 * in entries written before it was kept, and by the layout-0 upgrade: those compute the words);
 * in a collection with `wordsOrder`, its words paired with the record's key in that index.
 */
type Entry = { k: Key; w: string[]; f?: number; o?: Record<string, Key[][]> };

/**
 * The side entry's fingerprint of its words' source text: cyrb53 (bryc's public-domain 53-bit
 * hash), some 30× cheaper than `tokenize`'s lower-casing, normalizing and regex (2.4 KB texts,
 * Node 20: 700 in 2 ms beside 60 ms). Equal fingerprints skip computing the words, so a text
 * changed to one with the same hash would keep its old words: for texts not chosen to collide a
 * 2^-53 chance per change. The hash is not cryptographic, so a writer who knows a record's text
 * can craft another with its hash; either way only that record's search hits are stale (its old
 * text's words) until its text changes again, never the record itself.
 */
function fingerprint(text: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** Where a side store's entries pair words with an order index: its name and key path there. */
type Order = { name: string; path: string | string[] } | undefined;

/**
 * The entry for a record with this key and word source text (its words when already known), or
 * null when it has no words.
 */
function entryOf(k: Key, record: unknown, text: string, order: Order, f = fingerprint(text), w = [...new Set(lib.tokenize(text))]): Entry | null {
  // w: as wordsOf (words.ts) from the record's textOf.
  if (!w.length) return null;
  return order ? { k, w, f, o: { [order.name]: pairsOf(w, record, order.path) } } : { k, w, f };
}

/** Whether `had` pairs its words with the order key `record` has (always, without an order). */
function sameOrder(had: Entry, record: unknown, order: Order): boolean {
  if (!order) return true;
  const pair = had.o?.[order.name]?.[0];
  return !!pair && indexedDB.cmp(pair, pairsOf(had.w.slice(0, 1), record, order.path)[0]) === 0;
}

// Per read-write transaction and collection: each record as this transaction last wrote it (null:
// deleted), or as a read found it before any write (by id). A write that keeps a record's words'
// text and order key as they were then leaves its side entry alone, unread (see write).
type Known = Map<unknown, unknown> & { cleared?: boolean };
const seen = new WeakMap<IDBTransaction, Map<string, Known>>();

function knownIn(tx: IDBTransaction, collection: string): Known {
  const byName = seen.get(tx) ?? new Map<string, Known>();
  seen.set(tx, byName);
  const known = byName.get(collection) ?? new Map();
  byName.set(collection, known);
  return known;
}

/**
 * What a read of a record in `tx` found (query.ts noteStored). A write, delete or clear queued
 * before the read's result came is newer: it is kept.
 */
export function note(tx: IDBTransaction, collection: string, key: Key, record: unknown): void {
  if (record === undefined || tx.mode === 'readonly') return;
  const known = knownIn(tx, collection);
  if (!known.has(idOf(key)) && !known.cleared) known.set(idOf(key), record);
}

// Per transaction: the entry each key's side store holds once the side writes queued so far run
// (null: none), since a `get` queued before them does not see them; `cleared` after a clear().
type Queued = Map<unknown, Entry | null> & { cleared?: boolean };
const queuedWords = new WeakMap<IDBTransaction, Queued>();

/**
 * Queues the writes of the side entries of records whose own writes (an item without a record
 * deletes) collection.ts writeAll has just queued, as plain requests. A side entry is read first and written only when the
 * words or their text's fingerprint differ: a label change writes the record alone, not its ~100
 * word index entries, and does not compute its words (the fingerprint matches). Side writes are
 * queued from the reads' callbacks, which run in request order, so they keep the calls' order; the
 * transaction's commit waits for them. A batch whose key range holds fewer entries than it has
 * records finds which (one `count`, and a `getAllKeys` unless none) and reads only those: an
 * initial sync's pages put their new records' entries without reading each.
 */
export function write(raw: IDBObjectStore, all: Prepared[], fields: readonly string[]): Promise<void> {
  const tx = raw.transaction;
  const side = tx.objectStore(lib.wordsStore(raw.name));
  const name = orderOf(side.index('w'));
  const order: Order = name === undefined ? undefined : { name, path: raw.index(name).keyPath };
  if (!queuedWords.has(tx)) queuedWords.set(tx, new Map());
  // A record this transaction read or wrote before, rewritten with the same text and order key (a
  // label change after sync read the document): its side entry stays as it is, unread.
  const known = knownIn(tx, raw.name);
  const items = all.filter(({ record, key, text }) => {
    const before = known.get(idOf(key)) as Record<string, unknown> | undefined;
    // Deleted: null, so that a read queued before the delete does not note the record it found.
    known.set(idOf(key), record ?? null);
    return !(record && before && text === lib.textOf(before, fields) && (!order || indexedDB.cmp(pairsOf([''], before, order.path)[0], pairsOf([''], record, order.path)[0]) === 0));
  });
  const compare = (items: Prepared[]) => {
    let last: IDBRequest | undefined;
    for (const { record, key, text } of items) {
      const found = (last = side.get(key));
      found.onsuccess = () => {
        const id = idOf(key);
        const queued = queuedWords.get(tx)!;
        const had: Entry | null = queued.has(id) ? queued.get(id)! : queued.cleared ? null : ((found.result as Entry | undefined) ?? null);
        if (!record) {
          if (!had) return;
          queued.set(id, null);
          return side.delete(key);
        }
        const f = fingerprint(text!);
        const same = had?.f === f;
        if (same && sameOrder(had, record, order)) return;
        // The words kept when only the order key moved.
        const entry = entryOf(key, record, text!, order, f, same ? had.w : undefined);
        // Written even when the words are the same (another text, or an entry without a
        // fingerprint): once, so that the next write of this text skips computing them.
        if (!entry && !had) return;
        queued.set(id, entry);
        if (entry) side.put(entry);
        else side.delete(key);
      };
    }
    return last;
  };
  return new Promise<void>((resolve, reject) => {
    const settle = (end: IDBRequest | undefined) => {
      if (!end) return resolve();
      end.addEventListener('success', () => resolve());
      end.addEventListener('error', () => reject(tx.error ?? end.error));
    };
    if (items.length < 2 || items.some((i) => !i.record)) return settle(compare(items));
    let [low, high] = [items[0].key, items[0].key];
    for (const { key } of items) {
      if (indexedDB.cmp(key, low) < 0) low = key;
      if (indexedDB.cmp(key, high) > 0) high = key;
    }
    const range = IDBKeyRange.bound(low, high);
    // Keys with an entry stored or queued are read and compared; the others are new (decided
    // before any is queued: a key twice in the batch is new both times, the last one wins).
    const split = (present: Set<unknown>) => {
      const queued = queuedWords.get(tx)!;
      const known = new Set(items.filter((i) => present.has(idOf(i.key)) || queued.has(idOf(i.key))));
      for (const item of items) {
        if (known.has(item)) continue;
        const entry = entryOf(item.key, item.record, item.text!, order);
        queued.set(idOf(item.key), entry);
        if (entry) side.put(entry);
      }
      // Resolved once the known ones are decided, so that a caller's next write comes after.
      settle(compare([...known]));
    };
    const count = side.count(range);
    count.onerror = () => reject(tx.error ?? count.error);
    count.onsuccess = () => {
      // As many entries in the range as the batch has records (a relabel): read each.
      if (count.result >= items.length) return settle(compare(items));
      if (!count.result) return split(new Set());
      // Fewer (ids such as `t12-m3` put earlier pages' keys inside a later page's range): which
      // they are, in one request.
      const stored = side.getAllKeys(range);
      stored.onerror = () => reject(tx.error ?? stored.error);
      stored.onsuccess = () => split(new Set(stored.result.map(idOf)));
    };
  });
}

/** Deletes every record and side entry (after the side writes already queued). */
export function clear(raw: IDBObjectStore): Promise<void> {
  // Reads queued before the clear must not note what they find (query.ts noteStored).
  const known = knownIn(raw.transaction, raw.name);
  known.clear();
  known.cleared = true;
  return new Promise<void>((resolve, reject) => {
    const done = raw.clear();
    done.onerror = () => reject(done.error);
    done.onsuccess = () => {
      queuedWords.set(raw.transaction, Object.assign(new Map(), { cleared: true }));
      raw.transaction.objectStore(lib.wordsStore(raw.name)).clear();
      resolve();
    };
  });
}

/**
 * A word search: the side store's hits (one entry per matching word, so a record can come back
 * more than once), then the page's records read by key in the same transaction, in hit order
 * (plain requests: a promise per `get` cost as much as the search). With `q.index`, the hits
 * listed in that index's order (word-order.ts).
 */
export async function search(source: Source, q: Query, wantNext: boolean, words: string[]): Promise<{ rows: unknown[]; next?: PageToken }> {
  const side = lib.unwrap(source as IDBPIndex<unknown, string[], string, string, IDBTransactionMode>);
  // An ordered word index lists every word search in its order index's order.
  const order = orderOf(side);
  if (q.index !== undefined || order !== undefined) return ordered(lib, side, q.index === undefined ? { ...q, index: order } : q, wantNext, words);
  const found = await lib.search(source, q, wantNext, words);
  const records = side.objectStore.transaction.objectStore(side.objectStore.name.slice(side.objectStore.name.indexOf('/') + 1));
  const rows = await results(found.rows.map((hit) => records.get((hit as { k: Key }).k)));
  return { rows: rows.filter((r) => r !== undefined), next: found.next };
}

/**
 * A word search read with `getAll` (a cursor costs a round trip per row), deduplicated by key,
 * keeping each record's first hit; reads 4× more entries while a page falls short. One word needs
 * only the hits' keys; more need each hit's words.
 */
export async function searchAll(index: IDBPIndex<unknown, string[], string, string, IDBTransactionMode>, range: IDBKeyRange, words: string[], limit: number, count: number | undefined): Promise<{ rows: unknown[] }> {
  const rest = words.slice(1);
  for (let n = count; ; n = n! * 4) {
    const hits = (rest.length ? await index.getAll(range, n) : (await index.getAllKeys(range, n)).map((k) => ({ k }))) as Array<{ k: Key; w?: string[] }>;
    const seen = new Set<unknown>();
    const rows: unknown[] = [];
    for (const hit of hits) {
      const id = idOf(hit.k);
      if (seen.has(id)) continue;
      seen.add(id);
      if (lib.matchesRest(hit, rest)) rows.push(hit);
      if (rows.length === limit) return { rows };
    }
    if (n === undefined || hits.length < n) return { rows };
  }
}
