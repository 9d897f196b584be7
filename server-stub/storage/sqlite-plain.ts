// A push of plain writes (Storage.applyWrites) as SQLite statements, and the messages of the writer
// thread that runs them (sqlite-writer.ts). Shared by the storage's own connection, which runs them
// when the thread is not there (in memory, starting, restarting), and the thread's connection.
import type Database from 'better-sqlite3';
import type { Db } from '../db.js';
import type { SessionCache } from './session-cache.js';
import type { PushOfWrites, PushOutcome } from './types.js';

/** One push of {@link Storage.applyWrites}, as plain data (it crosses to the writer thread). */
export interface PlainPush extends PushOfWrites {
  /** A token hash whose session must exist for `user` in the push's transaction. */
  session?: string;
}

/** Thrown by a plain push that would not apply as sent (its savepoint is rolled back), with the answer. */
export class Refused {
  constructor(readonly outcome: 'declined' | 'unauthorized') {}
}
const DECLINED = new Refused('declined');
const UNAUTHORIZED = new Refused('unauthorized');

type Statement<P extends unknown[], R = unknown> = Database.Statement<P, R>;

/** The prepared statements {@link applyPlain} and a batch around it run. */
export interface PlainStatements {
  bump: Statement<[string], { seq: number }>;
  insertNew: Statement<[string, string, string, number, string, number]>;
  putAt: Statement<[number, string, number, string, string, string, number]>;
  deleteAt: Statement<[number, number, string, string, string, number]>;
  getClient: Statement<[string], { user: string; last_mutation_id: number }>;
  setClient: Statement<[string, string, number, string | null]>;
  findSession: Statement<[string, number], { user: string; expires_at: number }>;
  savepoint: Statement<[]>;
  release: Statement<[]>;
  rollbackTo: Statement<[]>;
  begin: Statement<[]>;
  commit: Statement<[]>;
  dataVersion: Statement<[], number>;
}

/** Prepares the statements of a plain push and of the batch around it. */
export function plainStatements(db: Db): PlainStatements {
  return {
    bump: db.prepare<[string], { seq: number }>('INSERT INTO user_log (user, seq) VALUES (?, 1) ON CONFLICT (user) DO UPDATE SET seq = seq + 1 RETURNING seq'),
    // A plain write in one statement that applies only at the base rev: a put of a new document
    // inserts unless a row exists, any other write updates the row at its base rev. About half the
    // CPU of a read plus the upsert with RETURNING (~7 against ~13 µs).
    insertNew: db.prepare<[string, string, string, number, string, number]>(
      'INSERT INTO documents (user, collection, key, rev, seq, deleted, value, changed_at) VALUES (?, ?, ?, 1, ?, 0, ?, ?) ON CONFLICT DO NOTHING',
    ),
    putAt: db.prepare<[number, string, number, string, string, string, number]>(
      'UPDATE documents SET rev = rev + 1, seq = ?, deleted = 0, value = ?, changed_at = ? WHERE user = ? AND collection = ? AND key = ? AND rev = ?',
    ),
    deleteAt: db.prepare<[number, number, string, string, string, number]>(
      'UPDATE documents SET rev = rev + 1, seq = ?, deleted = 1, value = NULL, changed_at = ? WHERE user = ? AND collection = ? AND key = ? AND rev = ? AND deleted = 0',
    ),
    getClient: db.prepare<[string], { user: string; last_mutation_id: number }>('SELECT user, last_mutation_id FROM clients WHERE client_id = ?'),
    // A NULL `outcomes` keeps the row's (a push of retries alone, see StorageTx.setClient).
    setClient: db.prepare<[string, string, number, string | null]>(
      'INSERT INTO clients (client_id, user, last_mutation_id, outcomes) VALUES (?, ?, ?, ?) ON CONFLICT (client_id) DO UPDATE SET last_mutation_id = excluded.last_mutation_id, outcomes = coalesce(excluded.outcomes, outcomes)',
    ),
    findSession: db.prepare<[string, number], { user: string; expires_at: number }>('SELECT user, expires_at FROM sessions WHERE token_hash = ? AND expires_at > ?'),
    // One name for every savepoint: they nest strictly, and SQLite releases or rolls back to the
    // innermost of that name. Prepared once instead of parsed per push.
    savepoint: db.prepare('SAVEPOINT job'),
    release: db.prepare('RELEASE job'),
    rollbackTo: db.prepare('ROLLBACK TO job'),
    begin: db.prepare('BEGIN IMMEDIATE'),
    commit: db.prepare('COMMIT'),
    dataVersion: db.prepare<[], number>('PRAGMA data_version').pluck(),
  };
}

/**
 * Applies one plain push inside the caller's savepoint: the session (if given) must exist for the
 * user, the client must be new or the user's with a last mutation id below `firstId`, and each
 * write must apply at its base rev. @throws Refused (roll the savepoint back) when one check fails.
 * @param fill keep a session read here in `sessions`: only where the transaction writes no sessions
 *   (the writer thread's), so what is read is committed state
 */
export function applyPlain(s: PlainStatements, sessions: SessionCache, p: PlainPush, fill = false): void {
  const { user, session, now } = p;
  if (session !== undefined) {
    // The cache answers for committed state less this batch's revocations so far (they drop their
    // entries as they run); a miss reads this transaction, which sees them too.
    let row = sessions.get(session, now);
    if (row === undefined) {
      const read = s.findSession.get(session, now);
      if (read) {
        row = { user: read.user, expiresAt: read.expires_at };
        if (fill) sessions.set(session, row);
      }
    }
    if (row?.user !== user) throw UNAUTHORIZED;
  }
  const client = s.getClient.get(p.clientId);
  if (client && (client.user !== user || client.last_mutation_id >= p.firstId)) throw DECLINED;
  for (const w of p.writes) {
    const { seq } = s.bump.get(user)!;
    const changes =
      w.json === null
        ? s.deleteAt.run(seq, now, user, w.collection, w.key, w.baseRev).changes
        : w.baseRev === 0
          ? s.insertNew.run(user, w.collection, w.key, seq, w.json, now).changes
          : s.putAt.run(seq, w.json, now, user, w.collection, w.key, w.baseRev).changes;
    if (changes !== 1) throw DECLINED;
  }
  s.setClient.run(p.clientId, user, p.lastId, p.outcomes ?? null);
}

/** How the writer thread ends on purpose, for tests of what a crash leaves: before or after a commit. */
export type WriterFault = 'exit-before-commit' | 'exit-after-commit';

/** What the writer thread is started with. */
export interface WriterData {
  file: string;
  autocheckpointPages: number;
  fault?: WriterFault;
}

/** A message to the writer thread. */
export type WriterRequest = { batch: number; pushes: PlainPush[] } | { autocheckpointPages: number } | 'close';

/** One push's result from the writer thread: its outcome, or the SQLite error that failed it. */
export type WriterResult = { outcome: PushOutcome } | { error: string };

/** A batch's results, in the order of its pushes; `committed` once its COMMIT succeeded. */
export interface BatchReply {
  batch: number;
  committed: boolean;
  results: WriterResult[];
}

/** A message from the writer thread: its connection is open, or a batch's results. */
export type WriterReply = 'ready' | BatchReply;
