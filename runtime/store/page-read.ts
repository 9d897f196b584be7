// A page in one or a few requests instead of a cursor's round trip per row: each step of a cursor
// waits for a turn of the main thread, which a starting or syncing app keeps busy (~2 ms a row on
// a cold start). Loaded by openStore beside the connection, so it costs the start-up bundle
// nothing; until it is in, or where it cannot load, queries walk a cursor (query.ts).
import type { Key, PageToken, Query, rangeFrom as RangeFrom, readKey as ReadKey, Source } from './query.js';

/**
 * A page of `q` (no word search) and its token, or undefined when the caller is to walk a cursor:
 * forward after a token on an index, or a tie that one call cannot order.
 */
export async function readPage(source: Source, raw: IDBObjectStore | IDBIndex, q: Query, range: IDBKeyRange | undefined, limit: number, wantNext: boolean, readKey: typeof ReadKey, rangeFrom: typeof RangeFrom): Promise<{ rows: unknown[]; next?: PageToken } | undefined> {
  const count = Number.isFinite(limit) ? limit : undefined;
  const direction = q.direction ?? 'next';
  if ('getAllRecords' in raw) {
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
      try {
        while (path && i < rows.length && differ(readKey(rows[i - 1], path), readKey(rows[i], path))) i++;
      } catch {
        // A key path IndexedDB evaluates otherwise than readKey (a string's `length`): read the records.
        i = 0;
      }
      if (!path || i >= rows.length) return { rows };
    }
    // Forward after a token on an index, the rows sharing its key before it would be read again: walk.
    const read = (direction === 'prev' || !q.after || raw instanceof IDBObjectStore) && (await readRecords(source, raw, range, limit, q.after, direction, rangeFrom));
    if (read) return wantNext ? read : { rows: read.rows };
  }
  if (q.after || direction !== 'prev' || !count) return undefined;
  return (await readAgain(raw, range, count, wantNext, readKey)) ?? readBack(raw, range, count);
}

/**
 * Whether two keys differ: two numbers or two strings by `!==` (as IndexedDB orders them: 0 and -0
 * alike), anything else by `indexedDB.cmp`, which throws on a non-key. A page's tie check compares
 * each row with the next: 50 `cmp`s of numbers took 16 µs in Chromium (9 in Firefox), `!==` none.
 */
const differ = (a: unknown, b: unknown): boolean => ((typeof a == 'number' || typeof a == 'string') && typeof b == typeof a ? a !== b : indexedDB.cmp(a, b) !== 0);

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
async function readRecords(wrapped: Source, source: IDBObjectStore | IDBIndex, range: IDBKeyRange | undefined, limit: number, after: PageToken | undefined, direction: 'next' | 'prev', rangeFrom: typeof RangeFrom): Promise<{ rows: unknown[]; next?: PageToken } | undefined> {
  // Backwards up to and including the token's key on an index: the token's own row comes first
  // and is dropped. Forward, only the primary key has a token here (its range excludes it).
  const isStore = source instanceof IDBObjectStore;
  const forward = direction === 'next';
  const query = after ? rangeFrom(range, after.key, forward, !isStore) : range ?? null;
  if (after && !query) return { rows: [] };
  const skip = after && !isStore ? 1 : 0;
  // One row past the page says whether another follows (and shows a tie at the cut).
  const records = await (wrapped as unknown as { getAllRecords(o: object): Promise<RawRecord[]> }).getAllRecords({ query, count: Number.isFinite(limit) ? limit + 1 + skip : 0, direction });
  for (let i = 1; i < records.length && !forward; i++) if (!differ(records[i - 1].key, records[i].key)) return undefined;
  if (skip && records.length && indexedDB.cmp(records[0].key, after!.key) === 0) {
    // The token's own row comes first; another row with its key means a tie: walk.
    if (indexedDB.cmp(records[0].primaryKey, after!.primaryKey) !== 0) return undefined;
    records.shift();
  }
  const page = records.length > limit ? records.slice(0, limit) : records;
  const last = page[page.length - 1];
  return { rows: page.map((r) => r.value), next: records.length > limit && last ? { key: last.key, primaryKey: last.primaryKey } : undefined };
}

/** Resolves with the request's next result (a cursor request succeeds once per step). */
const done = <T>(request: IDBRequest<T>) =>
  new Promise<T>((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });

/**
 * The newest `limit` rows of `range` on `source`, newest first (equal index keys by primary key,
 * descending: a `prev` cursor's order), with the token after them when more follow, where
 * `getAllRecords` is missing (Firefox ESR 140) or met a tie. A key cursor's `advance` finds the
 * page's last row and one `getAll` reads the rows from its key up; only when the row after the
 * page shares that key (an index's tie across the cut, which the cursor's step past the page,
 * sent beside that `getAll`, tells) are the tied rows' primary keys read too: an untied page is
 * three round trips, the last with two requests instead of four. Undefined where rows moved
 * between the requests (a read-write transaction): the caller walks a cursor then.
 */
async function readBack(source: IDBObjectStore | IDBIndex, range: IDBKeyRange | undefined, limit: number): Promise<{ rows: unknown[]; next?: PageToken } | undefined> {
  const request = source.openKeyCursor(range, 'prev');
  let cursor = await done(request);
  if (cursor && limit > 1) {
    cursor.advance(limit - 1);
    cursor = await done(request);
  }
  // Fewer rows than a page: all of them.
  if (!cursor) return { rows: (await done(source.getAll(range))).reverse() };
  const { key, primaryKey } = cursor;
  remember(source, range, limit, key);
  const upper = range?.upper as Key | undefined;
  cursor.continue();
  const [more, fromKey] = await Promise.all([done(request), done(source.getAll(upper === undefined ? IDBKeyRange.lowerBound(key) : IDBKeyRange.bound(key, upper, false, range!.upperOpen)))]);
  let page = fromKey;
  if (more && !indexedDB.cmp(more.key, key)) {
    // Rows tied with the last row's key come first in `fromKey` (ascending); the page keeps
    // those down to its primary key.
    const tiedKeys = await done(source.getAllKeys(key));
    page = [...fromKey.slice(0, tiedKeys.length).filter((_, i) => indexedDB.cmp(tiedKeys[i], primaryKey) >= 0), ...fromKey.slice(tiedKeys.length)];
  }
  return page.length === limit ? { rows: page.reverse(), next: more ? { key, primaryKey } : undefined } : undefined;
}

/**
 * Where each newest page read backwards last ended, by source and range: a page read again (a list
 * shown again, a live query re-run) starts there, at one request where readBack takes three
 * round trips. Only ever a guess: readAgain checks it against what it reads.
 */
const lastKeys = new Map<string, Array<{ range: IDBKeyRange | undefined; key: Key }>>();
const MAX_RANGES = 8;
// Slots of databases long gone (a test's, a signed-out user's) leave, oldest first.
const MAX_SLOTS = 64;

const isKey = (k: unknown): k is Key => {
  try {
    return indexedDB.cmp(k, k) === 0;
  } catch {
    return false;
  }
};

/** The hint's slot: a database's store or index and the page size. */
const slotOf = (source: IDBObjectStore | IDBIndex, limit: number) => {
  const store = source instanceof IDBObjectStore ? source : source.objectStore;
  return `${store.transaction.db.name}\0${store.name}\0${source instanceof IDBIndex ? source.name : ''}\0${limit}`;
};

const sameBound = (a: unknown, b: unknown) => (a === undefined || b === undefined ? a === b : !indexedDB.cmp(a, b));
const sameRange = (a: IDBKeyRange | undefined, b: IDBKeyRange | undefined) =>
  !a || !b ? a === b : sameBound(a.lower, b.lower) && sameBound(a.upper, b.upper) && a.lowerOpen === b.lowerOpen && a.upperOpen === b.upperOpen;

function remember(source: IDBObjectStore | IDBIndex, range: IDBKeyRange | undefined, limit: number, key: Key): void {
  const slot = slotOf(source, limit);
  const kept = (lastKeys.get(slot) ?? []).filter((h) => !sameRange(h.range, range));
  lastKeys.delete(slot);
  lastKeys.set(slot, [{ range, key }, ...kept].slice(0, MAX_RANGES));
  if (lastKeys.size > MAX_SLOTS) lastKeys.delete(lastKeys.keys().next().value!);
}

/**
 * The newest `limit` rows of `range` read from where the same page last ended, in one `getAll` of
 * that key and up (and, when a token is wanted, a key cursor's step below it, sent beside it). Every
 * row at or above the key is read, so reversed they are the page in a `prev` cursor's order, ties
 * included, however many rows moved since. Undefined when there is no hint, too few rows are at or
 * above it (rows deleted), or too many (rows added): readBack reads it then and leaves a new hint.
 */
async function readAgain(source: IDBObjectStore | IDBIndex, range: IDBKeyRange | undefined, limit: number, wantNext: boolean, readKey: typeof ReadKey): Promise<{ rows: unknown[]; next?: PageToken } | undefined> {
  const store = source instanceof IDBObjectStore ? source : source.objectStore;
  // A multiEntry index's key is not read from its row; neither is an out-of-line key.
  const keyPath = source instanceof IDBIndex && source.multiEntry ? null : source.keyPath;
  const hint = keyPath !== null && store.keyPath !== null && lastKeys.get(slotOf(source, limit))?.find((h) => sameRange(h.range, range));
  if (!hint) return undefined;
  const keyOf = (row: unknown, path: string | string[]) => (Array.isArray(path) ? path.map((p) => readKey(row, p)) : readKey(row, path)) as Key;
  const upper = range?.upper as Key | undefined;
  const cap = limit * 2;
  const rowsRequest = source.getAll(upper === undefined ? IDBKeyRange.lowerBound(hint.key) : IDBKeyRange.bound(hint.key, upper, false, range!.upperOpen), cap);
  const lower = range?.lower as Key | undefined;
  const belowRange = lower === undefined ? IDBKeyRange.upperBound(hint.key, true) : indexedDB.cmp(lower, hint.key) < 0 ? IDBKeyRange.bound(lower, hint.key, range!.lowerOpen, true) : undefined;
  const [rows, after] = await Promise.all([done(rowsRequest), wantNext && belowRange ? done(source.openKeyCursor(belowRange, 'prev')) : undefined]);
  if (rows.length < limit || rows.length >= cap) return undefined;
  const page = rows.slice(-limit).reverse();
  const last = page[limit - 1];
  const key = keyOf(last, keyPath!);
  const primaryKey = keyOf(last, store.keyPath!);
  // A key path IndexedDB evaluates differently from readKey (a string's `length`): no hint, no token from it.
  if (!isKey(key) || !isKey(primaryKey)) return undefined;
  remember(source, range, limit, key);
  const more = rows.length > limit || !!after;
  return { rows: page, next: wantNext && more ? { key, primaryKey } : undefined };
}
