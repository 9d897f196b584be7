// The PostgreSQL storage: any number of stateless server nodes on one database. Each push locks its
// user's change-order row first, so one user's pushes commit in cursor order; pulls read one
// REPEATABLE READ snapshot; serialization failures and deadlocks are retried; every failure of the
// database (down, restarting, unreachable) becomes StorageUnavailable (503, retried by clients).
import { createHash } from 'node:crypto';
import postgres, { type Sql } from 'postgres';
import type { DocumentValue } from '../../runtime/protocol/index.js';
import { CLIENT_OWNER_GUARD, migrate } from './postgres-schema.js';
import { PgListener } from './postgres-listen.js';
import { guardDriver } from './postgres-guard.js';
import { CommitOutcomeUnknown, inTransaction, outcomeUnknown, type TxSql } from './postgres-begin.js';
import { PushBatcher, type BatchArgs } from './postgres-batch.js';
import { pageEnd } from './pull-page.js';
import { EXPIRED_SESSIONS_PER_LOGIN, StorageUnavailable, type PlainWrite, type PullSnapshot, type PushOutcome, type SessionRow, type Storage, type StorageTx, type StoredDocument } from './types.js';

/** Options of {@link PostgresStorage.open}. */
export interface PostgresOptions {
  /** `postgres://user:password@host:port/database`. */
  url: string;
  /** Most connections this node opens for queries (one more listens for pokes). Default 10. */
  poolSize?: number;
  /** Most group-commit calls of pushes in flight at once (each holds a connection). Default: a quarter of the pool, 1 to 4. */
  pushCalls?: number;
}

// PostgreSQL's longest name (NAMEDATALEN - 1), a channel's too.
const MAX_CHANNEL_BYTES = 63;

/**
 * The channel commits NOTIFY on, with the changed user's name as payload: `outpost_changes` plus
 * the schema, so data stores in different schemas of one database do not poke each other.
 */
function changesChannel(schema: string): string {
  if (schema === 'public') return 'outpost_changes';
  const channel = `outpost_changes.${schema}`;
  // A channel is a name: LISTEN cuts a longer one to 63 bytes and pg_notify refuses it, so no poke
  // would ever arrive. A schema name too long for that goes by its hash instead.
  return Buffer.byteLength(channel) <= MAX_CHANNEL_BYTES ? channel : `outpost_changes.${createHash('sha256').update(schema).digest('hex').slice(0, 40)}`;
}

// pg_advisory_xact_lock's first key for seeds (the second is the seed name's hash): "outp" in ASCII.
const SEED_LOCK = 0x6f757470;

// Conflicts between concurrent transactions: running the transaction again resolves them.
const RETRYABLE = new Set(['40001', '40P01']);
const MAX_ATTEMPTS = 20;

type Db = Sql<Record<string, never>>;

interface DocRow {
  collection: string;
  key: string;
  rev: string;
  seq: string;
  deleted: boolean;
  value: string | null;
}

/** The key of a document in a transaction's rev map. */
function docId(user: string, collection: string, key: string): string {
  return JSON.stringify([user, collection, key]);
}

function codeOf(err: unknown): string | undefined {
  const cause = err instanceof StorageUnavailable ? err.cause : err;
  return (cause as { code?: string } | undefined)?.code;
}

async function io<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof StorageUnavailable) throw err;
    throw new StorageUnavailable(`PostgreSQL ${what}`, err);
  }
}

/** PostgreSQL storage. Create with {@link PostgresStorage.open}. */
export class PostgresStorage implements Storage {
  readonly kind = 'postgres';
  readonly epoch: string;
  #sql: Db;
  readonly #listener: PgListener;
  readonly #unguard: () => void;
  readonly #channel: string;
  readonly #pending = new Set<string>();
  readonly #batcher: PushBatcher;

  private constructor(connect: () => Db, sql: Db, epoch: string, listener: PgListener, channel: string, pushCalls: number) {
    this.#channel = channel;
    this.#sql = sql;
    this.epoch = epoch;
    this.#listener = listener;
    // A few calls in flight, so pushes arriving meanwhile gather into the next batch; a batch of
    // at most 32 keeps its subtransactions within the 64 PostgreSQL caches per transaction.
    this.#batcher = new PushBatcher({ maxCalls: pushCalls, maxBatch: 32, send: (args) => this.#sendBatch(args), committed: (users) => this.#notify(users) });
    this.#unguard = guardDriver(() => {
      // A connection of the pool may be wedged by the driver bug: start a fresh pool; queries still
      // on the old one fail (503, retried by clients) instead of hanging.
      const old = this.#sql;
      this.#sql = connect();
      void old.end({ timeout: 0 }).catch(() => undefined);
      this.#listener.recycle();
    });
  }

  /** Connects, migrates the schema (once across nodes starting together) and starts listening for pokes. */
  static async open(options: PostgresOptions): Promise<PostgresStorage> {
    const connect = (): Db => postgres(options.url, { onnotice: () => undefined, connect_timeout: 10, max: options.poolSize ?? 10 });
    const sql = connect();
    try {
      const epoch = await migrate(sql);
      const [{ schema }] = await sql<Array<{ schema: string }>>`SELECT current_schema() AS schema`;
      const channel = changesChannel(schema);
      const listener = await PgListener.start(options.url, channel);
      return new PostgresStorage(connect, sql, epoch, listener, channel, options.pushCalls ?? Math.max(1, Math.min(4, Math.floor((options.poolSize ?? 10) / 4))));
    } catch (err) {
      await sql.end({ timeout: 1 });
      throw new Error(`Could not open the PostgreSQL database: ${(err as Error).message}. Check --db / DATABASE_URL and that the server is running (e.g. pg_ctlcluster 15 main start).`, { cause: err });
    }
  }

  async transaction<T>(fn: (tx: StorageTx) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      let fnError: unknown;
      let changed = new Set<string>();
      try {
        let tx: PgTx | undefined;
        const result = await inTransaction(this.#sql, '', async (sql) => {
          tx = new PgTx(sql);
          let value: T;
          try {
            value = await fn(tx);
          } catch (err) {
            fnError = err;
            throw err;
          } finally {
            tx.ended = true;
          }
          changed = tx.changed;
          return value;
        });
        // Writes whose answer nobody waited for went out in the same pipeline as COMMIT. If one of
        // them failed, PostgreSQL ended the transaction with a rollback (COMMIT answers ROLLBACK,
        // without an error): nothing was applied, so this attempt failed.
        if (tx?.deferredError) throw tx.deferredError;
        this.#notify(changed);
        return result;
      } catch (err) {
        if (RETRYABLE.has(codeOf(err) ?? '') && attempt < MAX_ATTEMPTS) {
          await new Promise((r) => setTimeout(r, Math.random() * 5 * attempt));
          continue;
        }
        if (err === fnError || err instanceof StorageUnavailable) throw err;
        throw new StorageUnavailable('PostgreSQL transaction', err, err instanceof CommitOutcomeUnknown);
      }
    }
  }

  /**
   * Group commit (`postgres-batch.ts`): this push joins the pushes gathered while earlier calls are
   * in flight, sent as one `SELECT outpost_push_batch(…)` (migration 4) — one statement, its own
   * transaction, so one round trip and one commit for the whole batch. Each push inside runs in a
   * subtransaction of its own (migration 5): it locks its user's change order first (checking
   * `session` there, if given), checks every write and the client, and writes only if all of it
   * applies — `outpost_push_writes`'s checks — recording `outcomes` in the client's row (migration 6).
   */
  applyWrites(user: string, clientId: string, firstId: number, lastId: number, writes: readonly PlainWrite[], now: number, session?: string, outcomes?: string): Promise<PushOutcome> {
    return this.#batcher.push({ user, clientId, firstId, lastId, writes, now, session: session ?? null, outcomes });
  }

  /** Pushes this node sent to the database in batches so far, and how many calls carried them. */
  get batchCalls(): number {
    return this.#batcher.sent;
  }

  async #sendBatch(args: BatchArgs): Promise<string> {
    const [nows, owners, tokens, clients, firstIds, lastIds, counts, collections, keys, baseRevs, values, outcomes] = args;
    for (let attempt = 1; ; attempt++) {
      try {
        const [row] = await this.#sql<Array<{ outcomes: string }>>`
          SELECT outpost_push_batch(${nows}::bigint[], ${owners}::text[], ${tokens}::text[], ${clients}::text[], ${firstIds}::bigint[], ${lastIds}::bigint[],
            ${counts}::int[], ${collections}::text[], ${keys}::text[], ${baseRevs}::bigint[], ${values}::text[], ${outcomes}::text[]) AS outcomes`;
        return row!.outcomes;
      } catch (err) {
        // Nothing of the batch committed: a conflict with another transaction is retried whole.
        if (RETRYABLE.has(codeOf(err) ?? '') && attempt < MAX_ATTEMPTS) {
          await new Promise((r) => setTimeout(r, Math.random() * 5 * attempt));
          continue;
        }
        // The call is its own transaction: a connection lost before its answer may have committed it.
        throw new StorageUnavailable('PostgreSQL push', err, outcomeUnknown(err));
      }
    }
  }

  /**
   * Tells every node (their LISTEN connections) whose data changed, after the commit and coalesced
   * per turn of the event loop. Not inside the push transaction: NOTIFY takes a database-wide lock
   * at commit, which would make every push's commit (and fsync) wait for the previous one. If this
   * node dies between commit and NOTIFY, other nodes' streams miss that poke; clients still sync on
   * their own schedule, and a node whose database connection dropped pokes all its streams.
   */
  #notify(users: Set<string>): void {
    if (users.size === 0) return;
    const first = this.#pending.size === 0;
    for (const user of users) this.#pending.add(user);
    if (!first) return;
    setImmediate(() => {
      const batch = [...this.#pending];
      this.#pending.clear();
      // One row back (a count), not one per user: the answer is only parsed, never used.
      this.#sql`SELECT count(pg_notify(${this.#channel}, u)) FROM unnest(${batch}::text[]) AS u`.catch(() => undefined);
    });
  }

  pull(user: string, afterSeq: number, limit: number, maxBytes: number): Promise<PullSnapshot> {
    return io('pull', () =>
      inTransaction(this.#sql, 'ISOLATION LEVEL REPEATABLE READ READ ONLY', async (sql) => {
        const [pos] = await sql<Array<{ seq: string; compacted_seq: string }>>`SELECT seq, compacted_seq FROM outpost_user_log WHERE owner = ${user}`;
        // Sizes first (no values leave the database), then exactly the rows of the page, in this snapshot.
        const sizes = await sql<Array<{ collection: string; key: string; rev: string; seq: string; value_bytes: number | null }>>`
          SELECT collection, key, rev, seq, octet_length(value) AS value_bytes FROM outpost_documents WHERE owner = ${user} AND seq > ${afterSeq} ORDER BY seq LIMIT ${limit + 1}`;
        const { count, more } = pageEnd(sizes.map((r) => ({ collection: r.collection, key: r.key, rev: Number(r.rev), valueBytes: r.value_bytes })), limit, maxBytes);
        const rows = count
          ? await sql<DocRow[]>`SELECT collection, key, rev, seq, deleted, value FROM outpost_documents WHERE owner = ${user} AND seq > ${afterSeq} AND seq <= ${sizes[count - 1]!.seq} ORDER BY seq`
          : [];
        const clients = await sql<Array<{ client_id: string; last_mutation_id: string }>>`SELECT client_id, last_mutation_id FROM outpost_clients WHERE owner = ${user}`;
        const lastMutationIds: Record<string, number> = {};
        for (const c of clients) lastMutationIds[c.client_id] = Number(c.last_mutation_id);
        return {
          seq: Number(pos?.seq ?? 0),
          compactedSeq: Number(pos?.compacted_seq ?? 0),
          changes: rows.map((r) => ({
            seq: Number(r.seq),
            change: r.deleted
              ? { collection: r.collection, key: r.key, rev: Number(r.rev), deleted: true as const }
              : { collection: r.collection, key: r.key, rev: Number(r.rev), value: JSON.parse(r.value!) as DocumentValue },
          })),
          more,
          lastMutationIds,
        };
      }),
    );
  }

  position(user: string): Promise<{ seq: number; compactedSeq: number }> {
    return io('read', async () => {
      const [row] = await this.#sql<Array<{ seq: string; compacted_seq: string }>>`SELECT seq, compacted_seq FROM outpost_user_log WHERE owner = ${user}`;
      return { seq: Number(row?.seq ?? 0), compactedSeq: Number(row?.compacted_seq ?? 0) };
    });
  }

  async compact(user: string, cutoff: number): Promise<void> {
    // A read first: most pulls find nothing to compact and need no write.
    const found = await io('read', () => this.#sql`SELECT 1 FROM outpost_documents WHERE owner = ${user} AND deleted AND changed_at <= ${cutoff} LIMIT 1`);
    if (found.length === 0) return;
    await this.transaction(async (tx) => {
      await tx.lockUser(user);
      await (tx as PgTx).compact(user, cutoff);
    });
  }

  async createSession(tokenHash: string, user: string, expiresAt: number, now: number, maxPerUser: number): Promise<void> {
    // One statement, one round trip. Its DELETEs see the table as before the INSERT: the user keeps
    // the newest maxPerUser - 1 sessions besides the new one. Expired rows another node is deleting
    // at the same time are skipped, not waited for.
    await io(
      'write',
      () => this.#sql`WITH added AS (
          INSERT INTO outpost_sessions (token_hash, owner, created_at, expires_at) VALUES (${tokenHash}, ${user}, ${Date.now()}, ${expiresAt})
        ), expired AS (
          DELETE FROM outpost_sessions WHERE token_hash IN (
            SELECT token_hash FROM outpost_sessions WHERE expires_at <= ${now} LIMIT ${EXPIRED_SESSIONS_PER_LOGIN} FOR UPDATE SKIP LOCKED)
        )
        DELETE FROM outpost_sessions WHERE owner = ${user} AND token_hash NOT IN (
          SELECT token_hash FROM outpost_sessions WHERE owner = ${user} ORDER BY expires_at DESC, created_at DESC LIMIT ${maxPerUser - 1})`,
    );
  }

  findSession(tokenHash: string, now: number): Promise<SessionRow | undefined> {
    return io('read', async () => {
      const [row] = await this.#sql<Array<{ owner: string; expires_at: string }>>`SELECT owner, expires_at FROM outpost_sessions WHERE token_hash = ${tokenHash} AND expires_at > ${now}`;
      return row && { user: row.owner, expiresAt: Number(row.expires_at) };
    });
  }

  liveSessions(tokenHashes: readonly string[], now: number): Promise<Set<string>> {
    return io('read', async () => {
      const live = new Set<string>();
      // In slices: one statement's array stays small however many streams a node holds.
      for (let from = 0; from < tokenHashes.length; from += 1000) {
        const rows = await this.#sql<Array<{ token_hash: string }>>`SELECT token_hash FROM outpost_sessions WHERE token_hash = ANY(${tokenHashes.slice(from, from + 1000) as string[]}::text[]) AND expires_at > ${now}`;
        for (const row of rows) live.add(row.token_hash);
      }
      return live;
    });
  }

  async extendSession(tokenHash: string, expiresAt: number): Promise<void> {
    await io('write', () => this.#sql`UPDATE outpost_sessions SET expires_at = ${expiresAt} WHERE token_hash = ${tokenHash}`);
  }

  revokeSession(tokenHash: string): Promise<boolean> {
    return io('write', async () => (await this.#sql`DELETE FROM outpost_sessions WHERE token_hash = ${tokenHash}`).count > 0);
  }

  watch(listener: (user: string | undefined) => void): void {
    this.#listener.add(listener);
  }

  async close(): Promise<void> {
    this.#unguard();
    await this.#listener.close();
    await this.#sql.end({ timeout: 5 });
  }
}

/**
 * One push's transaction on one connection. Round trips are what a push waits for (and what it
 * holds its user's row lock across), so statements whose answer the push does not need (the lock,
 * writes whose rev is already known, the client's mutation id, savepoints) are not awaited: they
 * go out pipelined ahead of the next statement that is, PostgreSQL runs them in order, and the
 * first failure among them fails the transaction (see {@link PgTx.deferredError}). A one-put push
 * takes three round trips: BEGIN; lock + client + document read; write + client + COMMIT.
 */
class PgTx implements StorageTx {
  readonly changed = new Set<string>();
  ended = false;
  /** The first failure of a statement nobody awaited; the transaction cannot commit after it. */
  deferredError: unknown;
  readonly #sql: TxSql;
  readonly #locked = new Set<string>();
  // Current revs of documents read or written in this transaction under their user's lock (0: no
  // row). Nobody else can change them before commit, so a write's new rev is known without asking.
  #revs = new Map<string, number>();
  #savepoints = 0;

  constructor(sql: TxSql) {
    this.#sql = sql;
  }

  #io<T>(what: string, fn: () => Promise<T>): Promise<T> {
    if (this.ended) return Promise.reject(new StorageUnavailable(`PostgreSQL ${what}`, new Error('the transaction already ended (a handler kept running after its push finished)')));
    // A statement after a failed unawaited one only says "current transaction is aborted" (25P02):
    // report the failure itself, so deadlocks and serialization failures are retried.
    return io(what, () => fn().catch((err: unknown) => Promise.reject(codeOf(err) === '25P02' && this.deferredError ? this.deferredError : err)));
  }

  /** Sends `query` now without waiting for its answer; a failure is kept for commit time. */
  #defer(what: string, query: () => PromiseLike<unknown> & { catch(fn: (err: unknown) => void): unknown }): void {
    if (this.ended) throw new StorageUnavailable(`PostgreSQL ${what}`, new Error('the transaction already ended (a handler kept running after its push finished)'));
    query().catch((err: unknown) => {
      this.deferredError ??= err;
    });
  }

  async lockUser(user: string): Promise<void> {
    if (this.#locked.has(user)) return;
    // The row lock is held to commit: the user's later pushes wait here and then see this one's
    // writes. Not awaited: every later statement of this transaction runs after it anyway.
    this.#defer('lock', () => this.#sql`INSERT INTO outpost_user_log (owner, seq) VALUES (${user}, 0) ON CONFLICT (owner) DO UPDATE SET seq = outpost_user_log.seq`);
    this.#locked.add(user);
  }

  async getDoc(user: string, collection: string, key: string): Promise<StoredDocument | undefined> {
    const [row] = await this.#io('read', () => this.#sql<DocRow[]>`SELECT rev, deleted, value FROM outpost_documents WHERE owner = ${user} AND collection = ${collection} AND key = ${key}`);
    if (this.#locked.has(user)) this.#revs.set(docId(user, collection, key), row ? Number(row.rev) : 0);
    if (!row) return undefined;
    return row.deleted ? { rev: Number(row.rev), deleted: true } : { rev: Number(row.rev), value: JSON.parse(row.value!) as DocumentValue };
  }

  async listDocs(user: string, collection: string): Promise<Array<{ key: string; rev: number; value: DocumentValue }>> {
    const rows = await this.#io('read', () => this.#sql<DocRow[]>`SELECT key, rev, value FROM outpost_documents WHERE owner = ${user} AND collection = ${collection} AND NOT deleted ORDER BY key`);
    return rows.map((r) => ({ key: r.key, rev: Number(r.rev), value: JSON.parse(r.value!) as DocumentValue }));
  }

  async writeDoc(user: string, collection: string, key: string, value: DocumentValue | null, now: number, json?: string): Promise<number> {
    await this.lockUser(user);
    const text = value === null ? null : (json ?? JSON.stringify(value));
    const write = () => this.#sql<Array<{ rev: string }>>`
      WITH s AS (UPDATE outpost_user_log SET seq = seq + 1 WHERE owner = ${user} RETURNING seq)
      INSERT INTO outpost_documents (owner, collection, key, rev, seq, deleted, value, changed_at)
      SELECT ${user}, ${collection}, ${key}, 1, s.seq, ${value === null}, ${text}, ${now} FROM s
      ON CONFLICT (owner, collection, key) DO UPDATE SET rev = outpost_documents.rev + 1, seq = excluded.seq, deleted = excluded.deleted, value = excluded.value, changed_at = excluded.changed_at
      RETURNING rev`;
    const id = docId(user, collection, key);
    const known = this.#revs.get(id);
    let rev: number;
    if (known === undefined) {
      const [row] = await this.#io('write', write);
      rev = Number(row!.rev);
    } else {
      this.#defer('write', write);
      rev = known + 1;
    }
    this.#revs.set(id, rev);
    this.changed.add(user);
    return rev;
  }

  async getClient(clientId: string, outcomesFrom?: number): Promise<{ user: string; lastMutationId: number; outcomes?: string } | undefined> {
    const [row] = await this.#io('read', () =>
      this.#sql<Array<{ owner: string; last_mutation_id: string; outcomes: string | null }>>`
        SELECT owner, last_mutation_id, CASE WHEN last_mutation_id >= ${outcomesFrom ?? null} THEN outcomes END AS outcomes FROM outpost_clients WHERE client_id = ${clientId} FOR UPDATE`,
    );
    return row && { user: row.owner, lastMutationId: Number(row.last_mutation_id), outcomes: row.outcomes ?? undefined };
  }

  async setClient(clientId: string, user: string, lastMutationId: number, outcomes?: string): Promise<void> {
    // Usually the last statement before COMMIT: it travels with it. The guard: another user's push
    // may have claimed this new client id since getClient (serialization failure, run again).
    this.#defer(
      'write',
      () =>
        this.#sql`INSERT INTO outpost_clients (client_id, owner, last_mutation_id, outcomes) VALUES (${clientId}, ${user}, ${lastMutationId}, ${outcomes ?? null})
          ON CONFLICT (client_id) DO UPDATE SET last_mutation_id = excluded.last_mutation_id, outcomes = coalesce(excluded.outcomes, outpost_clients.outcomes), ${this.#sql.unsafe(CLIENT_OWNER_GUARD)}`,
    );
  }

  async countClients(user: string): Promise<number> {
    const [row] = await this.#io('read', () => this.#sql<Array<{ n: string }>>`SELECT count(*) AS n FROM outpost_clients WHERE owner = ${user}`);
    return Number(row!.n);
  }

  async seedRan(name: string): Promise<boolean> {
    // The seed's lock first, held to commit: a node starting at the same time with the same seed
    // waits here, then sees it ran. Without it both would run it, and the second's markSeed would
    // fail that node's start. The read is a statement of its own, so it sees the other's commit.
    this.#defer('lock', () => this.#sql`SELECT pg_advisory_xact_lock(${SEED_LOCK}::int, hashtext(${name}))`);
    return (await this.#io('read', () => this.#sql`SELECT 1 FROM outpost_seeds WHERE name = ${name}`)).length > 0;
  }

  async markSeed(name: string, now: number): Promise<void> {
    await this.#io('write', () => this.#sql`INSERT INTO outpost_seeds (name, ran_at) VALUES (${name}, ${now})`);
  }

  async compact(user: string, cutoff: number): Promise<void> {
    await this.#io('compaction', () => this.#sql`
      WITH gone AS (DELETE FROM outpost_documents WHERE owner = ${user} AND deleted AND changed_at <= ${cutoff} RETURNING seq)
      UPDATE outpost_user_log SET compacted_seq = GREATEST(compacted_seq, (SELECT max(seq) FROM gone)) WHERE owner = ${user} AND EXISTS (SELECT 1 FROM gone)`);
  }

  async savepoint<T>(fn: () => Promise<T>): Promise<T> {
    const name = `p${++this.#savepoints}`;
    this.#defer('savepoint', () => this.#sql.unsafe(`SAVEPOINT ${name}`));
    const changedBefore = new Set(this.changed);
    const lockedBefore = new Set(this.#locked);
    const revsBefore = new Map(this.#revs);
    let value: T;
    try {
      value = await fn();
    } catch (err) {
      this.#defer('rollback', () => this.#sql.unsafe(`ROLLBACK TO SAVEPOINT ${name}`));
      // Row locks taken inside the savepoint are released by the rollback: take them again when needed.
      this.#locked.clear();
      for (const user of lockedBefore) this.#locked.add(user);
      this.changed.clear();
      for (const user of changedBefore) this.changed.add(user);
      this.#revs = revsBefore;
      throw err;
    }
    this.#defer('savepoint release', () => this.#sql.unsafe(`RELEASE SAVEPOINT ${name}`));
    return value;
  }
}
