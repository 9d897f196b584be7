// The storage interface the sync server runs on. Two implementations: SQLite (default, one process)
// and PostgreSQL (any number of stateless nodes on one database). Everything the server keeps —
// documents, the per-user change order, clients' last mutation ids, sessions, seeds — goes through it.
import type { Change, CurrentDocument, DocumentValue } from '../../runtime/protocol/index.js';

/** How long a session lasts after its last use unless configured otherwise: 30 days. */
export const DEFAULT_SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000;

/** Expired sessions (of any user) each sign-in deletes at most: the sweep's work per login is bounded. */
export const EXPIRED_SESSIONS_PER_LOGIN = 1000;

/** A document as stored: live (`value`) or a tombstone (`deleted`). */
export type StoredDocument = CurrentDocument;

/** One read-write transaction. Methods may only be called until the transaction's function returns. */
export interface StorageTx {
  /**
   * Locks `user`'s change-order row until commit. Every read of a user's documents that a write may
   * depend on comes after this, so concurrent pushes of one user apply one after the other and
   * commit in cursor order. Idempotent within a transaction.
   */
  lockUser(user: string): Promise<void>;
  /** The document, its tombstone, or undefined. */
  getDoc(user: string, collection: string, key: string): Promise<StoredDocument | undefined>;
  /** Every live document of a collection, by key. */
  listDocs(user: string, collection: string): Promise<Array<{ key: string; rev: number; value: DocumentValue }>>;
  /**
   * Writes a new state (`null` deletes), taking the user's next sequence number; returns the new rev.
   * `json` is `value` as JSON text when the caller has it (it need not be serialised again).
   */
  writeDoc(user: string, collection: string, key: string, value: DocumentValue | null, now: number, json?: string): Promise<number>;
  /**
   * The client's owner and last applied mutation id; with `outcomesFrom` (a push's first id), also
   * the outcomes its latest push recorded (server-stub/push-record.ts) when that push's ids reach
   * it: only a push that retries some of them needs them.
   */
  getClient(clientId: string, outcomesFrom?: number): Promise<{ user: string; lastMutationId: number; outcomes?: string } | undefined>;
  /**
   * Records the client's last applied mutation id (same transaction as its effects: exactly once)
   * and, unless `outcomes` is undefined (the row keeps the ones it has), its push's outcomes as JSON.
   */
  setClient(clientId: string, user: string, lastMutationId: number, outcomes?: string): Promise<void>;
  /** How many client ids `user` has (rows setClient wrote). */
  countClients(user: string): Promise<number>;
  /**
   * True when seed `name` already ran on this data store. Another transaction checking the same
   * seed (a node starting at the same time) waits until this one ends, so a seed runs once.
   */
  seedRan(name: string): Promise<boolean>;
  /** Records that seed `name` ran. */
  markSeed(name: string, now: number): Promise<void>;
  /** Runs `fn` in a savepoint: if it throws, its writes are undone and the error rethrown. */
  savepoint<T>(fn: () => Promise<T>): Promise<T>;
}

/** One write of {@link Storage.applyWrites}: a put (`json` set) or a delete (`json` null). */
export interface PlainWrite {
  collection: string;
  key: string;
  /** The rev the client based the write on; the write applies only if the document is at it. */
  baseRev: number;
  /** The new value as JSON text, or null to delete. */
  json: string | null;
}

/** The arguments of one {@link Storage.applyWrites} call, as plain data (backends queue them). */
export interface PushOfWrites {
  user: string;
  clientId: string;
  firstId: number;
  lastId: number;
  writes: readonly PlainWrite[];
  now: number;
  /** The push's outcomes for the client's row (see {@link StorageTx.setClient}); absent: the row keeps its own. */
  outcomes?: string;
}

/** What {@link Storage.applyWrites} did: everything, or nothing and why. */
export type PushOutcome = 'applied' | 'declined' | 'unauthorized';

/** What a pull reads, all from one snapshot. */
export interface PullSnapshot {
  /** The user's newest sequence number (the head cursor position). */
  seq: number;
  /** Highest sequence number lost to tombstone compaction. */
  compactedSeq: number;
  /** Up to `limit` changes after the requested position, oldest first, ending before `maxBytes` (at least one). */
  changes: Array<{ seq: number; change: Change }>;
  /** True when changes after the last one returned exist. */
  more: boolean;
  /** Every client of the user and its last applied mutation id. */
  lastMutationIds: Record<string, number>;
}

/** A stored session (by token hash). */
export interface SessionRow {
  user: string;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

/** The storage a running server uses. */
export interface Storage {
  /** `sqlite` or `postgres`. */
  readonly kind: 'sqlite' | 'postgres';
  /** Fixed when the data store is created; cursors carry it so a reset store is recognised. */
  readonly epoch: string;
  /**
   * Runs `fn` in one read-write transaction and commits; resolves only once the commit is durable.
   * Conflicts between concurrent transactions (serialization failures, deadlocks) are retried by
   * running `fn` again, so `fn` must have no effects outside the transaction. After the commit,
   * {@link Storage.watch} listeners (on every node) hear of each user whose data it wrote.
   */
  transaction<T>(fn: (tx: StorageTx) => Promise<T>): Promise<T>;
  /**
   * Optional fast path for a push of plain writes to distinct documents, taken before
   * {@link Storage.transaction}: applies every write and records `lastId` for the client, in one
   * transaction, only if all of it would apply as sent — the client is new or `user`'s with a last
   * mutation id below `firstId`; each document is at its `baseRev` (a delete's one live) — and
   * resolves `applied` once that is committed (each write's new rev is its baseRev + 1). Otherwise it
   * resolves `declined` with nothing applied, and the push runs through {@link Storage.transaction},
   * which decides duplicates, conflicts and errors. With `session` (a token hash whose session was
   * not read for this request) it applies only if that session is unexpired at `now` and belongs
   * to `user`, checked in the same transaction, and resolves `unauthorized` with nothing applied
   * otherwise. `outcomes` is recorded with `lastId` as {@link StorageTx.setClient} records it.
   */
  applyWrites?(user: string, clientId: string, firstId: number, lastId: number, writes: readonly PlainWrite[], now: number, session?: string, outcomes?: string): Promise<PushOutcome>;
  /**
   * Reads one page of changes after `afterSeq`, the head position and lastMutationIds from one
   * snapshot. The page ends at `limit` changes or before its changes' JSON passes `maxBytes`
   * (always at least one change), decided from stored sizes so no more than that is read.
   */
  pull(user: string, afterSeq: number, limit: number, maxBytes: number): Promise<PullSnapshot>;
  /** The user's newest sequence number and highest compacted one. */
  position(user: string): Promise<{ seq: number; compactedSeq: number }>;
  /** Removes the user's tombstones last changed at or before `cutoff` (ms) and raises compactedSeq. */
  compact(user: string, cutoff: number): Promise<void>;
  /**
   * Stores a new session (`tokenHash` is the SHA-256 of the token: tokens are never stored), then
   * deletes up to {@link EXPIRED_SESSIONS_PER_LOGIN} sessions expired at `now` (any user's) and the
   * user's sessions beyond the newest `maxPerUser`, least recently used (earliest expiry) first.
   */
  createSession(tokenHash: string, user: string, expiresAt: number, now: number, maxPerUser: number): Promise<void>;
  /** The unexpired session with this token hash, if any. */
  findSession(tokenHash: string, now: number): Promise<SessionRow | undefined>;
  /** Which of these token hashes have an unexpired session now (open event streams are checked with it). */
  liveSessions(tokenHashes: readonly string[], now: number): Promise<Set<string>>;
  /** Moves a session's expiry (sliding expiry). */
  extendSession(tokenHash: string, expiresAt: number): Promise<void>;
  /** Deletes a session; true when there was one. */
  revokeSession(tokenHash: string): Promise<boolean>;
  /**
   * Calls `listener(user)` when another node (or this one) committed a change of `user`'s data, and
   * `listener(undefined)` when changes may have been missed (after a reconnect): poke everyone.
   */
  watch(listener: (user: string | undefined) => void): void;
  /** Closes connections. */
  close(): Promise<void>;
}

/**
 * The storage failed (I/O error, disk full, database down or unreachable). The request is answered
 * 503 with Retry-After and nothing of it is applied — or, with `maybeApplied`, whether it was is
 * unknown (the failure came after the commit may have happened); either way the client retries, and
 * mutation ids make the retry apply a push exactly once.
 */
export class StorageUnavailable extends Error {
  override readonly name = 'StorageUnavailable';
  constructor(
    what: string,
    cause: unknown,
    /** True when the write may have committed before the failure. */
    readonly maybeApplied = false,
  ) {
    super(`The ${what} failed: ${(cause as Error)?.message ?? String(cause)}`, { cause });
  }
}
