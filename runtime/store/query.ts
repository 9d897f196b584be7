import { unwrap, type IDBPIndex, type IDBPObjectStore } from 'idb';
import type { Refusal } from './errors.js';
import { tokenize, wordsStore } from './words.js';

let wordIndexModule: typeof import('./word-index.js') | undefined;

/** The words' side-store code (word-index.ts), once {@link loadWordIndex} has loaded it. */
export const wordIndex = () => wordIndexModule!;

/** Loads the side-store code; openStore awaits it when a collection declares words. */
export const loadWordIndex = () =>
  import('./word-index.js').then((m) => {
    m.init({ matchesRest, search, tokenize, wordsStore, rangeOf, unwrap });
    wordIndexModule = m;
  });

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
   * Alone, results come in the word index's order; with `index` (not multiEntry), in that index's
   * order and range, e.g. `{ words: 'invoice', index: 'byDate', direction: 'prev', limit: 50 }`
   * for the newest 50: the word index finds the records, the index orders them, and only the
   * page's records are read.
   */
  words?: string;
  direction?: 'next' | 'prev';
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
  if (name === undefined) return store;
  // Thrown as a Refusal: the read's catch turns it into the StoreError (see toStoreError).
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
 * Runs a query, returning raw records and the position after the last one.
 * Forward reads without `after` use `getAll` (a word search too, when no token is wanted);
 * otherwise it walks a cursor that starts at the `after` position, so earlier rows are never
 * read again.
 */
export async function runQuery(source: Source, q: Query, wantNext = false): Promise<{ rows: unknown[]; next?: PageToken }> {
  const words = q.words === undefined ? undefined : tokenize(q.words).sort((a, b) => b.length - a.length);
  if (words && words.length === 0) return { rows: [] };
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
  if (!words && 'getAllRecords' in raw) {
    // Backwards from the start, no token wanted: values only, in one `getAll({ query, count,
    // direction })` (IndexedDB 3.0; Dexie reads so too): no keys to clone, no extra row. Browsers
    // disagree on the order of equal index keys read backwards (see readRecords): on an index,
    // two equal neighbouring keys (read from the values) send it on to read the records. The
    // object store's keys are unique (''); a multiEntry or compound index reads its records.
    const path = raw instanceof IDBObjectStore ? '' : !raw.multiEntry && raw.keyPath;
    if (!q.after && !wantNext && typeof path == 'string') {
      // idb promisifies any request a wrapped method returns, this newer signature too.
      const rows = await (source as unknown as { getAll(o: object): Promise<unknown[]> }).getAll({ query: range, count, direction });
      let i = 1;
      while (path && i < rows.length && indexedDB.cmp(readKey(rows[i - 1], path), readKey(rows[i], path))) i++;
      if (!path || i >= rows.length) return { rows };
    }
    // Forward after a token on an index, the rows sharing its key before it would be read again: walk.
    const read = (direction === 'prev' || !q.after || raw instanceof IDBObjectStore) && (await readRecords(source, raw, range, limit, q.after, direction));
    if (read) return wantNext ? read : { rows: read.rows };
  }
  return walk(raw, range, direction, limit, q.after, words);
}

interface RawRecord {
  key: Key;
  primaryKey: Key;
  value: unknown;
}

/**
 * Reads a page and its token in one call where the browser has IndexedDB `getAllRecords` (a
 * cursor costs a round trip per row: ~2 ms each on a cold start). Browsers disagree on the order
 * of equal keys read backwards (Firefox 153 returns them in ascending primary-key order), so when
 * any two neighbouring keys are equal backwards it returns undefined and the caller walks a cursor.
 */
async function readRecords(wrapped: Source, source: IDBObjectStore | IDBIndex, range: IDBKeyRange | undefined, limit: number, after: PageToken | undefined, direction: 'next' | 'prev'): Promise<{ rows: unknown[]; next?: PageToken } | undefined> {
  // Backwards up to and including the token's key on an index: the token's own row comes first
  // and is dropped. Forward, only the primary key has a token here (its range excludes it).
  const isStore = source instanceof IDBObjectStore;
  const forward = direction === 'next';
  const query = after ? rangeFrom(range, after.key, forward, !isStore) : range ?? null;
  if (after && !query) return { rows: [] };
  const skip = after && !isStore ? 1 : 0;
  // One row past the page says whether another follows (and shows a tie at the cut).
  const records = await (wrapped as unknown as { getAllRecords(o: object): Promise<RawRecord[]> }).getAllRecords({ query, count: Number.isFinite(limit) ? limit + 1 + skip : 0, direction });
  for (let i = 1; i < records.length && !forward; i++) if (indexedDB.cmp(records[i - 1].key, records[i].key) === 0) return undefined;
  if (skip && records.length && indexedDB.cmp(records[0].key, after!.key) === 0) {
    // The token's own row comes first; another row with its key means a tie: walk.
    if (indexedDB.cmp(records[0].primaryKey, after!.primaryKey) !== 0) return undefined;
    records.shift();
  }
  const page = records.length > limit ? records.slice(0, limit) : records;
  const last = page[page.length - 1];
  return { rows: page.map((r) => r.value), next: records.length > limit && last ? { key: last.key, primaryKey: last.primaryKey } : undefined };
}

/**
 * The part of `range` from `key` on in walking order (inclusive on an index, whose entries with
 * that key continue by primary key), or null when `key` lies past its end.
 */
function rangeFrom(range: IDBKeyRange | undefined, key: Key, forward: boolean, inclusive: boolean): IDBKeyRange | null {
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
 * jump to its primary key), dedupes multiEntry word hits and filters the remaining words.
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
    const seen = words ? new Set<unknown>() : undefined;
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
      if (rows.length >= limit) return resolve({ rows, next: { key: lastKey!, primaryKey: lastPrimaryKey! } });
      lastKey = cursor.key;
      lastPrimaryKey = cursor.primaryKey;
      const value = (cursor as IDBCursorWithValue).value as Record<string, unknown>;
      if (seen) {
        const id = idOf(lastPrimaryKey);
        if (!seen.has(id)) {
          seen.add(id);
          if (matchesRest(value, rest!)) rows.push(value);
        }
      } else rows.push(value);
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
