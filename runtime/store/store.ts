import { openDB, unwrap, type IDBPDatabase, type IDBPTransaction } from 'idb';
import { Collection, type Scope, type StoredRecord } from './collection.js';
import { failure, loadMessages, refusal, StoreError, toStoreError } from './errors.js';
import { mergeChanges, Observer, type ChangeMessage, type ChangeSet, type Follower, type WrittenValues } from './observers.js';
import type { Key } from './query.js';
import { idbVersion, indexesOf, type StoreSchema } from './schema.js';
import { prepareRecord } from './derived.js';
import { wordsOf, wordsStore } from './words.js';
import { loadPageRead, loadWordIndex, noteStored } from './query.js';
import { broadcast } from './broadcast.js';

/** Aborts `tx` unless it is over already (aborted by its failing request, or committing): whether it did. */
function abort(tx: { abort(): void }): true | undefined {
  try {
    tx.abort();
    return true;
  } catch {
    // Over: nothing more to undo.
  }
}

/** Options for {@link openStore} besides the schema. */
export interface OpenStoreOptions {
  /** How long an upgrade may wait for other tabs to close their connection (default 5000 ms). */
  blockedTimeoutMs?: number;
}

/** The collections of one transaction, see {@link Store.transaction}. */
export interface StoreTransaction {
  /** A collection of this transaction; `T` is its records' type (an interface or a type alias). */
  collection<T extends object = StoredRecord>(name: string): Collection<T>;
  /** The underlying idb transaction, for what the collection API does not cover. */
  readonly raw: IDBPTransaction<unknown, string[], IDBTransactionMode>;
  /**
   * A record as IndexedDB holds it (hidden fields such as sync's rev included), or undefined. A
   * read-write transaction keeps it: writing it back with its words' text unchanged (a label
   * change) then leaves the word index alone without reading it.
   */
  stored(collection: string, key: Key): Promise<Record<string, unknown> | undefined>;
}

/**
 * An open store: collections of records in one IndexedDB database. Fires `store-outdated` when
 * another tab upgrades the database (this connection is closed; prompt the user to reload).
 */
export class Store extends EventTarget {
  /** The database name. */
  readonly name: string;
  /** The declared schema. */
  readonly schema: StoreSchema;
  #db: IDBPDatabase<unknown> | undefined;
  #opening: Promise<IDBPDatabase<unknown>> | undefined;
  #outdated = false;
  #closed = false;
  readonly #observers = new Set<Follower>();
  readonly #channel: BroadcastChannel | undefined;
  readonly #options: OpenStoreOptions;
  // The transactions open now, and those a freeze aborted (their callers run them again).
  readonly #live = new Set<IDBPTransaction<unknown, string[], IDBTransactionMode>>();
  readonly #cut = new WeakSet<object>();

  /** @internal Use {@link openStore}. */
  constructor(schema: StoreSchema, options: OpenStoreOptions) {
    super();
    this.name = schema.name;
    this.schema = schema;
    this.#options = options;
    // A frozen tab runs nothing more: a transaction it left open would hold every other tab's
    // transactions on those collections (Chromium aborts it after a minute), and its open
    // connection their upgrades. So, as the Page Lifecycle guidance says, end both as it freezes;
    // the aborted transactions run again from the start once it is thawed, the connection reopens
    // on first use. (The listener stays for the page's life: a closed store has nothing to end,
    // and removing it on close would cost the start-up bundle bytes it does not have.)
    (globalThis as { document?: EventTarget }).document?.addEventListener('freeze', () => {
      // One already committing no longer waits for this tab.
      for (const tx of this.#live) if (abort(tx)) this.#cut.add(tx);
      this.#db?.close();
      this.#db = undefined;
    });
    if (typeof BroadcastChannel !== 'undefined') {
      this.#channel = new BroadcastChannel(`outpost-store:${schema.name}`);
      this.#channel.onmessage = (e: MessageEvent<ChangeMessage>) => this.#notify(new Map(e.data.changes), false);
    }
  }

  /** @internal Opens (or reopens) the connection. */
  async connect(): Promise<IDBPDatabase<unknown>> {
    if (this.#outdated || this.#closed) throw await failure(this.#outdated ? 'connection-closed/outdated' : 'connection-closed', this.name);
    return this.#db ?? (this.#opening ??= this.#open().finally(() => (this.#opening = undefined)));
  }

  #open(): Promise<IDBPDatabase<unknown>> {
    const { schema } = this;
    return new Promise<IDBPDatabase<unknown>>((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      let gaveUp = false;
      openDB(schema.name, idbVersion(schema.version), {
        upgrade: (db, oldVersion, newVersion, tx) => {
          const names = Object.keys(schema.collections);
          const existing = new Set(db.objectStoreNames);
          for (const n of names) if (!existing.has(n)) db.createObjectStore(n, { keyPath: schema.collections[n].keyPath });
          let loaded: typeof import('./upgrade.js') | undefined;
          let failed: unknown;
          import('./upgrade.js').then((m) => (loaded = m), (err: unknown) => (failed = err));
          void (async () => {
            // The rest of the upgrade is a lazy chunk; the versionchange transaction commits once no
            // request is pending, so one is kept pending while the chunk loads.
            while (!loaded && !failed && names.length) await tx.objectStore(names[0]).count();
            if (!loaded) throw failed;
            await loaded.upgrade(db, tx as IDBPTransaction<unknown, string[], 'versionchange'>, schema, oldVersion, newVersion!, existing, { indexesOf, prepareRecord, wordsOf, StoreError });
          })().catch((err) => {
            // The open request reports the abort; idb's `done` promise would reject unobserved.
            tx.done.catch(() => undefined);
            reject(err);
            // Perhaps over already: IndexedDB aborted it (a unique index over records sharing a value).
            abort(tx);
          });
        },
        blocked: () => {
          timer ??= setTimeout(() => {
            gaveUp = true;
            void failure('version-blocked/upgrade', schema.name, String(schema.version)).then(reject);
          }, this.#options.blockedTimeoutMs ?? 5000);
        },
        // Another tab wants a newer version: step aside so it never hangs, and tell the app.
        blocking: () => this.#outdate(),
        // The browser closed the connection (e.g. storage cleared): the next operation reopens.
        terminated: () => {
          this.#db = undefined;
        },
      }).then(
        (db) => {
          clearTimeout(timer);
          if (gaveUp || this.#closed) {
            db.close();
            // Closed while it reopened: the operations waiting for it hear so instead of hanging.
            return void failure('connection-closed', schema.name).then(reject);
          }
          this.#db = db;
          resolve(db);
        },
        (err: unknown) => {
          clearTimeout(timer);
          // A newer version upgraded the database while this tab held no connection (its tab
          // frozen, or the browser closed it): outdated all the same, and told so.
          if ((err as Error).name === 'VersionError') {
            this.#outdate();
            err = ['connection-closed/outdated', schema.name];
          }
          void toStoreError(err).then(reject);
        },
      );
    });
  }

  #outdate(): void {
    // As close(): its live queries stop, instead of failing on each write another tab announces.
    this.close();
    this.#outdated = true;
    this.dispatchEvent(new Event('store-outdated'));
  }

  #assertCollection(name: string): void {
    if (!Object.hasOwn(this.schema.collections, name)) {
      throw refusal('unknown-collection', name, this.name, Object.keys(this.schema.collections).join(', '));
    }
  }

  /** Starts a transaction, reopening once if the browser closed the connection under us. */
  async #begin(names: string[], mode: IDBTransactionMode, options?: IDBTransactionOptions) {
    // A collection's words are written and searched with it.
    names = names.flatMap((n) => (this.schema.collections[n]?.words?.length ? [n, wordsStore(n)] : [n]));
    let tx;
    for (let retry = 1; !tx; retry = 0) {
      try {
        tx = (await this.connect()).transaction(names, mode, options);
      } catch (err) {
        // A collection the database lacks (a schema grown without a new version), also once
        // reopened, and names or a mode IndexedDB refuses: a StoreError.
        if (!retry || (err as Error).name !== 'InvalidStateError') throw await toStoreError(err, names, mode);
        this.#db = undefined;
      }
    }
    this.#live.add(tx);
    const off = () => this.#live.delete(tx);
    tx.done.then(off, off);
    return tx;
  }

  /**
   * @internal How many of this store's transactions this tab has under way: a long writer (a
   * pulled page) commits what it has when others wait behind it.
   */
  get busy(): number {
    return this.#live.size;
  }

  /**
   * A collection; each of its calls runs in its own transaction. `T` is its records' type, any
   * object type (an interface needs no index signature); nothing checks it at run time.
   */
  collection<T extends object = StoredRecord>(name: string): Collection<T> {
    this.#assertCollection(name);
    const scope: Scope = {
      run: async (collection, mode, fn) => {
        const tx = await this.#begin([collection], mode);
        try {
          const result = await fn(tx.objectStore(collection));
          // A read's result is final once its requests succeed: waiting for the read-only
          // transaction's 'complete' costs another round trip to the database for nothing.
          if (mode === 'readonly') tx.done.catch(() => undefined);
          else {
            // Nothing else joins a call's transaction: committing as its last request is queued
            // saves the round trip in which the browser finds it idle (a live query's write →
            // callback). Still in that request's callback here, so the transaction is active.
            tx.commit();
            await tx.done;
          }
          return result;
        } catch (err) {
          if (this.#cut.has(tx)) return scope.run(collection, mode, fn);
          // A write that threw part way (a value IndexedDB cannot clone) commits none of what it queued.
          abort(tx);
          throw err;
        }
      },
      changed: (collection, keys, values) => this.#notify(new Map([[collection, keys]]), true, values && new Map([[collection, values]])),
      follow: (follower) => this.#follow(follower),
    };
    return new Collection<T>(name, this.schema.collections[name], scope);
  }

  /**
   * Runs `fn` in one transaction over `names`: all its writes commit together or none do (a
   * throw aborts). Inside, await only store calls: awaiting anything else (fetch, timers) lets
   * IndexedDB auto-commit the transaction early. `options.durability: 'relaxed'` lets the
   * browser commit without flushing to disk (a later durable transaction of the database flushes
   * it too): for writes that are redone anyway if lost, such as the documents of a page whose
   * cursor commits afterwards.
   *
   * @example
   * await store.transaction(['messages', 'threads'], 'readwrite', async (tx) => {
   *   await tx.collection('messages').put(message);
   *   await tx.collection('threads').put(thread);
   * });
   */
  async transaction<R>(names: string[], mode: IDBTransactionMode, fn: (tx: StoreTransaction) => Promise<R> | R, options?: { durability?: IDBTransactionDurability }): Promise<R> {
    names.forEach((n) => this.#assertCollection(n));
    const tx = await this.#begin(names, mode, options);
    const changes: ChangeSet = new Map();
    // The records written, while every write of a collection had them (else its followers read).
    const values: WrittenValues = new Map();
    let failed: unknown;
    const scope: Scope = {
      run: async (collection, _mode, op) => {
        if (failed || !names.includes(collection)) {
          throw refusal(failed ? 'aborted' : 'unknown-collection/transaction', collection, names.join(', '));
        }
        try {
          return await op(tx.objectStore(collection));
        } catch (err) {
          // A write that threw part way (a value IndexedDB cannot clone, a key it refuses) had
          // queued requests before: caught by the app, they would commit. So it ends the
          // transaction, all or none (as IndexedDB does on a failed request); the calls after it
          // are refused. A call refused before it queued anything (a read, a record without its
          // key) leaves it going, as before (sync carries on past a custom mutator failing on rebase).
          if ((err as { q?: 1 }).q) abort((failed = tx));
          throw err;
        }
      },
      changed: (collection, keys, written) => {
        const whole = !changes.has(collection) || values.has(collection);
        mergeChanges(changes, new Map([[collection, keys]]));
        if (whole && written) mergeChanges(values, new Map([[collection, written]]));
        else values.delete(collection);
      },

    };
    let result: R;
    try {
      const stored = async (c: string, key: Key) => {
        const record = (await scope.run(c, mode, (os) => os.get(key))) as Record<string, unknown> | undefined;
        noteStored(unwrap(tx), c, key, record);
        return record;
      };
      result = await fn({ collection: (name) => (this.#assertCollection(name), new Collection(name, this.schema.collections[name], scope)), raw: tx, stored });
      await tx.done;
    } catch (err) {
      abort(tx);
      await tx.done.catch(() => undefined);
      if (this.#cut.has(tx)) return this.transaction(names, mode, fn, options);
      throw await toStoreError(err);
    }
    if (changes.size) this.#notify(changes, true, values);
    return result;
  }

  /**
   * Re-runs `run` whenever a committed write (in this tab or another) touches one of
   * `collections`, and once at the start. Each re-run gets the keys written since the previous
   * run began (an empty list: unknown, e.g. after clear()). A run that throws or rejects calls
   * `onError` and runs again on the next write. Returns a function that stops it.
   * For a query over one collection, `collection.observe(query, …)` patches the result instead.
   *
   * @example
   * const stop = store.observe(['messages'], () => inbox.query({ index: 'byDate', direction: 'prev', limit: 50 }), render);
   */
  observe<R>(collections: string[], run: (changes?: ChangeSet) => Promise<R>, onResult: (result: R) => void, onError: (error: unknown) => void = console.error): () => void {
    collections.forEach((c) => this.#assertCollection(c));
    const observer = new Observer(collections, run, onResult, onError);
    const stop = this.#follow(observer);
    observer.trigger();
    return stop;
  }

  #follow(follower: Follower): () => void {
    this.#observers.add(follower);
    return () => {
      follower.stop();
      this.#observers.delete(follower);
    };
  }

  #notify(changes: ChangeSet, local: boolean, values?: WrittenValues): void {
    for (const observer of this.#observers) {
      if ([...changes.keys()].some((c) => observer.collections.has(c))) observer.trigger(changes, values);
    }
    if (local) broadcast(this.#channel, { changes: [...changes] } satisfies ChangeMessage);
    this.dispatchEvent(new CustomEvent<ChangeSet>('change', { detail: changes }));
  }

  /** Closes the connection and stops live queries. */
  close(): void {
    this.#closed = true;
    this.#db?.close();
    this.#db = undefined;
    this.#channel?.close();
    for (const o of this.#observers) o.stop();
    this.#observers.clear();
  }
}

/**
 * Opens (creating or upgrading) a store with the declared collections.
 *
 * @example
 * const store = await openStore({
 *   name: 'mail', version: 1,
 *   collections: { messages: { keyPath: 'id', indexes: { byDate: 'date', byLabel: 'labels*' }, words: ['subject'] } },
 * });
 * await store.collection('messages').put({ id: 'm1', date: Date.now(), labels: ['INBOX'], subject: 'Hi' });
 */
export async function openStore(schema: StoreSchema, options: OpenStoreOptions = {}): Promise<Store> {
  if (!Number.isInteger(schema.version) || schema.version < 1) {
    throw await failure('invalid-schema/version', schema.name, String(schema.version));
  }
  const store = new Store(schema, options);
  try {
    // The error messages load beside the database (a lazy chunk, off the start-up bundle): a
    // browser whose storage is full may never finish fetching a module, and that is when a
    // write needs them. So does the words' side-store code, which every write of them runs.
    await Promise.all([store.connect(), loadMessages(), loadPageRead(), Object.values(schema.collections).some((c) => c.words?.length) && loadWordIndex()]);
  } catch (err) {
    store.close();
    throw err;
  }
  return store;
}

export type { Key };

