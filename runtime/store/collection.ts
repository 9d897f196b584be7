import type { IDBPObjectStore } from 'idb';
import { StoreError, toStoreError } from './errors.js';
import { rangeOf, readKey, runQuery, sourceOf, type Key, type Page, type Query } from './query.js';
import type { CollectionSchema } from './schema.js';
import { prepareRecord, stripRecord } from './derived.js';

/** The object store a collection operation works on. */
export type ObjectStore = IDBPObjectStore<unknown, string[], string, IDBTransactionMode>;
type WritableStore = IDBPObjectStore<unknown, string[], string, 'readwrite'>;

/** Runs collection operations in a transaction and records what changed (see store.ts). */
export interface Scope {
  run<R>(collection: string, mode: IDBTransactionMode, fn: (os: ObjectStore) => Promise<R>): Promise<R>;
  changed(collection: string, keys: Key[]): void;
}

/** A stored record: any object with the collection's key field. */
export type StoredRecord = Record<string, unknown>;

/**
 * One collection of records. Each call is its own transaction, unless the collection came from
 * `store.transaction(…)`, where every call joins that transaction.
 */
export class Collection<T extends StoredRecord = StoredRecord> {
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
    return stripRecord(value as T, this.#schema);
  }

  #prepare(value: T): { record: StoredRecord; key: Key } {
    if (value === null || typeof value !== 'object') {
      throw new StoreError('missing-key', `Collection '${this.name}' stores objects, got ${value === null ? 'null' : typeof value}. Pass an object with a '${this.#schema.keyPath}' field.`, { collection: this.name });
    }
    const key = readKey(value, this.#schema.keyPath);
    if (key === undefined || key === null) {
      throw new StoreError('missing-key', `Record for collection '${this.name}' has no '${this.#schema.keyPath}' (its key field). Set ${this.#schema.keyPath} before storing it.`, { collection: this.name });
    }
    return { record: prepareRecord(value, this.#schema), key: key as Key };
  }

  async #write<R>(fn: (os: WritableStore) => Promise<R>, keys: Key[], value?: unknown): Promise<R> {
    try {
      const result = await this.#scope.run(this.name, 'readwrite', (os) => fn(os as WritableStore));
      this.#scope.changed(this.name, keys);
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
    const { record, key } = this.#prepare(value);
    return this.#write((os) => os.put(record), [key], value);
  }

  /** Inserts or replaces many records in one transaction (all or none). */
  async bulkPut(values: T[]): Promise<void> {
    const prepared = values.map((v) => this.#prepare(v));
    return this.#write(async (os) => {
      // Requests are queued without awaiting each: IndexedDB runs them in order in one transaction.
      await Promise.all(prepared.map((p) => os.put(p.record)));
    }, prepared.map((p) => p.key), values);
  }

  /** Deletes the record with this key (no error when it does not exist). */
  delete(key: Key): Promise<void> {
    return this.#write((os) => os.delete(key), [key]);
  }

  /** Deletes the records with these keys in one transaction. */
  bulkDelete(keys: Key[]): Promise<void> {
    return this.#write(async (os) => {
      await Promise.all(keys.map((k) => os.delete(k)));
    }, keys);
  }

  /** Deletes every record. */
  clear(): Promise<void> {
    return this.#write((os) => os.clear(), []);
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
}
