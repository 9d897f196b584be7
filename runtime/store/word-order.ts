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

/** The index a side store's word index keeps beside each word (its key path `o.<index>`), if any. */
export function orderOf(side: IDBIndex): string | undefined {
  const path = side.keyPath as string;
  return path === 'w' ? undefined : path.slice(2);
}

/** The word index's range of the words that start with `word`. */
const prefixOf = (side: IDBIndex, word: string) => (orderOf(side) === undefined ? IDBKeyRange.bound(word, word + '\uffff') : IDBKeyRange.bound([word], [word + '\uffff']));

/** A record's key in an index with this key path. */
const keyIn = (record: unknown, path: string | string[]) => (Array.isArray(path) ? path.map((p) => readKey(record, p)) : readKey(record, path)) as Key;

/**
 * A side entry's `[word, order key]` pairs for the word index of an ordered collection: `[word]`
 * alone where the record has no valid key in the order index (IndexedDB leaves it out of that
 * index too), so prefix searches still find it and ordered ones pass it by.
 */
export function pairsOf(words: string[], record: unknown, path: string | string[]): Key[][] {
  const key = keyIn(record, path);
  return valid(key) ? words.map((w) => [w, key]) : words.map((w) => [w]);
}

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

// Per read-only transaction, what a search's first page read of the word index (the hits of a
// word list, the words a prefix stands for): the pages after it in one transaction (a list
// reading on until it has enough) reuse them. Nothing is written meanwhile; a read-write
// transaction may write between its pages, so it reads them again.
const readIn = new WeakMap<IDBTransaction, Map<string, Promise<unknown>>>();

function once<T>(side: IDBIndex, id: string, read: () => Promise<T>): Promise<T> {
  const tx = side.objectStore.transaction;
  if (tx.mode !== 'readonly') return read();
  let known = readIn.get(tx);
  if (!known) readIn.set(tx, (known = new Map()));
  id = `${side.objectStore.name}\n${id}`;
  if (!known.has(id)) known.set(id, read());
  return known.get(id) as Promise<T>;
}

/** The keys of the records holding every one of `words` as a word prefix (one `getAllKeys` per word). */
const hitsOf = (side: IDBIndex, words: string[]) => once(side, `hits ${words.join(' ')}`, () => readHits(side, words));

async function readHits(side: IDBIndex, words: string[]): Promise<Map<unknown, Key>> {
  const lists = await results(words.map((w) => side.getAllKeys(prefixOf(side, w))));
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
  const keyOf = (r: unknown) => keyIn(r, index.keyPath);
  const sign = q.direction === 'prev' ? -1 : 1;
  const range = lib.rangeOf(q);
  const limit = q.limit ?? Infinity;
  // One row past the page says whether another follows.
  const take = wantNext ? limit + 1 : limit;
  const after = q.after;
  /** The records of `keys` (in any order) in the index's order, within the range and past `after`, at most `take`. */
  const sorted = async (keys: Key[]) => {
    const rows = await results(keys.map((k) => records.get(k)));
    const out: Array<{ pk: Key; key?: Key; row: unknown }> = [];
    rows.forEach((row, i) => {
      const key = row === undefined ? undefined : keyOf(row);
      // IndexedDB leaves a record out of an index when its key there is missing or invalid.
      if (key === undefined || !valid(key) || (range && !range.includes(key))) return;
      if (after && sign * (indexedDB.cmp(key, after.key) || indexedDB.cmp(keys[i], after.primaryKey)) <= 0) return;
      out.push({ pk: keys[i], key, row });
    });
    out.sort((a, b) => sign * (indexedDB.cmp(a.key!, b.key!) || indexedDB.cmp(a.pk, b.pk)));
    out.length = Math.min(out.length, take);
    return out;
  };
  let picked: Array<{ pk: Key; key?: Key; row: unknown }> | undefined;
  // The word index keeps this index's key beside each word: one word's page is its first keys.
  const lists = orderOf(side) === name && words.length === 1 && !range && take < MAX_CHUNK ? await firstOfEach(side, words[0], sign, after, take) : undefined;
  if (lists?.length === 1) {
    const rows = await results(lists[0].slice(0, limit).map((k) => records.get(k)));
    picked = lists[0].map((pk, i) => ({ pk, row: rows[i] }));
  } else if (lists) picked = await sorted([...new Map(lists.flat().map((k) => [idOf(k), k])).values()]);
  else {
    const hits = await hitsOf(side, words);
    if (hits.size <= Math.max(FEW_HITS, take * 2)) picked = await sorted([...hits.values()]);
    else {
      const pks = await walkIndex(index, range, sign, after, take, (pk) => hits.has(idOf(pk)));
      const rows = await results(pks.slice(0, limit).map((k) => records.get(k)));
      picked = pks.map((pk, i) => ({ pk, row: rows[i] }));
    }
  }
  const page = picked.slice(0, limit);
  const last = page[page.length - 1];
  const next = picked.length > limit && last ? { key: last.key ?? keyOf(last.row), primaryKey: last.pk } : undefined;
  return { rows: page.map((p) => p.row), next };
}

/** The most keys walkIndex reads in one chunk. */
const MAX_CHUNK = 65536;

/** Past this many words that start with a search's word, its hits are read instead (see firstOfEach). */
const MAX_WORDS = 4;

/**
 * For each word of an ordered word index that starts with `prefix` (at most MAX_WORDS, else
 * undefined), its first `take` primary keys in the order index's order, from `after` on: a
 * word's entries `[word, key]` sort as that index does. The words are found by jumping from one
 * to the next (`[word + '\0']` is the first key past a word's entries).
 */
async function firstOfEach(side: IDBIndex, prefix: string, sign: number, after: PageToken | undefined, take: number): Promise<Key[][] | undefined> {
  const found = await once(side, `words ${prefix}`, () => wordsStartingWith(side, prefix));
  return found && Promise.all(
    found.map((w) => walkIndex(side, IDBKeyRange.bound([w, -Infinity], [w + '\0'], false, true), sign, after && { key: [w, after.key], primaryKey: after.primaryKey }, take, () => true, take)),
  );
}

/** The words of an ordered word index that start with `prefix`, or undefined past MAX_WORDS. */
async function wordsStartingWith(side: IDBIndex, prefix: string): Promise<string[] | undefined> {
  const found: string[] = [];
  const cursor = side.openKeyCursor(prefixOf(side, prefix));
  for (let at = (await results([cursor]))[0]; at; at = (await results([cursor]))[0]) {
    const word = (at.key as string[])[0];
    if (found.push(word) > MAX_WORDS) return undefined;
    at.continue([word + '\0']);
  }
  return found;
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
 * that `isHit` accepts. Reads primary keys in chunks of `first` keys, then growing 4× (a key
 * cursor's `advance` finds each chunk's end), each chunk with one `getAllKeys` over its key
 * range; the cursor moves on to the next chunk's end while a chunk is read.
 */
async function walkIndex(index: IDBIndex, range: IDBKeyRange | undefined, sign: number, after: PageToken | undefined, take: number, isHit: (pk: Key) => boolean, first = Math.max(512, take * 4)): Promise<Key[]> {
  const forward = sign > 0;
  const out: Key[] = [];
  const keep = (pks: Key[]) => {
    for (const pk of forward ? pks : pks.reverse()) if (out.length < take && isHit(pk)) out.push(pk);
  };
  // Null: nothing lies past the token.
  const from = after ? past(range, after.key, forward) : range;
  // The token's key first (its rows past the token's primary key), read beside the cursor's first
  // step past it.
  const tied = after && results([index.getAllKeys(IDBKeyRange.only(after.key))]);
  const cursor = from === null ? undefined : index.openKeyCursor(from, forward ? 'next' : 'prev');
  const step = () => results([cursor!]).then(([c]) => c);
  const opened = cursor && step();
  if (tied) keep((await tied)[0].filter((pk) => sign * indexedDB.cmp(pk, after!.primaryKey) > 0));
  if (!opened || out.length >= take) return out;
  let at = await opened;
  const within = from ?? undefined;
  // A chunk is [start, end) in walking order: from the key the cursor stood on to the key it
  // reached `size` entries on (a run of equal keys stays whole: it starts the next chunk).
  let start: Key | undefined = at?.key;
  let size = first;
  let walked = 0;
  while (at && out.length < take) {
    at.advance(size);
    const end: Key | undefined = (at = await step())?.key;
    if (at && indexedDB.cmp(end!, start!) === 0) {
      size = Math.min(size * 4, MAX_CHUNK);
      continue;
    }
    const chunk = forward ? bound(start!, end, within, true) : bound(end, start!, within, false);
    const pks = (await results([index.getAllKeys(chunk)]))[0];
    walked += pks.length;
    keep(pks);
    start = end;
    // The next chunk from the hits seen so far (a quarter more than they say is needed), at most
    // 4× this one: growing 4× every time read two to three times the keys a common word needed.
    const needed = out.length ? Math.ceil(((take - out.length) * walked * 1.25) / out.length) + 64 : Infinity;
    size = Math.min(needed, size * 4, MAX_CHUNK);
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
