import { unwrap, type IDBPObjectStore } from 'idb';
import { failure, refusal, toStoreError } from './errors.js';
import { idOf, rangeOf, readKey, runQuery, sourceOf, wordIndex, type Key, type Page, type Query } from './query.js';
import { indexesOf, type CollectionSchema } from './schema.js';
import { textOf, tokenize, wordsOf } from './words.js';
import { prepareRecord, stripRecord } from './derived.js';
import type { LiveDiff } from './live.js';
import type { ChangeSet, Follower, WrittenValues } from './observers.js';

/** The object store a collection operation works on. */
export type ObjectStore = IDBPObjectStore<unknown, string[], string, IDBTransactionMode>;
type WritableStore = IDBPObjectStore<unknown, string[], string, 'readwrite'>;

/** Runs collection operations in a transaction and records what changed (see store.ts). */
export interface Scope {
  run<R>(collection: string, mode: IDBTransactionMode, fn: (os: ObjectStore) => Promise<R>): Promise<R>;
  /** Records a committed write: its keys, and the records as stored when known (see WrittenValues). */
  changed(collection: string, keys: Key[], values?: unknown[]): void;
  /** Tells `follower` about every committed write from now on; returns what stops it (absent in a transaction). */
  follow?(follower: Follower): () => void;
}

/** A stored record: any object with the collection's key field. */
export type StoredRecord = Record<string, unknown>;

/** A record to write (or, without one, a key to delete) and the text of its words (collections with words). */
export type Prepared = { record?: StoredRecord; key: Key; text?: string };

/**
 * Queues writes (an item without a record deletes) as plain requests, without awaiting each:
 * IndexedDB runs them in order, so the last one's outcome is all of theirs (after a failure it
 * fails too, and the transaction holds the first error). idb's promise and listeners per request
 * cost about a quarter of the main thread's time in a page of synced mails. A collection with
 * words also keeps its side store (word-index.ts).
 */
function writeAll(os: ObjectStore, items: Prepared[], schema: CollectionSchema): Promise<void> {
  const raw = (unwrap as (x: unknown) => IDBObjectStore)(os);
  // Queued before the promise: a value IndexedDB cannot clone throws here, as idb's put does.
  let last: IDBRequest | undefined;
  try {
    for (const { record, key } of items) last = record ? raw.put(record) : raw.delete(key);
  } catch (err) {
    // Part way, what was queued would commit: marked (`q`) so the transaction ends (store.ts).
    throw last ? Object.assign(err as Error, { q: 1 }) : err;
  }
  // The side entries go after the records' writes, in the same transaction.
  if (schema.words?.length) return wordIndex().write(raw, items, schema.words);
  return new Promise<void>((resolve, reject) => {
    if (!last) return resolve();
    last.onsuccess = () => resolve();
    last.onerror = () => reject(raw.transaction.error ?? last!.error);
  });
}

/**
 * One collection of records. Each call is its own transaction, unless the collection came from
 * `store.transaction(…)`, where every call joins that transaction.
 */
export class Collection<T extends object = StoredRecord> {
  /** The collection's name. */
  readonly name: string;
  readonly #schema: CollectionSchema;
  readonly #scope: Scope;

  /** @internal Created by the store. */
  constructor(name: string, schema: CollectionSchema, scope: Scope) {
    this.name = name;
    this.#schema = schema;
    this.#scope = scope;
  }

  #strip(value: unknown): T {
    return stripRecord(value as T);
  }

  /** The records to store and their keys; a value without its key refuses them all. */
  async #prepare(values: T[]): Promise<Prepared[]> {
    const { keyPath } = this.#schema;
    for (const value of values) {
      const what = value === null ? 'null' : typeof value;
      if (what !== 'object' || readKey(value, keyPath) == null) throw refusal('missing-key', this.name, keyPath, what);
    }
    const words = this.#schema.words;
    return values.map((value) => {
      // Checked an object with its key above; its fields are read by name from here on.
      const record = prepareRecord(value as StoredRecord, this.#schema);
      return { record, key: readKey(value, keyPath) as Key, text: words && textOf(record, words) };
    });
  }

  async #write<R>(fn: (os: WritableStore) => Promise<R>, keys: Key[], value?: unknown, records?: unknown[]): Promise<R> {
    let written: unknown[] | undefined;
    try {
      const result = await this.#scope.run(this.name, 'readwrite', (os) => {
        const done = fn(os as WritableStore);
        // Copies as stored (IndexedDB cloned each record just now), so live queries place them
        // without reading back; a big write's keys are read back instead.
        written = records && records.length <= 100 ? records.map((r) => r && structuredClone(r)) : undefined;
        return done;
      });
      this.#scope.changed(this.name, keys, written);
      return result;
    } catch (err) {
      throw await toStoreError(err, this.name, value);
    }
  }

  async #read<R>(fn: (os: ObjectStore) => Promise<R>): Promise<R> {
    try {
      return await this.#scope.run(this.name, 'readonly', fn);
    } catch (err) {
      throw await toStoreError(err, this.name);
    }
  }

  /** The record with this key, or undefined. */
  get(key: Key): Promise<T | undefined> {
    return this.#read(async (os) => this.#strip(await os.get(key)));
  }

  /** The records with these keys, in the same order (undefined where missing). */
  getMany(keys: Key[]): Promise<Array<T | undefined>> {
    return this.#read((os) => Promise.all(keys.map(async (k) => this.#strip(await os.get(k)))));
  }

  /** Inserts or replaces a record; resolves to its key. */
  async put(value: T): Promise<Key> {
    const prepared = await this.#prepare([value]);
    await this.#write((os) => writeAll(os, prepared, this.#schema), [prepared[0].key], value, [prepared[0].record]);
    return prepared[0].key;
  }

  /** Inserts or replaces many records in one transaction (all or none). */
  async bulkPut(values: T[]): Promise<void> {
    const prepared = await this.#prepare(values);
    return this.#write((os) => writeAll(os, prepared, this.#schema), prepared.map((p) => p.key), values, prepared.map((p) => p.record));
  }

  /** Deletes the record with this key (no error when it does not exist). */
  delete(key: Key): Promise<void> {
    return this.bulkDelete([key]);
  }

  /**
   * Deletes the records with these keys in one transaction. `range`, for a caller who knows the
   * collection holds these keys and no others within it (e.g. an outbox's first entries), deletes
   * them in one request instead of one per key (Chromium: 100 deletes ~11 ms, one range ~1 ms);
   * a collection with words ignores it.
   */
  bulkDelete(keys: Key[], range?: IDBKeyRange): Promise<void> {
    return this.#write((os) => (range && !this.#schema.words?.length ? os.delete(range) : writeAll(os, keys.map((key) => ({ key })), this.#schema)), keys, undefined, keys.map(() => undefined));
  }

  /** Deletes every record. */
  clear(): Promise<void> {
    return this.#write((os) => {
      const raw = (unwrap as (x: unknown) => IDBObjectStore)(os);
      return this.#schema.words?.length ? wordIndex().clear(raw) : os.clear();
    }, []);
  }

  /** How many records match the query (all records when omitted). */
  count(query: Omit<Query, 'limit' | 'after' | 'direction' | 'words'> = {}): Promise<number> {
    return this.#read(async (os) => {
      const source = sourceOf(os, query, this.name);
      return source.count(rangeOf(query));
    });
  }

  /** The records a query selects. */
  async query(query: Query = {}): Promise<T[]> {
    return (await this.page(query, false)).items;
  }

  /** A page of records and the token to continue from (`query({ …, after: page.next })`). */
  page(query: Query = {}, wantNext = true): Promise<Page<T>> {
    return this.#read(async (os) => {
      const { rows, next } = await runQuery(sourceOf(os, query, this.name), query, wantNext);
      return { items: rows.map((r) => this.#strip(r)), next };
    });
  }

  /**
   * A live query: calls `onResult` with the rows `query` selects, at once and after each committed
   * write (this tab or another) that changes them. The rows are patched from the written keys:
   * only those records are read (none for this tab's own small writes), placed in or removed from
   * the ordered rows (index, range, direction, `after`, `limit`, words), and only what a limited
   * window lost is read to refill it. Unchanged rows keep their objects; `diff` names what
   * changed. A write that changes no row calls nothing. Returns a function that stops it; not
   * available inside `store.transaction`.
   *
   * @example
   * const stop = messages.observe({ index: 'byDate', direction: 'prev', limit: 50 }, (rows, diff) => render(rows));
   */
  observe(query: Query, onResult: (rows: T[], diff: LiveDiff) => void, onError: (error: unknown) => void = console.error): () => void {
    let live: Follower | undefined;
    let stopped = false;
    const queued: Array<[ChangeSet?, WrittenValues?]> = [];
    if (!this.#scope.follow) {
      void failure('unknown-collection/transaction', this.name).then(onError);
      return () => undefined;
    }
    const stop = this.#scope.follow({
      collections: new Set([this.name]),
      trigger: (...change) => (live ? live.trigger(...change) : queued.push(change)),
      stop: () => {
        stopped = true;
        live?.stop();
      },
    });
    // The first read goes beside the patching code's chunk, so it never waits on that fetch.
    const read = <R>(fn: (os: ObjectStore) => Promise<R>) => this.#read(fn);
    const first = read((os) => runQuery(sourceOf(os, query, this.name), query));
    first.catch(() => undefined);
    import('./live.js').then((m) => {
      if (stopped) return;
      const lib = { idOf, rangeOf, readKey, runQuery, sourceOf, indexesOf, tokenize, wordsOf };
      live = new m.LiveQuery<T>({ lib, name: this.name, schema: this.#schema, query, read, strip: (r) => this.#strip(r), onResult, onError }, first);
      for (const change of queued) live.trigger(...change);
    }, onError);
    return stop;
  }
}
