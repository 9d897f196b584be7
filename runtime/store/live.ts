// The patching half of Collection.observe, a lazy chunk: keeps a live query's rows equal to a
// fresh run of its query by placing the written records in them instead of re-running it.
// It imports only types: the collection hands it the store's helpers (see LiveLib), because a
// module shared with the start-up bundle would be split into a chunk of its own.
import type { ObjectStore } from './collection.js';
import type { ChangeSet, Follower, WrittenValues } from './observers.js';
import type { idOf, Key, Query, rangeOf, readKey, runQuery, sourceOf } from './query.js';
import type { CollectionSchema, indexesOf } from './schema.js';
import type { tokenize, wordsOf } from './words.js';

/** What changed in a live query's rows since its previous callback, by primary key. */
export interface LiveDiff {
  /** Records now in the rows that were not before. */
  added: Key[];
  /** Records no longer in the rows. */
  removed: Key[];
  /** Records still in the rows whose row objects are new (rewritten, or all rows after a reset). */
  changed: Key[];
  /**
   * The rows were read afresh rather than patched: the first result, and after a write whose
   * keys are unknown (clear()) or more than 100 other-tab keys.
   */
  reset: boolean;
  /**
   * With `partial` in the query: writes took rows out of the limited window and these are the
   * rows left, the result's first rows but fewer than its limit; the next callback follows once
   * the rows after them are read.
   */
  partial?: boolean;
}

/** One row of the result: where the query's index lists the record, and the record. */
interface Entry {
  key: Key;
  pk: Key;
  row: unknown;
}

/** @internal The store's own helpers, handed over by the collection. */
export interface LiveLib {
  idOf: typeof idOf;
  rangeOf: typeof rangeOf;
  readKey: typeof readKey;
  runQuery: typeof runQuery;
  sourceOf: typeof sourceOf;
  indexesOf: typeof indexesOf;
  tokenize: typeof tokenize;
  /** A record's indexed words (words.ts). */
  wordsOf: typeof wordsOf;
}

/** @internal What a live query needs from its collection. */
export interface LiveOptions<T> {
  lib: LiveLib;
  name: string;
  schema: CollectionSchema;
  query: Query;
  /** Runs reads in a read-only transaction of the collection. */
  read: <R>(fn: (os: ObjectStore) => Promise<R>) => Promise<R>;
  strip: (raw: unknown) => T;
  onResult: (rows: T[], diff: LiveDiff) => void;
  onError: (error: unknown) => void;
}

/** A `partial` window refilling more rows than this reads and calls back with these first (a screenful). */
const FIRST_ROWS = 100;

/** More keys than this to read back (another tab's big write) re-run the query instead. */
const MAX_READ = 100;

/**
 * A record's key at `path` as IndexedDB reads it: `readKey`'s, and a string's `length` (a key
 * path may end there; readKey reads objects' properties only).
 */
function keyAt(readKey: LiveLib['readKey'], raw: unknown, path: string): unknown {
  const dot = path.lastIndexOf('.');
  const of = dot > 0 && path.slice(dot + 1) === 'length' ? readKey(raw, path.slice(0, dot)) : undefined;
  return typeof of === 'string' ? of.length : readKey(raw, path);
}

/** Whether `k` is a valid IndexedDB key: numbers, strings and arrays in JS, the rest (and deep arrays, which may be cyclic) asked of IndexedDB. */
export function validKey(k: unknown, depth = 0): k is Key {
  if (typeof k === 'string' || (typeof k === 'number' && k === k)) return true;
  if (Array.isArray(k) && depth < 8) {
    // A hole reads as undefined: not a key.
    for (let i = 0; i < k.length; i++) if (!validKey(k[i], depth + 1)) return false;
    return true;
  }
  try {
    indexedDB.cmp(k, k);
    return true;
  } catch {
    return false;
  }
}

/** Where a key type sorts in IndexedDB's order (number < string < array), for the types compared here. */
const rank = (k: unknown): number => (typeof k === 'number' && k === k ? 0 : typeof k === 'string' ? 1 : Array.isArray(k) ? 2 : -1);

/**
 * `indexedDB.cmp` for valid keys, in JS for numbers, strings and arrays of them (strings by UTF-16
 * code unit, as IndexedDB orders them): a live query compares thousands of keys while a page of a
 * sync is placed, and each `indexedDB.cmp` call converts both keys into IndexedDB keys.
 */
export function compareKeys(a: unknown, b: unknown): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra < 0 || rb < 0) return indexedDB.cmp(a, b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  if (ra < 2) return a === b ? 0 : (a as number | string) < (b as number | string) ? -1 : 1;
  const x = a as unknown[];
  const y = b as unknown[];
  for (let i = 0; i < x.length && i < y.length; i++) {
    const c = compareKeys(x[i], y[i]);
    if (c) return c;
  }
  return x.length === y.length ? 0 : x.length < y.length ? -1 : 1;
}

/** @internal A patched live query, see Collection.observe. */
export class LiveQuery<T> implements Follower {
  readonly collections: ReadonlySet<string>;
  #entries: Entry[] = [];
  readonly #pending: Array<[ChangeSet?, WrittenValues?]> = [];
  #busy = false;
  #stopped = false;
  /** A patch failed: the rows may be wrong until the query runs afresh. */
  #stale = false;
  readonly #o: LiveOptions<T>;
  readonly #lib: LiveLib;
  readonly #sign: number;
  readonly #limit: number;
  readonly #range: IDBKeyRange | undefined;
  readonly #words: string[] | undefined;
  /** A word search in the word index's order (no `index`): rows are records' first hits. */
  readonly #byWords: boolean;
  /** The index's key path; undefined for the primary key and for word searches without an index. */
  readonly #keyPath: string | string[] | undefined;
  readonly #multiEntry: boolean;

  constructor(o: LiveOptions<T>, first: Promise<{ rows: unknown[] }>) {
    this.#o = o;
    this.#lib = o.lib;
    this.collections = new Set([o.name]);
    const q = o.query;
    this.#sign = q.direction === 'prev' ? -1 : 1;
    this.#limit = q.limit ?? Infinity;
    this.#words = q.words === undefined ? undefined : this.#lib.tokenize(q.words).sort((a, b) => b.length - a.length);
    // A collection with `wordsOrder` lists a word search without `index` in that index's order.
    const name = q.index ?? (this.#words && o.schema.wordsOrder);
    this.#byWords = !!this.#words && !name;
    try {
      this.#range = this.#lib.rangeOf(q, this.#byWords ? this.#words![0] : undefined);
    } catch {
      // A range IndexedDB refuses (bounds reversed, a bound that is no key): thrown here, nothing
      // would ever call back. The first read fails on it too and #drain reports its StoreError;
      // each later write runs the query again (stale) and reports it again.
    }
    const index = name ? this.#lib.indexesOf(o.schema)[name] : undefined;
    this.#keyPath = index?.keyPath;
    this.#multiEntry = !!index?.multiEntry;
    void this.#drain(first.then((r) => r.rows));
  }

  trigger(changes?: ChangeSet, values?: WrittenValues): void {
    if (this.#stopped) return;
    this.#pending.push([changes, values]);
    if (!this.#busy) void this.#drain();
  }

  stop(): void {
    this.#stopped = true;
  }

  /** Applies the first read and every queued change, then calls back once if the rows changed. */
  async #drain(first?: Promise<unknown[]>): Promise<void> {
    this.#busy = true;
    let reset = !!first;
    try {
      if (first) this.#entries = this.#place(await first);
      while (this.#pending.length && !this.#stopped) reset = (await this.#apply(this.#pending.splice(0))) || reset;
    } catch (err) {
      this.#stale = true;
      this.#busy = false;
      if (!this.#stopped) this.#o.onError(err);
      return;
    }
    this.#busy = false;
    this.#emit(reset);
  }

  /** The rows at the last callback, and whether it was partial. */
  #shown: Entry[] = [];
  #shownPartial = false;

  /**
   * Calls back with the rows when they changed since the last callback (or were read afresh),
   * and always after a partial one: it says the rows are whole again.
   */
  #emit(reset: boolean, partial = false): void {
    if (this.#stopped) return;
    const diff = diffOf(this.#shown, this.#entries, reset, this.#lib.idOf);
    if (partial) diff.partial = true;
    if (!reset && !this.#shownPartial && !diff.added.length && !diff.removed.length && !diff.changed.length) return;
    this.#shown = this.#entries;
    this.#shownPartial = partial;
    this.#o.onResult(this.#entries.map((e) => e.row as T), diff);
  }

  /** Patches the rows from a batch of changes; true when it had to re-run the query instead. */
  async #apply(batch: Array<[ChangeSet?, WrittenValues?]>): Promise<boolean> {
    const { name } = this.#o;
    // The last write of each key wins; `known` when this tab wrote it and handed the record over.
    const ops = new Map<unknown, { key: Key; known: boolean; raw?: unknown }>();
    let rerun = this.#stale;
    for (const [changes, values] of batch) {
      const keys = changes?.get(name);
      if (!keys) continue;
      if (!keys.length) rerun = true;
      const written = values?.get(name);
      keys.forEach((key, i) => ops.set(this.#lib.idOf(key), { key, known: !!written, raw: written?.[i] }));
    }
    const full = this.#entries.length >= this.#limit;
    const edge = full ? this.#entries[this.#entries.length - 1] : undefined;
    const unread = [...ops.values()].filter((op) => !op.known && this.#mayMatter(op.key, edge));
    if (rerun || unread.length > MAX_READ) {
      this.#entries = this.#place(await this.#run(this.#o.query));
      this.#stale = false;
      return true;
    }
    if (unread.length) {
      const found = await this.#o.read((os) => Promise.all(unread.map((op) => os.get(op.key))));
      unread.forEach((op, i) => (op.raw = found[i]));
    }
    // Every entry up to the edge of a full window is known, so a record placed past it is not.
    let entries = this.#entries.filter((e) => !ops.has(this.#lib.idOf(e.pk)));
    const placed: Entry[] = [];
    for (const op of ops.values()) {
      if (op.raw === undefined) continue;
      for (const e of this.#entriesOf(op.raw as Record<string, unknown>)) if (!edge || this.#order(e, edge) <= 0) placed.push(e);
    }
    // The kept rows are in order: a few written ones go in by binary search (a sort of the whole
    // window compares every row again), many are sorted in with them.
    if (placed.length > 16) entries = entries.concat(placed).sort((a, b) => this.#order(a, b));
    else for (const e of placed) entries.splice(this.#position(entries, e), 0, e);
    if (entries.length > this.#limit) entries.length = this.#limit;
    else if (edge && entries.length < this.#limit) {
      // The window lost rows: read only what follows its old edge (a word search, whose records
      // can have hits on both sides of the edge, runs afresh).
      if (this.#byWords) {
        this.#entries = this.#place(await this.#run(this.#o.query));
        return true;
      }
      let from = edge;
      let ended = false;
      // Opted in: the rows left paint now (a bulk archive empties a list's window); a big refill
      // then reads a screenful and paints it too, before the rest.
      if (this.#o.query.partial) {
        this.#entries = entries;
        this.#emit(false, true);
        if (this.#limit - entries.length > FIRST_ROWS) {
          const first = await this.#after(from, FIRST_ROWS);
          entries = entries.concat(this.#place(first, from));
          this.#entries = entries;
          ended = first.length < FIRST_ROWS;
          if (!ended) {
            from = entries[entries.length - 1];
            this.#emit(false, true);
          }
        }
      }
      if (!ended) entries = entries.concat(this.#place(await this.#after(from, this.#limit - entries.length), from));
    }
    this.#entries = entries;
    return false;
  }

  /** Up to `limit` rows of the query that follow `from`. */
  #after(from: Entry, limit: number): Promise<unknown[]> {
    return this.#run({ ...this.#o.query, after: { key: from.key, primaryKey: from.pk }, limit });
  }

  #run(q: Query): Promise<unknown[]> {
    return this.#o.read(async (os) => (await this.#lib.runQuery(this.#lib.sourceOf(os, q, this.#o.name), q)).rows);
  }

  /** Whether a write to this key can change the rows (only the primary key answers without reading). */
  #mayMatter(key: Key, edge: Entry | undefined): boolean {
    if (this.#keyPath !== undefined || this.#words) return true;
    const at = { key, pk: key, row: undefined };
    const after = this.#o.query.after;
    return validKey(key) && (!this.#range || this.#range.includes(key)) && (!after || this.#order(at, { key: after.key, pk: after.primaryKey, row: undefined }) > 0) && (!edge || this.#order(at, edge) <= 0);
  }

  /** The entries of a read's rows (past `edge` when given), in order, as many as the read returned. */
  #place(rows: unknown[], edge?: Entry): Entry[] {
    const seen = new Set<unknown>();
    const out: Entry[] = [];
    for (const raw of rows) {
      const id = this.#lib.idOf(this.#lib.readKey(raw, this.#o.schema.keyPath) as Key);
      if (seen.has(id)) continue;
      seen.add(id);
      for (const e of this.#entriesOf(raw as Record<string, unknown>)) if (!edge || this.#order(e, edge) > 0) out.push(e);
    }
    // A multiEntry index lists a record once per matching key: the read's rows are its first entries.
    return out.sort((a, b) => this.#order(a, b)).slice(0, rows.length);
  }

  /**
   * Where the query lists a stored record (with its hidden fields): one entry per matching index
   * key (several on a multiEntry index), one for the primary key, the first hit of a word search,
   * none when it does not match. The same rules as IndexedDB: a missing or invalid key is not indexed.
   */
  #entriesOf(raw: Record<string, unknown>): Entry[] {
    const pk = this.#lib.readKey(raw, this.#o.schema.keyPath) as Key;
    const words = this.#words;
    let keys: unknown[];
    const have = words && this.#lib.wordsOf(raw, this.#o.schema.words!);
    // A word search's range is its first word's (in the word index's order) or the index's: a
    // record must have every word, the first too when ordered by an index.
    const matches = have && words!.length > 0 && words!.slice(this.#byWords ? 1 : 0).every((w) => have.some((h) => h.startsWith(w)));
    if (have && !matches) keys = [];
    else if (have && this.#byWords) keys = have;
    else if (this.#keyPath === undefined) keys = [pk];
    else {
      const path = this.#keyPath;
      const v = Array.isArray(path) ? path.map((p) => keyAt(this.#lib.readKey, raw, p)) : keyAt(this.#lib.readKey, raw, path);
      keys = this.#multiEntry && Array.isArray(v) ? v : [v];
    }
    const after = this.#o.query.after;
    const from = after && { key: after.key, pk: after.primaryKey, row: undefined };
    let out: Entry[] = [];
    let row: unknown;
    for (const key of keys) {
      if (!validKey(key) || (this.#range && !this.#range.includes(key))) continue;
      if (out.some((e) => compareKeys(e.key, key) === 0)) continue;
      const e = { key, pk, row };
      if (from && this.#order(e, from) <= 0) continue;
      out.push(e);
    }
    if (this.#byWords) out = out.sort((a, b) => this.#order(a, b)).slice(0, 1);
    if (out.length) {
      row = this.#o.strip(raw);
      for (const e of out) e.row = row;
    }
    return out;
  }

  /** Where `e` goes in the ordered `entries`: after every entry that walks before it. */
  #position(entries: Entry[], e: Entry): number {
    let lo = 0;
    let hi = entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.#order(entries[mid], e) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Walking order: index key, then primary key, reversed for 'prev'. */
  #order(a: Entry, b: Entry): number {
    return this.#sign * (compareKeys(a.key, b.key) || compareKeys(a.pk, b.pk));
  }
}

/** Which records joined, left or got new row objects between two results. */
function diffOf(before: Entry[], after: Entry[], reset: boolean, idOf: LiveLib['idOf']): LiveDiff {
  const was = new Map(before.map((e) => [idOf(e.pk), e]));
  const now = new Map(after.map((e) => [idOf(e.pk), e]));
  const diff: LiveDiff = { added: [], removed: [], changed: [], reset };
  for (const [id, e] of now) {
    const old = was.get(id);
    if (!old) diff.added.push(e.pk);
    else if (old.row !== e.row) diff.changed.push(e.pk);
  }
  for (const [id, e] of was) if (!now.has(id)) diff.removed.push(e.pk);
  return diff;
}
