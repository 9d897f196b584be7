// A word search listed in an index's order, e.g. the newest 50 messages with "invoice":
// `query({ words: 'invoice', index: 'byDate', direction: 'prev', limit: 50 })`. Part of the
// word-index chunk (word-index.ts imports it), so it costs the start-up bundle nothing.
//
// The side store answers which records hold the words (their keys alone, one `getAllKeys` per
// word); the order comes from the index. Few hits: their records are read and sorted. Many hits:
// the index's primary keys are read in growing chunks, in walking order, until a page of them are
// hits — a common word's newest 50 cost a few hundred keys, a rare word's a handful of records;
// neither reads the collection.
import type { Key, PageToken, Query } from './query.js';
import type { WordLib } from './word-index.js';

/** A key as a Set or Map member: equal keys give equal members (query.ts has the same; importing it would split the entry). */
export const idOf = (k: Key): unknown => (typeof k === 'object' ? JSON.stringify(k) : k);

/** Queues `requests` (already made) and resolves with their results once the last succeeds. */
export function results<T>(requests: Array<IDBRequest<T>>): Promise<T[]> {
  return new Promise((resolve, reject) => {
    const out: T[] = [];
    if (!requests.length) return resolve(out);
    requests.forEach((r, i) => {
      r.onsuccess = () => {
        out[i] = r.result;
        if (i === requests.length - 1) resolve(out);
      };
      r.onerror = () => reject(r.error);
    });
  });
}

// Hits per read-only transaction and word list: the pages after the first of a search in one
// transaction (a list reading on until it has enough) reuse them. Nothing is written meanwhile;
// a read-write transaction may write between its pages, so it reads them again.
const hitsIn = new WeakMap<IDBTransaction, Map<string, Promise<Map<unknown, Key>>>>();

/** The keys of the records holding every one of `words` as a word prefix (one `getAllKeys` per word). */
function hitsOf(side: IDBIndex, words: string[]): Promise<Map<unknown, Key>> {
  const tx = side.objectStore.transaction;
  if (tx.mode !== 'readonly') return readHits(side, words);
  let known = hitsIn.get(tx);
  if (!known) hitsIn.set(tx, (known = new Map()));
  const id = `${side.objectStore.name}\n${words.join(' ')}`;
  let hits = known.get(id);
  if (!hits) known.set(id, (hits = readHits(side, words)));
  return hits;
}

async function readHits(side: IDBIndex, words: string[]): Promise<Map<unknown, Key>> {
  const lists = await results(words.map((w) => side.getAllKeys(IDBKeyRange.bound(w, w + '\uffff'))));
  const hits = new Map<unknown, Key>(lists[0].map((k) => [idOf(k), k]));
  for (const list of lists.slice(1)) {
    const ids = new Set(list.map(idOf));
    for (const id of hits.keys()) if (!ids.has(id)) hits.delete(id);
  }
  return hits;
}

/**
 * Up to this many hits (or two pages' worth), every hit is read and sorted; past it, the index is
 * walked (its keys cost far less than records) so that only the page's records are read.
 */
const FEW_HITS = 64;

/**
 * A word search in the order of `q.index` (within its `equals`/`between`/`startsWith` range),
 * from `q.after` on. `side` is the side store's word index. The index must list each record once
 * (not multiEntry): a page's token is its last record's index key.
 */
export async function ordered(lib: WordLib, side: IDBIndex, q: Query, wantNext: boolean, words: string[]): Promise<{ rows: unknown[]; next?: PageToken }> {
  const tx = side.objectStore.transaction;
  const collection = side.objectStore.name.slice(side.objectStore.name.indexOf('/') + 1);
  const records = tx.objectStore(collection);
  const name = q.index!;
  if (!records.indexNames.contains(name)) throw ['unknown-index', collection, name, [...records.indexNames].join(', ')];
  const index = records.index(name);
  if (index.multiEntry) throw ['invalid-query/words-multiEntry', collection, name];
  const path = index.keyPath;
  const keyOf = (r: unknown) => (Array.isArray(path) ? path.map((p) => readKey(r, p)) : readKey(r, path)) as Key;
  const sign = q.direction === 'prev' ? -1 : 1;
  const range = lib.rangeOf(q);
  const limit = q.limit ?? Infinity;
  // One row past the page says whether another follows.
  const take = wantNext ? limit + 1 : limit;
  const after = q.after;
  const hits = await hitsOf(side, words);
  let picked: Array<{ pk: Key; key?: Key; row: unknown }>;
  if (hits.size <= Math.max(FEW_HITS, take * 2)) {
    const keys = [...hits.values()];
    const rows = await results(keys.map((k) => records.get(k)));
    picked = [];
    rows.forEach((row, i) => {
      const key = row === undefined ? undefined : keyOf(row);
      // IndexedDB leaves a record out of an index when its key there is missing or invalid.
      if (key === undefined || !valid(key) || (range && !range.includes(key))) return;
      if (after && sign * (indexedDB.cmp(key, after.key) || indexedDB.cmp(keys[i], after.primaryKey)) <= 0) return;
      picked.push({ pk: keys[i], key, row });
    });
    picked.sort((a, b) => sign * (indexedDB.cmp(a.key!, b.key!) || indexedDB.cmp(a.pk, b.pk)));
    picked.length = Math.min(picked.length, take);
  } else {
    const pks = await walkIndex(index, range, sign, after, take, (pk) => hits.has(idOf(pk)));
    const rows = await results(pks.slice(0, limit).map((k) => records.get(k)));
    picked = pks.map((pk, i) => ({ pk, row: rows[i] }));
  }
  const page = picked.slice(0, limit);
  const last = page[page.length - 1];
  const next = picked.length > limit && last ? { key: last.key ?? keyOf(last.row), primaryKey: last.pk } : undefined;
  return { rows: page.map((p) => p.row), next };
}

/** The value at a dotted key path (query.ts has the same; importing it would split the entry). */
function readKey(value: unknown, keyPath: string): unknown {
  let v = value;
  for (const part of keyPath.split('.')) v = v === null || typeof v !== 'object' ? undefined : (v as Record<string, unknown>)[part];
  return v;
}

function valid(key: unknown): boolean {
  try {
    indexedDB.cmp(key, key);
    return true;
  } catch {
    return false;
  }
}

/**
 * The first `take` primary keys of `index` (within `range`, in walking order, from `after` on)
 * that `isHit` accepts. Reads primary keys in chunks that grow 4× (a key cursor's `advance` finds
 * each chunk's end), each chunk with one `getAllKeys` over its key range; the cursor moves on to
 * the next chunk's end while a chunk is read.
 */
async function walkIndex(index: IDBIndex, range: IDBKeyRange | undefined, sign: number, after: PageToken | undefined, take: number, isHit: (pk: Key) => boolean): Promise<Key[]> {
  const forward = sign > 0;
  const out: Key[] = [];
  const keep = (pks: Key[]) => {
    for (const pk of forward ? pks : pks.reverse()) if (out.length < take && isHit(pk)) out.push(pk);
  };
  let from = range;
  if (after) {
    // The token's key first: its rows past the token's primary key.
    const tied = await results([index.getAllKeys(IDBKeyRange.only(after.key))]);
    keep(tied[0].filter((pk) => sign * indexedDB.cmp(pk, after.primaryKey) > 0));
    const rest = past(range, after.key, forward);
    if (!rest) return out;
    from = rest;
  }
  if (out.length >= take) return out;
  const cursor = index.openKeyCursor(from, forward ? 'next' : 'prev');
  const step = () => results([cursor]).then(([c]) => c);
  let at = await step();
  // A chunk is [start, end) in walking order: from the key the cursor stood on to the key it
  // reached `size` entries on (a run of equal keys stays whole: it starts the next chunk).
  let start: Key | undefined = at?.key;
  let size = Math.max(512, take * 4);
  let walked = 0;
  while (at && out.length < take) {
    at.advance(size);
    const end: Key | undefined = (at = await step())?.key;
    if (at && indexedDB.cmp(end!, start!) === 0) {
      size = Math.min(size * 4, 65536);
      continue;
    }
    const chunk = forward ? bound(start!, end, from, true) : bound(end, start!, from, false);
    const pks = (await results([index.getAllKeys(chunk)]))[0];
    walked += pks.length;
    keep(pks);
    start = end;
    // The next chunk from the hits seen so far (a quarter more than they say is needed), at most
    // 4× this one: growing 4× every time read two to three times the keys a common word needed.
    const needed = out.length ? Math.ceil(((take - out.length) * walked * 1.25) / out.length) + 64 : Infinity;
    size = Math.min(needed, size * 4, 65536);
  }
  return out;
}

/**
 * The key range from `low` to `high` in key order, closed at the chunk's start and open at its
 * end (`forward`: low is the start); a missing bound is `range`'s own.
 */
function bound(low: Key | undefined, high: Key | undefined, range: IDBKeyRange | undefined, forward: boolean): IDBKeyRange | null {
  const lower = low ?? (range?.lower as Key | undefined);
  const upper = high ?? (range?.upper as Key | undefined);
  const lowerOpen = low === undefined ? !!range?.lowerOpen : !forward;
  const upperOpen = high === undefined ? !!range?.upperOpen : forward;
  if (lower === undefined) return upper === undefined ? null : IDBKeyRange.upperBound(upper, upperOpen);
  if (upper === undefined) return IDBKeyRange.lowerBound(lower, lowerOpen);
  return IDBKeyRange.bound(lower, upper, lowerOpen, upperOpen);
}

/** The part of `range` strictly past `key` in walking order, or null when nothing is. */
function past(range: IDBKeyRange | undefined, key: Key, forward: boolean): IDBKeyRange | null | undefined {
  const end = (forward ? range?.upper : range?.lower) as Key | undefined;
  if (end !== undefined && (forward ? 1 : -1) * indexedDB.cmp(key, end) >= 0) return null;
  // Before the range's start: all of it lies past the key.
  if (range && !range.includes(key) && (forward ? range.lower !== undefined && indexedDB.cmp(key, range.lower) < 0 : range.upper !== undefined && indexedDB.cmp(key, range.upper) > 0)) return range;
  return forward ? bound(key, undefined, range, false) : bound(undefined, key, range, true);
}
