import type { IDBPIndex, IDBPObjectStore } from 'idb';
import { StoreError } from './errors.js';
import { WORDS_FIELD, tokenize } from './words.js';

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
  /** Prefix search over the collection's word index; every word must match some indexed word. */
  words?: string;
  direction?: 'next' | 'prev';
  limit?: number;
  /** Continue after this position (from a previous page's `next`) without re-reading earlier rows. */
  after?: PageToken;
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

type Source = IDBPObjectStore<unknown, string[], string, IDBTransactionMode> | IDBPIndex<unknown, string[], string, string, IDBTransactionMode>;

/** Picks the index (or the store itself) a query reads from. */
export function sourceOf(store: IDBPObjectStore<unknown, string[], string, IDBTransactionMode>, q: Query, collection: string): Source {
  const name = q.words !== undefined ? WORDS_FIELD : q.index;
  if (name === undefined) return store;
  if (!store.indexNames.contains(name)) {
    const hint = q.words !== undefined ? `Declare words: ['field', …] on collection '${collection}' to search it.` : `Declared indexes: ${[...store.indexNames].filter((n) => n !== WORDS_FIELD).join(', ') || 'none'}.`;
    throw new StoreError('unknown-index', `Collection '${collection}' has no index '${name}'. ${hint}`, { collection });
  }
  return store.index(name);
}

/**
 * Runs a query, returning raw records and the position after the last one.
 * Without `after` and words it reads with one `getAll`; otherwise it walks a cursor that starts
 * at the `after` position, so earlier rows are never read again.
 */
export async function runQuery(source: Source, q: Query, wantNext = false): Promise<{ rows: unknown[]; next?: PageToken }> {
  const words = q.words === undefined ? undefined : tokenize(q.words).sort((a, b) => b.length - a.length);
  if (words && words.length === 0) return { rows: [] };
  const range = rangeOf(q, words?.[0]);
  const limit = q.limit ?? Infinity;
  const direction = q.direction ?? 'next';
  if (!words && !q.after && direction === 'next') {
    const rows = await source.getAll(range, Number.isFinite(limit) ? limit : undefined);
    if (!wantNext || rows.length < limit || rows.length === 0) return { rows };
    return { rows, next: await positionAfter(source, range, rows.length) };
  }
  const rows: unknown[] = [];
  const seen = words && words.length > 0 ? new Set<unknown>() : undefined;
  let cursor = await source.openCursor(range, direction);
  if (cursor && q.after) cursor = await skipTo(cursor, q.after, direction, 'index' in source);
  let last: PageToken | undefined;
  while (cursor && rows.length < limit) {
    last = { key: cursor.key, primaryKey: cursor.primaryKey };
    const value = cursor.value as Record<string, unknown>;
    const pk = JSON.stringify(cursor.primaryKey);
    if (!seen || (!seen.has(pk) && matchesRest(value, words!))) {
      seen?.add(pk);
      rows.push(value);
    }
    cursor = await cursor.continue();
  }
  return { rows, next: rows.length >= limit && cursor ? last : undefined };
}

function matchesRest(value: Record<string, unknown>, words: string[]): boolean {
  const have = (value[WORDS_FIELD] as string[] | undefined) ?? [];
  return words.slice(1).every((w) => have.some((h) => h.startsWith(w)));
}

type AnyCursor = Awaited<ReturnType<Source['openCursor']>>;

/** Moves a fresh cursor past `after` in one step (no row before it is read). */
// An object store has an `index()` method; an index does not.
async function skipTo(cursor: NonNullable<AnyCursor>, after: PageToken, direction: 'next' | 'prev', isStore: boolean): Promise<AnyCursor> {
  const cmp = indexedDB.cmp(cursor.key, after.key);
  const before = direction === 'next' ? cmp < 0 : cmp > 0;
  if (isStore) {
    if (before || cmp === 0) {
      let c: AnyCursor = before ? await cursor.continue(after.key) : cursor;
      if (c && indexedDB.cmp(c.key, after.key) === 0) c = await c.continue();
      return c;
    }
    return cursor;
  }
  if (before || cmp === 0) {
    const c = await cursor.continuePrimaryKey(after.key, after.primaryKey);
    // continuePrimaryKey lands ON the position; the page starts after it.
    if (c && indexedDB.cmp(c.key, after.key) === 0 && indexedDB.cmp(c.primaryKey, after.primaryKey) === 0) return c.continue();
    return c;
  }
  return cursor;
}

/** The position of the `n`-th row of a range (for a page read with getAll). */
async function positionAfter(source: Source, range: IDBKeyRange | undefined, n: number): Promise<PageToken | undefined> {
  const cursor = await source.openKeyCursor(range);
  if (!cursor) return undefined;
  const at = n > 1 ? await cursor.advance(n - 1) : cursor;
  if (!at) return undefined;
  // Only hand out a token when something follows it.
  const key = at.key;
  const primaryKey = at.primaryKey;
  const more = await at.continue();
  return more ? { key, primaryKey } : undefined;
}
