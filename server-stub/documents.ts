// Server-side document operations (put, patch, delete, set operations) inside one storage
// transaction, for every backend. Every write bumps the user's sequence number and stamps it on the
// document, so "changes after cursor N" is one indexed range scan and a document changed twice
// appears once, with its latest state.
import type { DocumentValue, SetElement } from '../runtime/protocol/index.js';
import { StorageUnavailable, type StorageTx, type StoredDocument } from './storage/types.js';

export type { StoredDocument };

/**
 * A user's documents, as seen by server code (custom mutation handlers and seeds). Writes are
 * unconditional (no baseRev) and happen inside the surrounding transaction. Every method is async:
 * `await` each call, or its write may land after the push committed (and fail).
 */
export interface UserDocuments {
  /** Whose documents these are. */
  readonly user: string;
  /** The document, its tombstone, or undefined if it never existed (or its tombstone was compacted). */
  get(collection: string, key: string): Promise<StoredDocument | undefined>;
  /** Every live document of a collection, by key. */
  list(collection: string): Promise<Array<{ key: string; rev: number; value: DocumentValue }>>;
  /** Creates or replaces a document; resolves to its new rev. */
  put(collection: string, key: string, value: DocumentValue): Promise<number>;
  /** Sets top-level fields (creating the document if missing or deleted); resolves to its new rev. */
  patch(collection: string, key: string, patch: DocumentValue): Promise<number>;
  /** Deletes a document (leaving a tombstone); resolves to the tombstone's rev, or 0 if there was nothing to delete. */
  delete(collection: string, key: string): Promise<number>;
  /** Adds elements to an array field used as a set; resolves to the document's rev. */
  addToSet(collection: string, key: string, field: string, values: SetElement[]): Promise<number>;
  /** Removes elements from an array field used as a set; resolves to the document's rev. */
  removeFromSet(collection: string, key: string, field: string, values: SetElement[]): Promise<number>;
}

/** Thrown by set operations when the field holds something other than an array. */
export class NotASetError extends Error {
  constructor(collection: string, key: string, field: string) {
    super(`Field '${field}' of ${collection}/${key} is not an array, so it cannot be used as a set. Use put/patch to make it an array first.`);
  }
}

/**
 * Document access within one transaction. Records whose data it wrote (for pokes) and the first
 * storage failure: a handler that catches one cannot make the push commit half-applied.
 */
export class TxDocuments {
  readonly changedUsers = new Set<string>();
  /** The first storage failure seen in this transaction, if any. */
  failure: StorageUnavailable | undefined;
  constructor(
    /** The transaction everything runs in. */
    readonly tx: StorageTx,
    /** Milliseconds since the epoch, fixed for the transaction. */
    readonly now: number,
  ) {}

  async #run<T>(op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (err) {
      if (err instanceof StorageUnavailable) this.failure ??= err;
      throw err;
    }
  }

  /** Current state of a document, after locking the user's change order. */
  get(user: string, collection: string, key: string): Promise<StoredDocument | undefined> {
    return this.#run(async () => {
      await this.tx.lockUser(user);
      return this.tx.getDoc(user, collection, key);
    });
  }

  /** Writes a new state for a document (null deletes); resolves to the new rev. */
  write(user: string, collection: string, key: string, value: DocumentValue | null): Promise<number> {
    return this.#run(async () => {
      await this.tx.lockUser(user);
      const rev = await this.tx.writeDoc(user, collection, key, value, this.now);
      this.changedUsers.add(user);
      return rev;
    });
  }

  /** Server-side document API for one user (handlers and seeds). */
  forUser(user: string): UserDocuments {
    return {
      user,
      get: (collection, key) => this.get(user, collection, key),
      list: (collection) =>
        this.#run(async () => {
          await this.tx.lockUser(user);
          return this.tx.listDocs(user, collection);
        }),
      put: (collection, key, value) => this.write(user, collection, key, value),
      patch: async (collection, key, patch) => {
        const doc = await this.get(user, collection, key);
        const base = doc && 'value' in doc ? doc.value : {};
        return this.write(user, collection, key, { ...base, ...patch });
      },
      delete: async (collection, key) => {
        const doc = await this.get(user, collection, key);
        if (!doc || 'deleted' in doc) return 0;
        return this.write(user, collection, key, null);
      },
      addToSet: (collection, key, field, values) => this.setOp(user, collection, key, field, values, true),
      removeFromSet: (collection, key, field, values) => this.setOp(user, collection, key, field, values, false),
    };
  }

  /**
   * Adds or removes set elements. Missing document: add creates it, remove is a no-op (rev 0).
   * Deleted document: a no-op returning the tombstone's rev. Unchanged set: no write, current rev.
   */
  async setOp(user: string, collection: string, key: string, field: string, values: SetElement[], add: boolean): Promise<number> {
    const doc = await this.get(user, collection, key);
    if (doc && 'deleted' in doc) return doc.rev;
    if (!doc) return add ? this.write(user, collection, key, { [field]: [...new Set(values)] }) : 0;
    const current = doc.value[field] ?? [];
    if (!Array.isArray(current)) throw new NotASetError(collection, key, field);
    const next = add ? [...new Set([...current, ...values])] : current.filter((x) => !values.includes(x as SetElement));
    if (next.length === current.length && next.every((x, i) => x === current[i])) return doc.rev;
    return this.write(user, collection, key, { ...doc.value, [field]: next });
  }
}
