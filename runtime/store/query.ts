import { unwrap, type IDBPIndex, type IDBPObjectStore } from 'idb';
import type { Refusal } from './errors.js';
import { textOf, tokenize, wordsStore } from './words.js';

let wordIndexModule: typeof import('./word-index.js') | undefined;

/** The words' side-store code (word-index.ts), once {@link loadWordIndex} has loaded it. */
export const wordIndex = () => wordIndexModule!;

/** Loads the side-store code; openStore awaits it when a collection declares words. */
export const loadWordIndex = () =>
  import('./word-index.js').then((m) => {
    m.init({ matchesRest, search, tokenize, textOf, wordsStore, rangeOf, unwrap });
    wordIndexModule = m;
  });

let pageRead: typeof import('./page-read.js') | undefined;

/** Loads page-read.ts; openStore awaits it. Until it is in, or where it cannot load, queries walk a cursor. */
export const loadPageRead = () => import('./page-read.js').then((m) => void (pageRead = m), () => undefined);

/** A key IndexedDB can index: string, number, Date, binary, or an array of them. */
export type Key = IDBValidKey;

/** Where a page ended; pass it back as `after` for the next page. */
export interface PageToken {
  key: Key;
  primaryKey: Key;
}

/**
 * A query over a collection, by primary key or by a named index.
 *
 * @example
 * messages.query({ index: 'byDate', direction: 'prev', limit: 50 });
 * messages.query({ index: 'byLabel', equals: 'INBOX', limit: 50, after: previousPage.next });
 * messages.query({ words: 'inv' }); // records whose indexed words start with "inv"
 */
export interface Query {
  /** Index name; omit for the primary key. */
  index?: string;
  equals?: Key;
  /** Inclusive bounds. */
  between?: [Key, Key];
  /** Keys (strings) starting with this prefix. */
  startsWith?: string;
  /**
   * Prefix search over the collection's word index; every word must match some indexed word.
   * Alone, results come in the word index's order, each record once, at its first matching word
   * (on pages read with `after` too); with `index` (not multiEntry), in that index's
   * order and range, e.g. `{ words: 'invoice', index: 'byDate', direction: 'prev', limit: 50 }`
   * for the newest 50: the word index finds the records, the index orders them, and only the
   * page's records are read.
   */
  words?: string;
  direction?: 'next' | 'prev';
  /** At most this many rows: a whole number, 0 or more (0 reads none). Omit it (or pass Infinity) for every row. */
  limit?: number;
  /** Continue after this position (from a previous page's `next`) without re-reading earlier rows. */
  after?: PageToken;
  /**
   * `collection.observe` only (reads ignore it): when writes take rows out of the limited
   * window, call back at once with the rows left (`diff.partial`), then again once the rows that
   * follow them are read, rather than once after that read. More than 100 missing rows are read
   * in two steps, the first 100 called back (still `partial`) before the rest.
   */
  partial?: boolean;
}

/** A page of results and where to continue. */
export interface Page<T> {
  items: T[];
  /** Absent when the query is exhausted. */
  next?: PageToken;
}

const PREFIX_END = '\uffff';

/** The key range a query selects. */
export function rangeOf(q: Query, firstWord?: string): IDBKeyRange | undefined {
  if (firstWord !== undefined) return IDBKeyRange.bound(firstWord, firstWord + PREFIX_END);
  if (q.equals !== undefined) return IDBKeyRange.only(q.equals);
  if (q.between) return IDBKeyRange.bound(q.between[0], q.between[1]);
  if (q.startsWith !== undefined) return IDBKeyRange.bound(q.startsWith, q.startsWith + PREFIX_END);
  return undefined;
}

/** What a query reads: an object store or an index. */
export type Source = IDBPObjectStore<unknown, string[], string, IDBTransactionMode> | IDBPIndex<unknown, string[], string, string, IDBTransactionMode>;

/** Picks the index (or the store itself) a query reads from. */
export function sourceOf(store: IDBPObjectStore<unknown, string[], string, IDBTransactionMode>, q: Query, collection: string): Source {
  // A word search reads the words' side store (words.ts), in the transaction when the collection
  // declares words.
  const tx = store.transaction;
  const words = q.words !== undefined;
  const name = words ? wordsStore(collection) : q.index;
  // Thrown as Refusals: the read's catch turns them into the StoreError (see toStoreError).
  // IndexedDB would refuse a negative limit with a bare TypeError, take 1.5 as 1 and 0 as no limit.
  // Infinity reads every row, as an omitted limit does (Infinity % 1 is NaN).
  const limit = q.limit ?? 0;
  if (!(limit >= 0) || limit % 1 > 0) throw ['invalid-query/limit', collection, String(limit)] satisfies Refusal;
  if (name === undefined) return store;
  if (!(words ? tx.objectStoreNames : store.indexNames).contains(name)) throw ['unknown-index', collection, words ? '' : name, [...store.indexNames].join(', ')] satisfies Refusal;
  return words ? tx.objectStore(name).index('w') : store.index(name);
}

/** The value at a dotted key path of a record (undefined when a step is missing). */
export function readKey(value: unknown, keyPath: string): unknown {
  let v = value;
  for (const part of keyPath.split('.')) v = v === null || typeof v !== 'object' ? undefined : (v as Record<string, unknown>)[part];
  return v;
}

/** A key as a Set or Map member: equal keys give equal members. */
export const idOf = (k: Key): unknown => (typeof k === 'object' ? JSON.stringify(k) : k);

/**
 * @internal Tells the store what a read of a record in the read-write transaction `tx` found (sync
 * reads a document before it writes its change): see word-index.ts `note`.
 */
export const noteStored = (tx: IDBTransaction, collection: string, key: Key, record: unknown): void => wordIndexModule?.note(tx, collection, key, record);

/**
 * Runs a query, returning raw records and the position after the last one.
 * Forward reads without `after` use `getAll` (a word search too, when no token is wanted);
 * otherwise it walks a cursor that starts at the `after` position, so earlier rows are never
 * read again.
 */
export async function runQuery(source: Source, q: Query, wantNext = false): Promise<{ rows: unknown[]; next?: PageToken }> {
  const words = q.words === undefined ? undefined : tokenize(q.words).sort((a, b) => b.length - a.length);
  if (q.limit === 0 || words?.length === 0) return { rows: [] };
  // A word search reads the words' side store (word-index.ts, loaded when the store opened).
  if (words) return wordIndex().search(source, q, wantNext, words);
  return search(source, q, wantNext, words);
}

/** Runs a query on `source` (for a word search, on the side store's words: entries, not records). */
export async function search(source: Source, q: Query, wantNext: boolean, words: string[] | undefined): Promise<{ rows: unknown[]; next?: PageToken }> {
  const range = rangeOf(q, words?.[0]);
  const limit = q.limit ?? Infinity;
  const count = Number.isFinite(limit) ? limit : undefined;
  const direction = q.direction ?? 'next';
  if (!q.after && direction === 'next' && !wantNext) {
    if (!words) return { rows: await source.getAll(range, count) };
    return wordIndex().searchAll(source as IDBPIndex<unknown, string[], string, string, IDBTransactionMode>, range!, words, limit, count);
  }
  const raw = (unwrap as (x: unknown) => unknown)(source) as IDBObjectStore | IDBIndex;
  const read = !words && (await pageRead?.readPage(source, raw, q, range, limit, wantNext, readKey, rangeFrom));
  if (read) return read;
  return walk(raw, range, direction, limit, q.after, words);
}

/**
 * The part of `range` from `key` on in walking order (inclusive on an index, whose entries with
 * that key continue by primary key), or null when `key` lies past its end.
 */
export function rangeFrom(range: IDBKeyRange | undefined, key: Key, forward: boolean, inclusive: boolean): IDBKeyRange | null {
  const end = (forward ? range?.upper : range?.lower) as Key | undefined;
  const endOpen = forward ? range?.upperOpen : range?.lowerOpen;
  const beyond = end === undefined ? -1 : (forward ? 1 : -1) * indexedDB.cmp(key, end);
  if (beyond > 0 || (beyond === 0 && (endOpen || !inclusive))) return null;
  // Outside the range but not past its end: the token lies before its start, all of it remains.
  if (range && !range.includes(key)) return range;
  if (end === undefined) return forward ? IDBKeyRange.lowerBound(key, !inclusive) : IDBKeyRange.upperBound(key, !inclusive);
  return forward ? IDBKeyRange.bound(key, end, !inclusive, endOpen) : IDBKeyRange.bound(end, key, endOpen, !inclusive);
}

/**
 * Walks a raw cursor with plain request callbacks: a promise per step (idb's cursor wrapper)
 * costs several times more on long walks. Starts after `after` (a key range, then at most one
 * jump to its primary key), lists a word search's records at their first hits and filters the remaining words.
 */
async function walk(source: IDBObjectStore | IDBIndex, range: IDBKeyRange | undefined, direction: IDBCursorDirection, limit: number, after: PageToken | undefined, words: string[] | undefined): Promise<{ rows: unknown[]; next?: PageToken }> {
  const isStore = source instanceof IDBObjectStore;
  const forward = direction === 'next';
  let from: IDBKeyRange | null | undefined = range;
  if (after) from = rangeFrom(range, after.key, forward, !isStore);
  if (from === null) return { rows: [] };
  const rest = words?.slice(1);
  return new Promise((resolve, reject) => {
    const rows: unknown[] = [];
    let lastKey: Key | undefined;
    let lastPrimaryKey: Key | undefined;
    // An index's first row may share the token's key and sort at or before its primary key.
    let placed = !after || isStore;
    const request = source.openCursor(from, direction);
    request.onerror = () => reject(request.error);
    request.onsuccess = () => {
      const cursor = request.result;
      if (!cursor) return resolve({ rows });
      if (!placed) {
        const rel = (forward ? 1 : -1) * (indexedDB.cmp(cursor.key, after!.key) || indexedDB.cmp(cursor.primaryKey, after!.primaryKey));
        if (rel === 0) return cursor.continue();
        if (rel < 0) {
          // Forward past a string primary key: `pk + '\0'` is the next possible one, so the jump
          // lands after the token's row instead of on it (one step fewer).
          const pk = after!.primaryKey;
          return cursor.continuePrimaryKey(after!.key, forward && typeof pk === 'string' ? pk + '\0' : pk);
        }
        placed = true;
      }
      const key = cursor.key;
      const value = (cursor as IDBCursorWithValue).value as Record<string, unknown>;
      // A word search has a hit per matching word of a record, and lists the record at its first
      // in walking order: a later hit is skipped, also on a page after a token whose first hit
      // was on an earlier page (a set of the page's own records repeated those). The range is the
      // first word's prefix; startsWith tests it in JS (a record has ~100 words).
      if (rest && ((value.w as string[]).some((w) => w.startsWith(words![0]) && (forward ? w < (key as string) : w > (key as string))) || !matchesRest(value, rest))) return cursor.continue();
      if (rows.length >= limit) return resolve({ rows, next: { key: lastKey!, primaryKey: lastPrimaryKey! } });
      lastKey = key;
      lastPrimaryKey = cursor.primaryKey;
      rows.push(value);
      cursor.continue();
    };
  });
}

/** Whether a side entry's words match every one of `rest` (the word-search words past the first). */
export function matchesRest(value: Record<string, unknown>, rest: string[]): boolean {
  if (!rest.length) return true;
  const have = value.w as string[];
  return rest.every((w) => have.some((h) => h.startsWith(w)));
}
