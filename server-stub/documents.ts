// Server-side document operations (put, patch, delete, set operations) inside one storage
// transaction, for every backend. Every write bumps the user's sequence number and stamps it on the
// document, so "changes after cursor N" is one indexed range scan and a document changed twice
// appears once, with its latest state.
import { DEFAULT_LIMITS, type DocumentValue, type SetElement } from '../runtime/protocol/index.js';
import { nameProblem } from './names.js';
import { StorageUnavailable, type StorageTx, type StoredDocument } from './storage/types.js';
import { MutationRejected } from './app.js';
import { documentTooLargeMessage, jsonBytes } from './limits.js';

export type { StoredDocument };

/**
 * A user's documents, as seen by server code (custom mutation handlers and seeds). Writes happen
 * inside the surrounding transaction. Every method is async: `await` each call (a handler's calls
 * that fail reject its mutation even if caught; one made after the handler finished does nothing).
 *
 * `put`, `patch`, `delete`, `addToSet` and `removeFromSet` are **unconditional** (no baseRev): they
 * overwrite whatever is there, so never use them with a key another user chose on a document
 * that is not the pusher's own. `create` is the **create-only** write for that case (e.g. delivering
 * into another user's mailbox): it never touches an existing document or tombstone.
 */
export interface UserDocuments {
  /** Whose documents these are. */
  readonly user: string;
  /** The document, its tombstone, or undefined if it never existed (or its tombstone was compacted). */
  get(collection: string, key: string): Promise<StoredDocument | undefined>;
  /** Every live document of a collection, by key. */
  list(collection: string): Promise<Array<{ key: string; rev: number; value: DocumentValue }>>;
  /** Creates or replaces a document (unconditional); resolves to its new rev. */
  put(collection: string, key: string, value: DocumentValue): Promise<number>;
  /**
   * Creates a document only if none exists under this key (not even a tombstone); resolves to its
   * rev (1), or 0 when something was already there and nothing was written.
   * @example
   * if (!(await ctx.forUser(to).create('messages', id, copy))) ctx.reject('duplicate-id', `Message ${id} exists.`);
   */
  create(collection: string, key: string, value: DocumentValue): Promise<number>;
  /** Sets top-level fields (creating the document if missing or deleted); resolves to its new rev. */
  patch(collection: string, key: string, patch: DocumentValue): Promise<number>;
  /** Deletes a document (leaving a tombstone); resolves to the tombstone's rev, or 0 if there was nothing to delete. */
  delete(collection: string, key: string): Promise<number>;
  /** Adds elements to an array field used as a set; resolves to the document's rev. */
  addToSet(collection: string, key: string, field: string, values: SetElement[]): Promise<number>;
  /** Removes elements from an array field used as a set; resolves to the document's rev. */
  removeFromSet(collection: string, key: string, field: string, values: SetElement[]): Promise<number>;
}

/**
 * Thrown when a write would pass one of the server's limits (document size, set size); the push
 * answers the mutation `rejected` with `code`, naming the limit and its flag.
 */
export class LimitExceeded extends Error {
  readonly code: 'document-too-large' | 'set-too-large';
  constructor(code: 'document-too-large' | 'set-too-large', message: string) {
    super(message);
    this.code = code;
  }
}

/** The limits documents are written under (see `StubLimits`). */
export interface DocumentLimits {
  documentBytes: number;
  setSize: number;
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
  /**
   * JSON bytes of the documents written so far, and of those set ops compared (a set op scans its
   * whole set even when it changes nothing): a push stops past `--max-push-writes`.
   */
  bytesWritten = 0;
  // JSON bytes of documents' values as last written or measured here, by id (see setOp).
  readonly #sizes = new Map<string, number>();
  /** Set while a custom mutation's handler runs: each document it writes, with its new rev. */
  written: Array<{ user: string; collection: string; key: string; rev: number }> | undefined;
  constructor(
    /** The transaction everything runs in. */
    readonly tx: StorageTx,
    /** Milliseconds since the epoch, fixed for the transaction. */
    readonly now: number,
    /** Limits every write is checked against. */
    readonly limits: DocumentLimits = DEFAULT_LIMITS,
  ) {}

  // Documents read by built-in mutations and not written since: a push of many mutations against one
  // big document parses it once, and its conflicts share one object (serialised once, see push-json).
  readonly #reads = new Map<string, Promise<StoredDocument | undefined>>();

  /**
   * Like {@link TxDocuments.get}, but repeated reads of an unchanged document return the same
   * object. Only for built-in mutations, which never modify what they read.
   */
  sharedGet(user: string, collection: string, key: string): Promise<StoredDocument | undefined> {
    const id = docKey(user, collection, key);
    let doc = this.#reads.get(id);
    if (doc === undefined) this.#reads.set(id, (doc = this.get(user, collection, key)));
    return doc;
  }

  /**
   * Starts reading the documents `mutations` (built-in ones) will read, without waiting: on
   * PostgreSQL the reads travel in one round trip with whatever the push awaits next. A failed
   * read fails again when {@link TxDocuments.sharedGet} hands it out.
   */
  prefetch(user: string, mutations: ReadonlyArray<{ name: string; collection?: unknown; key?: unknown }>): void {
    for (const m of mutations) {
      if ((m.name === 'put' || m.name === 'patch' || m.name === 'delete') && typeof m.collection === 'string' && typeof m.key === 'string') {
        this.sharedGet(user, m.collection, m.key).catch(() => undefined);
      }
    }
  }

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
      checkNames(user, collection, key);
      await this.tx.lockUser(user);
      return this.tx.getDoc(user, collection, key);
    });
  }

  /**
   * Writes a new state for a document (null deletes); resolves to the new rev. `shared`: the
   * caller never changes `value` again (built-in mutations), so later reads in this transaction
   * take it from memory: a push of many set ops on one big document parses it once, not per op.
   * `json`: `value` as JSON text, when the caller has it (a put's, serialised for its size check).
   */
  write(user: string, collection: string, key: string, value: DocumentValue | null, shared = false, json?: string): Promise<number> {
    const id = docKey(user, collection, key);
    this.#reads.delete(id);
    // Serialised once: its size is checked here and the storage writes the same text.
    const text = value === null ? undefined : (json ?? JSON.stringify(value));
    if (text !== undefined) {
      const bytes = Buffer.byteLength(text);
      if (bytes > this.limits.documentBytes) {
        return Promise.reject(new LimitExceeded('document-too-large', documentTooLargeMessage(`${collection}/${key}`, bytes, this.limits)));
      }
      this.bytesWritten += bytes;
      this.#sizes.set(id, bytes);
    } else this.#sizes.delete(id);
    const written = this.#run(async () => {
      checkNames(user, collection, key);
      await this.tx.lockUser(user);
      const rev = await this.tx.writeDoc(user, collection, key, value, this.now, text);
      this.changedUsers.add(user);
      this.written?.push({ user, collection, key, rev });
      return rev;
    });
    if (shared) {
      const doc = written.then((rev): StoredDocument => (value === null ? { rev, deleted: true } : { rev, value }));
      // A failed write fails again for whoever reads it; unread, it must not crash the process.
      doc.catch(() => undefined);
      this.#reads.set(id, doc);
    }
    return written;
  }

  /** Drops what reads and writes kept in memory: a savepoint rolled back what they saw. */
  forgetReads(): void {
    this.#reads.clear();
    this.#sizes.clear();
  }

  /** Server-side document API for one user (handlers and seeds). */
  forUser(user: string): UserDocuments {
    return {
      user,
      get: (collection, key) => this.get(user, collection, key),
      list: (collection) =>
        this.#run(async () => {
          checkNames(user, collection, undefined);
          await this.tx.lockUser(user);
          return this.tx.listDocs(user, collection);
        }),
      put: (collection, key, value) => this.write(user, collection, key, value),
      create: async (collection, key, value) => ((await this.get(user, collection, key)) ? 0 : this.write(user, collection, key, value)),
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
    // Never changes what it reads: the shared read (see sharedGet), a write's value after one.
    const doc = await this.sharedGet(user, collection, key);
    if (doc && 'deleted' in doc) return doc.rev;
    if (!doc && !add) return 0;
    // Own properties only: a field named `constructor` or `toString` is data, not Object.prototype's.
    const current = doc && Object.hasOwn(doc.value, field) ? doc.value[field] : [];
    if (!Array.isArray(current)) throw new NotASetError(collection, key, field);
    if (doc) {
      // Measured once per document and push (then kept by write): later ops on it count for free.
      const id = docKey(user, collection, key);
      const size = this.#sizes.get(id) ?? jsonBytes(doc.value);
      this.#sizes.set(id, size);
      this.bytesWritten += size;
    }
    // Sets make both operations O(n + m); the order of first insertion is kept.
    const next = add ? [...new Set([...(current as SetElement[]), ...values])] : without(current as SetElement[], new Set(values));
    if (doc && next.length === current.length && next.every((x, i) => x === current[i])) return doc.rev;
    if (next.length > this.limits.setSize) {
      throw new LimitExceeded('set-too-large', `Field '${field}' of ${collection}/${key} would hold ${next.length} elements; this server's limit is ${this.limits.setSize} (--max-set).`);
    }
    return this.write(user, collection, key, { ...(doc?.value ?? {}), [field]: next }, true);
  }
}

/** A document's key in this transaction's in-memory maps (reads, sizes). */
const docKey = (user: string, collection: string, key: string) => JSON.stringify([user, collection, key]);

// Handlers' users, collections and keys often come from a client's args, unchecked; past the
// longest a client can send (MAX_NAME_LENGTH), no client could ever push to them. PostgreSQL
// text cannot hold U+0000, and a name too long for its index fails the write ("index row size
// exceeds maximum"): either was a storage error (503, and the client retried the push forever)
// where SQLite applied it. Refused on every backend, as a final answer: the mutation is rejected.
function checkNames(user: string, collection: string, key: string | undefined): void {
  // The common case allocates nothing: every push's reads and writes come through here.
  const problem = nameProblem('user', user) ?? nameProblem('collection', collection) ?? (key === undefined ? undefined : nameProblem('key', key));
  if (problem) throw new MutationRejected('invalid-key', `${problem} Check names a handler takes from a mutation's args before passing them to ctx.docs or ctx.forUser().`);
}

function without(list: SetElement[], remove: ReadonlySet<SetElement>): SetElement[] {
  return list.filter((x) => !remove.has(x));
}
