// Transactions on a connection reserved before BEGIN is sent. postgres.js 3.4's own `sql.begin`
// reserves its connection only once BEGIN is written, and skips that when BEGIN is the query
// that fills the connection's pipeline or meets a full socket buffer (porsager/postgres #823,
// #1189): the call fails with UNSAFE_TRANSACTION while the server's transaction stays open on a
// connection back in the pool, where other requests' queries then run inside it, uncommitted.
// The stub's backend bench met it once (50 clients, a pool of 10, 2026-12-06).
import postgres, { type ReservedSql, type Sql } from 'postgres';

/** A COMMIT (or a statement that is its own transaction) whose connection failed before its answer: it may have committed. */
export class CommitOutcomeUnknown extends Error {
  constructor(cause: unknown) {
    super(`the connection failed before PostgreSQL's answer arrived, so whether it committed is unknown (${(cause as Error)?.message ?? String(cause)})`, { cause });
  }
}

// Failures to connect: nothing was sent on the connection, so nothing can have committed.
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'CONNECT_TIMEOUT']);

/**
 * True when a statement that commits (COMMIT, or one outside a transaction) failed without
 * PostgreSQL's answer: the connection dropped after it was sent, so it may have committed.
 */
export function outcomeUnknown(err: unknown): boolean {
  return !(err instanceof postgres.PostgresError) && !NOT_SENT.has((err as { code?: string } | null)?.code ?? '');
}

/** A connection of the pool, reserved for one transaction. */
export type TxSql = ReservedSql<Record<string, never>>;

/**
 * Runs `fn` between `BEGIN <mode>` and COMMIT on a connection no other query shares, and rolls
 * back when it throws. A statement nobody awaited that failed makes COMMIT answer ROLLBACK without
 * an error: the caller checks for such failures itself (PgTx.deferredError).
 */
export async function inTransaction<T>(db: Sql<Record<string, never>>, mode: string, fn: (sql: TxSql) => Promise<T>): Promise<T> {
  const sql = await db.reserve();
  try {
    await sql.unsafe(`BEGIN ${mode}`);
    let result: T;
    try {
      result = await fn(sql);
    } catch (err) {
      await sql.unsafe('ROLLBACK').catch(() => undefined);
      throw err;
    }
    try {
      await sql.unsafe('COMMIT');
    } catch (err) {
      // PostgreSQL's own answer (an error with its SQLSTATE) means it did not commit; a connection
      // that failed after COMMIT was sent leaves it unknown: it may have committed.
      throw outcomeUnknown(err) ? new CommitOutcomeUnknown(err) : err;
    }
    return result;
  } finally {
    sql.release();
  }
}
