// The transaction that a push through the SQLite storage's general path (its handlers) writes
// through, and its statements: sqlite.ts runs the batch each such push joins.
import type { DocumentValue } from '../../runtime/protocol/index.js';
import type Database from 'better-sqlite3';
import type { Db } from '../db.js';
import { StorageUnavailable, type StorageTx, type StoredDocument } from './types.js';
import { plainStatements, type PlainStatements } from './sqlite-plain.js';

export interface DocRow {
  collection: string;
  key: string;
  rev: number;
  seq: number;
  deleted: number;
  value: string | null;
}

/** Runs a synchronous SQLite call, turning its failures (I/O, disk full, busy) into {@link StorageUnavailable}. */
export function io<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof StorageUnavailable) throw err;
    throw new StorageUnavailable(`SQLite ${what}`, err);
  }
}

type Statement<P extends unknown[], R = unknown> = Database.Statement<P, R>;

/** The statements a {@link SqliteTx} runs beside the plain ones. */
export interface TxStatements extends PlainStatements {
  getDoc: Statement<[string, string, string], DocRow>;
  listDocs: Statement<[string, string], { key: string; rev: number; value: string }>;
  write: Statement<[{ user: string; collection: string; key: string; seq: number; deleted: number; value: string | null; now: number }], { rev: number }>;
  clientWithOutcomes: Statement<[number | null, string], { user: string; last_mutation_id: number; outcomes: string | null }>;
  countClients: Statement<[string], { n: number }>;
  seedRan: Statement<[string]>;
  markSeed: Statement<[string, number]>;
}

/** Prepares the statements a {@link SqliteTx} runs (with the plain ones). */
export function txStatements(db: Db): TxStatements {
  return {
    ...plainStatements(db),
    getDoc: db.prepare('SELECT collection, key, rev, seq, deleted, value FROM documents WHERE user = ? AND collection = ? AND key = ?'),
    listDocs: db.prepare('SELECT key, rev, value FROM documents WHERE user = ? AND collection = ? AND deleted = 0 ORDER BY key'),
    write: db.prepare(
      `INSERT INTO documents (user, collection, key, rev, seq, deleted, value, changed_at) VALUES (@user, @collection, @key, 1, @seq, @deleted, @value, @now)
       ON CONFLICT (user, collection, key) DO UPDATE SET rev = rev + 1, seq = @seq, deleted = @deleted, value = @value, changed_at = @now RETURNING rev`,
    ),
    clientWithOutcomes: db.prepare('SELECT user, last_mutation_id, CASE WHEN last_mutation_id >= ? THEN outcomes END AS outcomes FROM clients WHERE client_id = ?'),
    countClients: db.prepare('SELECT count(*) AS n FROM clients WHERE user = ?'),
    seedRan: db.prepare('SELECT 1 FROM seeds WHERE name = ?'),
    markSeed: db.prepare('INSERT INTO seeds (name, ran_at) VALUES (?, ?)'),
  };
}

/** Undoes the savepoint a failed job or push opened, and releases it. */
export function rollBack(s: Pick<PlainStatements, 'rollbackTo' | 'release'>): void {
  io('rollback', () => {
    s.rollbackTo.run();
    s.release.run();
  });
}

/** One push's view of the open transaction (the general path, with its handlers): each call runs at once. */
export class SqliteTx implements StorageTx {
  readonly changed = new Set<string>();
  ended = false;
  readonly #db: Db;
  readonly #s: TxStatements;

  constructor(db: Db, s: TxStatements) {
    this.#db = db;
    this.#s = s;
  }

  #io<T>(what: string, fn: () => T): T {
    // A handler still running after its push failed must not write into the next push's savepoint.
    if (this.ended) throw new StorageUnavailable(`SQLite ${what}`, new Error('the transaction already ended (a handler kept running after its push finished)'));
    return io(what, fn);
  }

  async lockUser(): Promise<void> {
    // One writer connection: a transaction already excludes every other.
  }

  async getDoc(user: string, collection: string, key: string): Promise<StoredDocument | undefined> {
    const row = this.#io('read', () => this.#s.getDoc.get(user, collection, key));
    if (!row) return undefined;
    return row.deleted ? { rev: row.rev, deleted: true } : { rev: row.rev, value: JSON.parse(row.value!) as DocumentValue };
  }

  async listDocs(user: string, collection: string): Promise<Array<{ key: string; rev: number; value: DocumentValue }>> {
    return this.#io('read', () => this.#s.listDocs.all(user, collection)).map((r) => ({ key: r.key, rev: r.rev, value: JSON.parse(r.value) as DocumentValue }));
  }

  async writeDoc(user: string, collection: string, key: string, value: DocumentValue | null, now: number, json?: string): Promise<number> {
    return this.#io('write', () => {
      const { seq } = this.#s.bump.get(user)!;
      const { rev } = this.#s.write.get({ user, collection, key, seq, deleted: value === null ? 1 : 0, value: value === null ? null : (json ?? JSON.stringify(value)), now })!;
      this.changed.add(user);
      return rev;
    });
  }

  async getClient(clientId: string, outcomesFrom?: number): Promise<{ user: string; lastMutationId: number; outcomes?: string } | undefined> {
    const row = this.#io('read', () => this.#s.clientWithOutcomes.get(outcomesFrom ?? null, clientId));
    return row && { user: row.user, lastMutationId: row.last_mutation_id, outcomes: row.outcomes ?? undefined };
  }

  async setClient(clientId: string, user: string, lastMutationId: number, outcomes?: string): Promise<void> {
    this.#io('write', () => this.#s.setClient.run(clientId, user, lastMutationId, outcomes ?? null));
  }

  async countClients(user: string): Promise<number> {
    return this.#io('read', () => this.#s.countClients.get(user)!.n);
  }

  async seedRan(name: string): Promise<boolean> {
    return this.#io('read', () => this.#s.seedRan.get(name) !== undefined);
  }

  async markSeed(name: string, now: number): Promise<void> {
    this.#io('write', () => this.#s.markSeed.run(name, now));
  }

  async savepoint<T>(fn: () => Promise<T>): Promise<T> {
    this.#io('savepoint', () => this.#s.savepoint.run());
    const changedBefore = new Set(this.changed);
    let value: T;
    try {
      value = await fn();
    } catch (err) {
      if (this.#db.inTransaction) {
        this.#io('rollback', () => rollBack(this.#s));
        this.changed.clear();
        for (const user of changedBefore) this.changed.add(user);
      }
      throw err;
    }
    this.#io('savepoint release', () => this.#s.release.run());
    return value;
  }
}
