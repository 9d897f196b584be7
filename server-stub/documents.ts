// Reads and writes documents and the per-user change order. Every write bumps the user's sequence
// number and stamps it on the document, so "changes after cursor N" is one indexed range scan and a
// document changed twice appears once, with its latest state.
import type { Change, CurrentDocument, DocumentValue, SetElement } from '../runtime/protocol/index.js';
import type { Db } from './db.js';

/** A document as stored: live (`value`) or a tombstone (`deleted`). */
export type StoredDocument = CurrentDocument;

interface Row {
  rev: number;
  seq: number;
  deleted: number;
  value: string | null;
}

/**
 * A user's documents, as seen by server code (custom mutation handlers and seeds). Writes are
 * unconditional (no baseRev) and happen inside the surrounding transaction.
 */
export interface UserDocuments {
  /** Whose documents these are. */
  readonly user: string;
  /** The document, its tombstone, or undefined if it never existed (or its tombstone was compacted). */
  get(collection: string, key: string): StoredDocument | undefined;
  /** Every live document of a collection, by key. */
  list(collection: string): Array<{ key: string; rev: number; value: DocumentValue }>;
  /** Creates or replaces a document; returns its new rev. */
  put(collection: string, key: string, value: DocumentValue): number;
  /** Sets top-level fields (creating the document if missing or deleted); returns its new rev. */
  patch(collection: string, key: string, patch: DocumentValue): number;
  /** Deletes a document (leaving a tombstone); returns the tombstone's rev, or 0 if there was nothing to delete. */
  delete(collection: string, key: string): number;
  /** Adds elements to an array field used as a set; returns the document's rev. */
  addToSet(collection: string, key: string, field: string, values: SetElement[]): number;
  /** Removes elements from an array field used as a set; returns the document's rev. */
  removeFromSet(collection: string, key: string, field: string, values: SetElement[]): number;
}

/** Thrown by set operations when the field holds something other than an array. */
export class NotASetError extends Error {
  constructor(collection: string, key: string, field: string) {
    super(`Field '${field}' of ${collection}/${key} is not an array, so it cannot be used as a set. Use put/patch to make it an array first.`);
  }
}

/** Data access for one database; `changedUsers` collects whose data a transaction touched (for pokes). */
export class Documents {
  readonly changedUsers = new Set<string>();
  readonly #db: Db;
  readonly #get;
  readonly #list;
  readonly #bump;
  readonly #write;
  readonly #seq;

  constructor(db: Db, now: () => number = Date.now) {
    this.#db = db;
    this.now = now;
    this.#get = db.prepare<[string, string, string], Row>('SELECT rev, seq, deleted, value FROM documents WHERE user = ? AND collection = ? AND key = ?');
    this.#list = db.prepare<[string, string], { key: string; rev: number; value: string }>(
      'SELECT key, rev, value FROM documents WHERE user = ? AND collection = ? AND deleted = 0 ORDER BY key',
    );
    this.#bump = db.prepare<[string], { seq: number }>(
      'INSERT INTO user_log (user, seq) VALUES (?, 1) ON CONFLICT (user) DO UPDATE SET seq = seq + 1 RETURNING seq',
    );
    this.#write = db.prepare(
      `INSERT INTO documents (user, collection, key, rev, seq, deleted, value, changed_at) VALUES (@user, @collection, @key, @rev, @seq, @deleted, @value, @now)
       ON CONFLICT (user, collection, key) DO UPDATE SET rev = @rev, seq = @seq, deleted = @deleted, value = @value, changed_at = @now`,
    );
    this.#seq = db.prepare<[string], { seq: number; compacted_seq: number }>('SELECT seq, compacted_seq FROM user_log WHERE user = ?');
  }

  readonly now: () => number;

  /** Current state of a document, or undefined if it does not exist (never written, or compacted). */
  get(user: string, collection: string, key: string): StoredDocument | undefined {
    const row = this.#get.get(user, collection, key);
    if (!row) return undefined;
    return row.deleted ? { rev: row.rev, deleted: true } : { rev: row.rev, value: JSON.parse(row.value!) as DocumentValue };
  }

  /** Writes a new state for a document, bumping its rev and the user's sequence; returns the new rev. */
  write(user: string, collection: string, key: string, value: DocumentValue | null): number {
    const rev = (this.#get.get(user, collection, key)?.rev ?? 0) + 1;
    const { seq } = this.#bump.get(user)!;
    this.#write.run({ user, collection, key, rev, seq, deleted: value === null ? 1 : 0, value: value === null ? null : JSON.stringify(value), now: this.now() });
    this.changedUsers.add(user);
    return rev;
  }

  /** The user's newest sequence number and the highest one lost to tombstone compaction. */
  position(user: string): { seq: number; compactedSeq: number } {
    const row = this.#seq.get(user);
    return { seq: row?.seq ?? 0, compactedSeq: row?.compacted_seq ?? 0 };
  }

  /** Up to `limit` changes after `afterSeq`, oldest first, each with its seq. */
  changesAfter(user: string, afterSeq: number, limit: number): Array<{ seq: number; change: Change }> {
    const rows = this.#db
      .prepare<[string, number, number], Row & { collection: string; key: string }>(
        'SELECT collection, key, rev, seq, deleted, value FROM documents WHERE user = ? AND seq > ? ORDER BY seq LIMIT ?',
      )
      .all(user, afterSeq, limit);
    return rows.map((r) => ({
      seq: r.seq,
      change: r.deleted
        ? { collection: r.collection, key: r.key, rev: r.rev, deleted: true }
        : { collection: r.collection, key: r.key, rev: r.rev, value: JSON.parse(r.value!) as DocumentValue },
    }));
  }

  /** Server-side document API for one user (handlers and seeds). */
  forUser(user: string): UserDocuments {
    return {
      user,
      get: (collection, key) => this.get(user, collection, key),
      list: (collection) => this.#list.all(user, collection).map((r) => ({ key: r.key, rev: r.rev, value: JSON.parse(r.value) as DocumentValue })),
      put: (collection, key, value) => this.write(user, collection, key, value),
      patch: (collection, key, patch) => {
        const doc = this.get(user, collection, key);
        const base = doc && 'value' in doc ? doc.value : {};
        return this.write(user, collection, key, { ...base, ...patch });
      },
      delete: (collection, key) => {
        const doc = this.get(user, collection, key);
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
  setOp(user: string, collection: string, key: string, field: string, values: SetElement[], add: boolean): number {
    const doc = this.get(user, collection, key);
    if (doc && 'deleted' in doc) return doc.rev;
    if (!doc) return add ? this.write(user, collection, key, { [field]: [...new Set(values)] }) : 0;
    const current = doc.value[field] ?? [];
    if (!Array.isArray(current)) throw new NotASetError(collection, key, field);
    const next = add ? [...new Set([...current, ...values])] : current.filter((x) => !values.includes(x as SetElement));
    if (next.length === current.length && next.every((x, i) => x === current[i])) return doc.rev;
    return this.write(user, collection, key, { ...doc.value, [field]: next });
  }

  /**
   * Removes the user's tombstones older than `retentionMs` and remembers the highest seq removed:
   * cursors before it can no longer see those deletes, so they must expire (410).
   */
  compact(user: string, retentionMs: number): void {
    if (!Number.isFinite(retentionMs)) return;
    const cutoff = this.now() - retentionMs;
    const row = this.#db
      .prepare<[string, number], { maxSeq: number | null }>('SELECT max(seq) AS maxSeq FROM documents WHERE user = ? AND deleted = 1 AND changed_at <= ?')
      .get(user, cutoff);
    if (row?.maxSeq == null) return;
    const maxSeq = row.maxSeq;
    this.#db.transaction(() => {
      this.#db.prepare('DELETE FROM documents WHERE user = ? AND deleted = 1 AND changed_at <= ? AND seq <= ?').run(user, cutoff, maxSeq);
      this.#db.prepare('UPDATE user_log SET compacted_seq = max(compacted_seq, ?) WHERE user = ?').run(maxSeq, user);
    })();
  }
}
