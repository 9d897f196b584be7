// The SQLite storage (default): better-sqlite3, with group commit. Pushes that
// arrive together run in one transaction, each in its own savepoint (one failing push undoes none of
// the others), and are made durable by one fsync; every reply waits for that commit.
//
// The fsync runs on libuv's thread pool, not in COMMIT: better-sqlite3 is synchronous, and with
// `synchronous = FULL` every commit's fsync stopped the event loop (no request parsed, no reply
// sent) for the disk's flush time. Here SQLite commits with `synchronous = NORMAL` (in WAL mode: the
// commit is written to the log, not flushed) and the storage itself fdatasyncs the log before it
// answers anyone: a push's reply, a poke, and every read of data (pull, cursor) that may have seen
// the commit wait for the flush that covers it. What is acknowledged or shown is on disk exactly as
// with FULL; meanwhile the event loop reads the next requests and runs the next batch. Up to two
// flushes run at a time; the commits made while two run share the next.
//
// Plain pushes (applyWrites) run on a writer thread (sqlite-writer-thread.ts), on a connection of
// its own: the event loop only reads requests, sends the batch and, once the thread reports the
// commit, flushes and answers. Everything else — reads, sessions, pushes through the general path
// with their handlers — runs on this thread's connection. Both connections write in turn: a batch
// goes to the thread under the same mutex as this connection's batches, in arrival order.
import { close as closeFd, fdatasync, openSync } from 'node:fs';
import { promisify } from 'node:util';
import type { Change, DocumentValue } from '../../runtime/protocol/index.js';
import { openDb, type Db } from '../db.js';
import { EXPIRED_SESSIONS_PER_LOGIN, StorageUnavailable, type PlainWrite, type PushOutcome, type PullSnapshot, type SessionRow, type Storage, type StorageTx } from './types.js';
import { Refused, applyPlain, type BatchReply, type PlainPush, type WriterFault } from './sqlite-plain.js';
import { SqliteTx, io, rollBack, txStatements, type DocRow } from './sqlite-tx.js';
import { WriterThread } from './sqlite-writer-thread.js';
import { Mutex } from './mutex.js';
import { Checkpointer, FALLBACK_AUTOCHECKPOINT_PAGES } from './sqlite-checkpoint.js';
import { pageEnd } from './pull-page.js';
import { SessionCache } from './session-cache.js';

const fdatasyncAsync = promisify(fdatasync);

/** A change as a pull sends it, from its row. */
function toChange(r: DocRow): Change {
  return r.deleted
    ? { collection: r.collection, key: r.key, rev: r.rev, deleted: true }
    : { collection: r.collection, key: r.key, rev: r.rev, value: JSON.parse(r.value!) as DocumentValue };
}

/** Every statement this storage runs: a transaction's (with the plain ones) and its own reads, compaction and sessions. */
function statements(db: Db) {
  return {
    ...txStatements(db),
    position: db.prepare<[string], { seq: number; compacted_seq: number }>('SELECT seq, compacted_seq FROM user_log WHERE user = ?'),
    // Sizes first (no values leave SQLite), then exactly the rows of the page.
    changeSizesAfter: db.prepare<[string, number, number], { collection: string; key: string; rev: number; seq: number; value_bytes: number | null }>(
      'SELECT collection, key, rev, seq, length(CAST(value AS BLOB)) AS value_bytes FROM documents WHERE user = ? AND seq > ? ORDER BY seq LIMIT ?',
    ),
    changesBetween: db.prepare<[string, number, number], DocRow>('SELECT collection, key, rev, seq, deleted, value FROM documents WHERE user = ? AND seq > ? AND seq <= ? ORDER BY seq'),
    clientsOf: db.prepare<[string], { client_id: string; last_mutation_id: number }>('SELECT client_id, last_mutation_id FROM clients WHERE user = ?'),
    oldTombstones: db.prepare<[string, number], { maxSeq: number | null }>('SELECT max(seq) AS maxSeq FROM documents WHERE user = ? AND deleted = 1 AND changed_at <= ?'),
    dropTombstones: db.prepare<[string, number, number]>('DELETE FROM documents WHERE user = ? AND deleted = 1 AND changed_at <= ? AND seq <= ?'),
    raiseCompacted: db.prepare<[number, string]>('UPDATE user_log SET compacted_seq = max(compacted_seq, ?) WHERE user = ?'),
    createSession: db.prepare<[string, string, number, number]>('INSERT INTO sessions (token_hash, user, created_at, expires_at) VALUES (?, ?, ?, ?)'),
    extendSession: db.prepare<[number, string]>('UPDATE sessions SET expires_at = ? WHERE token_hash = ?'),
    revokeSession: db.prepare<[string]>('DELETE FROM sessions WHERE token_hash = ?'),
    dropExpiredSessions: db.prepare<[number, number], { token_hash: string }>(
      'DELETE FROM sessions WHERE rowid IN (SELECT rowid FROM sessions WHERE expires_at <= ? LIMIT ?) RETURNING token_hash',
    ),
    dropSessionsOverCap: db.prepare<[string, string, number], { token_hash: string }>(
      'DELETE FROM sessions WHERE user = ? AND rowid NOT IN (SELECT rowid FROM sessions WHERE user = ? ORDER BY expires_at DESC, created_at DESC LIMIT ?) RETURNING token_hash',
    ),
  };
}

interface Job {
  /** A transaction's function, run in its own savepoint; or `sync` for one that never awaits. */
  fn?: (tx: SqliteTx) => Promise<unknown>;
  /** Runs in its own savepoint without a promise or a SqliteTx; `user` is told of a change if it returns. */
  sync?: () => unknown;
  /** A plain push: runs on the writer thread when it is open (else `sync` runs it here). */
  plain?: PlainPush;
  user?: string;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

/** SQLite storage in `<dataDir>/outpost.sqlite` (or in memory for `':memory:'`). */
export class SqliteStorage implements Storage {
  readonly kind = 'sqlite';
  readonly epoch: string;
  readonly #db: Db;
  readonly #s: ReturnType<typeof statements>;
  // Held by a running batch (across its awaits) and by every read, so a read never sees a batch's
  // uncommitted writes.
  readonly #mutex = new Mutex();
  readonly #queue: Job[] = [];
  readonly #listeners: Array<(user: string | undefined) => void> = [];
  #scheduled = false;
  // The write-ahead log, flushed by this storage after each commit (undefined in memory: nothing to flush).
  readonly #walFd: number | undefined;
  // Commits made, and how many of them are known flushed; readers wait until what they saw is flushed.
  #committed = 0;
  // Commits numbered so far, those of writer batches still in flight included: any of them may have
  // committed before its reply arrives, so a read waits until every one is flushed.
  #sent = 0;
  // Writer batches sent and not yet answered, at most MAX_IN_FLIGHT (see #runOnWriter).
  readonly #inFlight = new Set<Promise<void>>();
  #durable = 0;
  #durableWaiters: Array<{ n: number; resolve: () => void; reject: (err: unknown) => void }> = [];
  #syncFailure: unknown;
  // The flushes in progress, at most MAX_FLUSHES: commits made while that many run share the next
  // one (an fdatasync per batch woke a pool thread per batch and queued flushes behind each other),
  // and `#flushTarget` is the last commit a started flush covers.
  readonly #flushing = new Set<Promise<void>>();
  #flushTarget = 0;
  readonly #flushLog: (fd: number) => Promise<void>;
  // While set, batches wait for it (a checkpoint pass that lets the log start over).
  #writesHeld: Promise<void> | undefined;

  // Sessions by token hash: a request's token costs no SQLite read (see session-cache.ts).
  readonly #sessions: SessionCache;

  // Checkpoints the log off the event loop (undefined in memory: no log).
  readonly #checkpointer: Checkpointer | undefined;

  // Runs plain pushes off the event loop (undefined in memory: a second connection would see another database).
  #writer: WriterThread | undefined;
  #writerStops = 0;
  #autocheckpointPages = FALLBACK_AUTOCHECKPOINT_PAGES;
  #closing = false;
  readonly #log: (message: string, err: unknown) => void;

  /**
   * @param log told of background failures (the checkpoint and writer threads); default `console.error`.
   * @param flushLog flushes the log file (tests pass one they control); default fdatasync on libuv's thread pool.
   * @param options `writerThread: false` runs plain pushes on this thread; `writerFault` makes the
   *   first writer thread end before or after its first commit (tests of a crash)
   */
  constructor(
    dataDir: string,
    log: (message: string, err: unknown) => void = (message, err) => console.error(`outpost-stub: ${message}`, err ?? ''),
    flushLog: (fd: number) => Promise<void> = fdatasyncAsync,
    options: { writerThread?: boolean; writerFault?: WriterFault } = {},
  ) {
    this.#flushLog = flushLog;
    this.#log = log;
    const { db, epoch, file } = openDb(dataDir);
    this.#db = db;
    this.epoch = epoch;
    this.#s = statements(db);
    this.#sessions = new SessionCache(() => this.#s.dataVersion.get()!);
    if (file !== ':memory:') {
      // Opened before NORMAL takes effect; the log exists from the migration's commit on.
      this.#walFd = openSync(`${file}-wal`, 'r+');
      db.pragma('synchronous = NORMAL');
      db.pragma(`wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT_PAGES}`);
      this.#checkpointer = new Checkpointer(
        file,
        log,
        () => {
          this.#autocheckpointPages = 1000;
          db.pragma('wal_autocheckpoint = 1000');
          this.#writer?.setAutocheckpoint(1000);
        },
        () => this.#pauseWrites(),
      );
      if (options.writerThread !== false) this.#writer = this.#startWriter(file, options.writerFault);
    }
  }

  // Writer threads started at most: one that keeps stopping (every batch a 503) is not restarted forever.
  static readonly #MAX_WRITER_STARTS = 5;

  #startWriter(file: string, fault?: WriterFault): WriterThread {
    return new WriterThread({ file, autocheckpointPages: this.#autocheckpointPages, fault }, (err, wasOpen) => {
      this.#writer = undefined;
      if (this.#closing) return;
      const again = wasOpen && ++this.#writerStops < SqliteStorage.#MAX_WRITER_STARTS;
      this.#log(
        `the SQLite writer thread ${wasOpen ? 'stopped' : 'failed to open the database'}; plain pushes run on the main thread${again ? ' until a new one is open' : ' from now on (restart the server to retry)'}`,
        err,
      );
      if (again) this.#writer = this.#startWriter(file);
    });
  }

  // Two: a commit need not wait for the running flush to end before one that covers it starts
  // (median +19 % pushes at 50 clients in paired runs, p99 lower in 5 of 6; docs/benchmarks.md).
  static readonly #MAX_FLUSHES = 2;

  /** Makes commit number `n` (and every one before it) durable: starts a flush unless no started one covers it and none may start. */
  #flush(n: number): Promise<void> {
    const durable = this.#whenDurable(n);
    if (n > this.#flushTarget && this.#flushing.size < SqliteStorage.#MAX_FLUSHES) this.#startFlush();
    return durable;
  }

  #startFlush(): void {
    // Everything committed so far is in the log: this flush covers it, whichever flush ends first.
    const upTo = (this.#flushTarget = this.#committed);
    const done = this.#walFd === undefined ? Promise.resolve() : this.#flushLog(this.#walFd);
    const flushing: Promise<void> = done.then(
      () => {
        this.#flushing.delete(flushing);
        this.#durable = Math.max(this.#durable, upTo);
        this.#durableWaiters = this.#durableWaiters.filter((w) => (w.n <= this.#durable ? (w.resolve(), false) : true));
        // Commits made while the flushes ran wait for the next.
        if (this.#committed > this.#flushTarget && !this.#syncFailure) this.#startFlush();
      },
      (err: unknown) => {
        this.#flushing.delete(flushing);
        // The disk failed to flush: nothing after this point can be promised durable.
        this.#syncFailure ??= new StorageUnavailable('SQLite flush', err, true);
        for (const w of this.#durableWaiters.splice(0)) w.reject(this.#syncFailure);
      },
    );
    this.#flushing.add(flushing);
  }

  /** Resolves once every commit up to number `n` (one a reader may have seen) is on disk. */
  #whenDurable(n: number): Promise<void> {
    if (this.#syncFailure) return Promise.reject(this.#syncFailure);
    if (n <= this.#durable) return Promise.resolve();
    return new Promise((resolve, reject) => this.#durableWaiters.push({ n, resolve, reject }));
  }

  /** Runs a read under the mutex and answers once everything it may have seen is durable. */
  async #read<T>(fn: () => T): Promise<T> {
    let seen = 0;
    const value = await this.#mutex.run(() => {
      seen = this.#sent;
      return fn();
    });
    await this.#whenDurable(seen);
    return value;
  }

  transaction<T>(fn: (tx: StorageTx) => Promise<T>): Promise<T> {
    return this.#enqueue(fn);
  }

  #enqueue<T>(fn: (tx: SqliteTx) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    // setImmediate: requests parsed in the same turn of the event loop join one batch.
    setImmediate(this.#startBatch);
  }

  // Runs the queued transactions as one batch, unless the writes are held (they join the batch after).
  readonly #startBatch = (): void => {
    if (this.#writesHeld) void this.#writesHeld.then(this.#startBatch);
    else void this.#mutex.run(() => this.#runBatch());
  };

  /** Holds new batches (reads go on) once the one running committed; resolves to the release. */
  async #pauseWrites(): Promise<() => void> {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    this.#writesHeld = held;
    await this.#mutex.run(() => this.#drainWriter());
    return () => {
      if (this.#writesHeld === held) this.#writesHeld = undefined;
      release();
    };
  }

  // Two: the thread starts the next batch as it commits one, instead of idling for a round trip
  // through the event loop (median +4 % and +8 % pushes at 50 clients in two paired runs, docs/benchmarks.md).
  static readonly #MAX_IN_FLIGHT = 2;

  async #runBatch(): Promise<void> {
    // Before taking the queue: what arrives while the thread is full joins this batch.
    while (this.#inFlight.size >= SqliteStorage.#MAX_IN_FLIGHT) await Promise.race(this.#inFlight);
    this.#scheduled = false;
    const jobs = this.#queue.splice(0);
    // In arrival order: each run of plain pushes is one transaction on the writer thread, each run
    // of other jobs one here (without the thread, all of them here, in one transaction).
    for (let from = 0; from < jobs.length; ) {
      const onWriter = this.#writer?.usable === true && jobs[from]!.plain !== undefined;
      let to = from + 1;
      if (this.#writer?.usable) while (to < jobs.length && (jobs[to]!.plain !== undefined) === onWriter) to++;
      else to = jobs.length;
      const run = from === 0 && to === jobs.length ? jobs : jobs.slice(from, to);
      await (onWriter ? this.#runOnWriter(run) : this.#runHere(run));
      from = to;
    }
  }

  /**
   * Sends plain pushes to the writer thread as one transaction, numbered as commit `#sent + 1`, and
   * returns without waiting for it (the mutex is free for reads meanwhile: they see committed state
   * only, and wait for this commit's flush); answers them once it is flushed.
   */
  async #runOnWriter(jobs: Job[]): Promise<void> {
    const n = ++this.#sent;
    const answered = this.#writer!.run(jobs.map((job) => job.plain!)).then(
      (reply) => this.#writerReplied(jobs, n, reply),
      (err: unknown) => this.#writerReplied(jobs, n, undefined, err),
    );
    this.#inFlight.add(answered);
    void answered.finally(() => this.#inFlight.delete(answered));
  }

  /** Resolves once no writer batch is in flight: before this connection writes, or the log is checkpointed. */
  async #drainWriter(): Promise<void> {
    while (this.#inFlight.size) await Promise.all(this.#inFlight);
  }

  /** Takes writer batch `n`'s reply (undefined: the thread ended first), in the order they were sent. */
  #writerReplied(jobs: Job[], n: number, reply: BatchReply | undefined, err?: unknown): void {
    if (!reply) {
      // The thread ended with the batch in flight: it may have committed first, so it is counted
      // below; the pushes are answered 503 (their retries are safe: exactly once by mutation id).
      const failure = new StorageUnavailable('SQLite writer thread', err, true);
      for (const job of jobs) job.reject(failure);
    } else {
      const done: Array<{ job: Job; value: unknown; changed: string | undefined }> = [];
      reply.results.forEach((result, i) => {
        const job = jobs[i]!;
        if ('error' in result) job.reject(new StorageUnavailable('SQLite write', new Error(result.error)));
        else if (result.outcome === 'applied') done.push({ job, value: result.outcome, changed: job.user });
        else job.resolve(result.outcome);
      });
      if (reply.committed) return this.#committedBatch(done, n);
    }
    // No commit to answer, but reads made while batch n was in flight wait for a flush covering n.
    this.#committed = n;
    void this.#flush(n).catch(() => undefined);
  }

  /** Runs jobs as one transaction on this thread's connection. */
  async #runHere(jobs: Job[]): Promise<void> {
    if (jobs.length === 0) return;
    // BEGIN IMMEDIATE would wait (blocking the event loop) for the thread's write lock.
    await this.#drainWriter();
    const done: Array<{ job: Job; value: unknown; changed: ReadonlySet<string> | string | undefined }> = [];
    const failAll = (err: unknown) => {
      for (const d of done) d.job.reject(err);
      done.length = 0;
    };
    try {
      io('begin', () => this.#s.begin.run());
    } catch (err) {
      for (const job of jobs) job.reject(err);
      return;
    }
    for (const job of jobs) {
      let tx: SqliteTx | undefined;
      try {
        if (job.sync) {
          done.push({ job, value: this.#savepointSync(job.sync), changed: job.user });
        } else {
          const t = (tx = new SqliteTx(this.#db, this.#s));
          const value = await t.savepoint(() => job.fn!(t));
          done.push({ job, value, changed: t.changed });
        }
      } catch (err) {
        job.reject(err);
        // Some SQLite errors (disk full, I/O) roll the whole transaction back: the batch so far is lost.
        if (!this.#db.inTransaction) {
          failAll(new StorageUnavailable('SQLite transaction', err));
          try {
            io('begin', () => this.#s.begin.run());
          } catch (again) {
            for (const rest of jobs.slice(jobs.indexOf(job) + 1)) rest.reject(again);
            return;
          }
        }
      } finally {
        if (tx) tx.ended = true;
      }
    }
    try {
      io('commit', () => this.#s.commit.run());
    } catch (err) {
      if (this.#db.inTransaction) this.#db.exec('ROLLBACK');
      failAll(err);
      return;
    }
    this.#committedBatch(done, ++this.#sent);
  }

  /** Counts commit number `n` and answers its jobs once it is flushed (without the mutex: the next batch runs meanwhile). */
  #committedBatch(done: Array<{ job: Job; value: unknown; changed: ReadonlySet<string> | string | undefined }>, n: number): void {
    this.#committed = n;
    this.#checkpointer?.committed();
    this.#flush(n).then(
      () => {
        const changed = new Set<string>();
        for (const d of done) {
          d.job.resolve(d.value);
          if (typeof d.changed === 'string') changed.add(d.changed);
          else if (d.changed) for (const user of d.changed) changed.add(user);
        }
        for (const user of changed) for (const listener of this.#listeners) listener(user);
      },
      (err: unknown) => {
        for (const d of done) d.job.reject(err);
      },
    );
  }

  /** Runs a synchronous job in its own savepoint: rolled back (and rethrown) if it throws. */
  #savepointSync(fn: () => unknown): unknown {
    io('savepoint', () => this.#s.savepoint.run());
    let value: unknown;
    try {
      value = fn();
    } catch (err) {
      if (this.#db.inTransaction) rollBack(this.#s);
      throw err instanceof Refused || err instanceof StorageUnavailable ? err : new StorageUnavailable('SQLite write', err);
    }
    io('savepoint release', () => this.#s.release.run());
    return value;
  }

  /** Queues a synchronous job for the next batch (see {@link Job.sync}). */
  #enqueueSync<T>(fn: () => T, user?: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ sync: fn, user, resolve: resolve as (v: unknown) => void, reject });
      this.#schedule();
    });
  }

  /**
   * A push of plain writes as one job of the group commit (its own savepoint, answered after the
   * flush like any other), synchronous: no SqliteTx, no promise per step. With `session`, that
   * session must exist for `user` in this transaction (else `unauthorized`); then the client is
   * checked, and each write applies only at its base rev. The first check that fails rolls the job's
   * savepoint back and answers `declined` or `unauthorized`: nothing of the push is applied.
   */
  async applyWrites(user: string, clientId: string, firstId: number, lastId: number, writes: readonly PlainWrite[], now: number, session?: string, outcomes?: string): Promise<PushOutcome> {
    const plain: PlainPush = { user, clientId, firstId, lastId, writes, now, session, outcomes };
    try {
      return await new Promise<PushOutcome>((resolve, reject) => {
        const sync = (): PushOutcome => (applyPlain(this.#s, this.#sessions, plain), 'applied');
        this.#queue.push({ plain, sync, user, resolve: resolve as (v: unknown) => void, reject });
        this.#schedule();
      });
    } catch (err) {
      if (err instanceof Refused) return err.outcome;
      throw err;
    }
  }

  /** True while plain pushes go to a writer thread (for tests and diagnostics). */
  get onWriterThread(): boolean {
    return this.#writer?.usable === true;
  }

  /** Resolves once background work (the checkpoint and writer threads) has opened its connections. */
  async opened(): Promise<void> {
    await Promise.all([this.#checkpointer?.ready, this.#writer?.ready]);
  }

  pull(user: string, afterSeq: number, limit: number, maxBytes: number): Promise<PullSnapshot> {
    return this.#read(() =>
      io('pull', () =>
        this.#db.transaction((): PullSnapshot => {
          const row = this.#s.position.get(user);
          const lastMutationIds: Record<string, number> = {};
          for (const c of this.#s.clientsOf.all(user)) lastMutationIds[c.client_id] = c.last_mutation_id;
          const sizes = this.#s.changeSizesAfter.all(user, afterSeq, limit + 1);
          const { count, more } = pageEnd(sizes.map((r) => ({ ...r, valueBytes: r.value_bytes })), limit, maxBytes);
          const changes = count ? this.#s.changesBetween.all(user, afterSeq, sizes[count - 1]!.seq) : [];
          return {
            seq: row?.seq ?? 0,
            compactedSeq: row?.compacted_seq ?? 0,
            changes: changes.map((r) => ({ seq: r.seq, change: toChange(r) })),
            more,
            lastMutationIds,
          };
        })(),
      ),
    );
  }

  position(user: string): Promise<{ seq: number; compactedSeq: number }> {
    return this.#read(() => {
      const row = io('read', () => this.#s.position.get(user));
      return { seq: row?.seq ?? 0, compactedSeq: row?.compacted_seq ?? 0 };
    });
  }

  async compact(user: string, cutoff: number): Promise<void> {
    // A read first: most pulls find nothing to compact and need no write (no fsync).
    const found = await this.#read(() => io('read', () => this.#s.oldTombstones.get(user, cutoff)?.maxSeq));
    if (found == null) return;
    await this.transaction(async () => {
      io('compaction', () => {
        this.#s.dropTombstones.run(user, cutoff, found);
        this.#s.raiseCompacted.run(found, user);
      });
    });
  }

  createSession(tokenHash: string, user: string, expiresAt: number, now: number, maxPerUser: number): Promise<void> {
    // Not cached here: the commit may still fail. The first request with the token reads it.
    return this.#enqueueSync(() => {
      this.#s.createSession.run(tokenHash, user, Date.now(), expiresAt);
      const dropped = [...this.#s.dropExpiredSessions.all(now, EXPIRED_SESSIONS_PER_LOGIN), ...this.#s.dropSessionsOverCap.all(user, user, maxPerUser)];
      for (const row of dropped) this.#sessions.delete(row.token_hash);
    });
  }

  findSession(tokenHash: string, now: number): Promise<SessionRow | undefined> {
    const cached = this.#sessions.get(tokenHash, now);
    if (cached) return Promise.resolve(cached);
    // Not held for the flush, unlike the other reads: a session only admits a request, and whatever
    // that request then reads or writes waits for a flush that covers every earlier commit, the
    // session's too. A session is usable only once its login answered, which waited for its flush.
    return this.#mutex.runSync(() => {
      const row = io('read', () => this.#s.findSession.get(tokenHash, now));
      if (!row) return undefined;
      const session = { user: row.user, expiresAt: row.expires_at };
      // Read under the mutex: committed state, never a running batch's.
      this.#sessions.set(tokenHash, session);
      return session;
    });
  }

  async liveSessions(tokenHashes: readonly string[], now: number): Promise<Set<string>> {
    const live = new Set<string>();
    for (const hash of tokenHashes) if (await this.findSession(hash, now)) live.add(hash);
    return live;
  }

  extendSession(tokenHash: string, expiresAt: number): Promise<void> {
    this.#sessions.delete(tokenHash);
    return this.#enqueueSync(() => {
      // Again when written: a lookup may have cached the row meanwhile.
      this.#sessions.delete(tokenHash);
      this.#s.extendSession.run(expiresAt, tokenHash);
    });
  }

  revokeSession(tokenHash: string): Promise<boolean> {
    // Dropped now and again when written: a lookup meanwhile reads SQLite, where the session stays
    // until this commits (as without the cache), and may cache it again.
    this.#sessions.delete(tokenHash);
    return this.#enqueueSync(() => {
      this.#sessions.delete(tokenHash);
      return this.#s.revokeSession.run(tokenHash).changes > 0;
    });
  }

  watch(listener: (user: string | undefined) => void): void {
    this.#listeners.push(listener);
  }

  async close(): Promise<void> {
    // Queued transactions finish (and reply) first.
    while (this.#queue.length || this.#scheduled) await this.#mutex.run(() => this.#runBatch());
    this.#closing = true;
    // The threads' connections first: the last one to close checkpoints the log and removes it.
    await this.#mutex.run(async () => {
      await this.#drainWriter();
      await this.#writer?.close();
    });
    await this.#checkpointer?.close();
    await this.#mutex.run(() => this.#db.close());
    while (this.#flushing.size) await Promise.all(this.#flushing);
    if (this.#walFd !== undefined) await promisify(closeFd)(this.#walFd);
  }
}
