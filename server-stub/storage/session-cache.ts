// The SQLite storage's sessions in memory, by token hash: admitting a request then costs no SQLite
// read, and no wait behind a running batch (the read takes the storage's mutex).
//
// Exact, not a time-bounded cache, so a revoked or expired token is refused at once as before:
// - filled only from reads of committed state, never from a write (a commit may still fail);
// - this process's revocations and expiry changes drop the entry, before and while they are written;
// - expiry is checked on every hit, as the query does;
// - a commit by any other connection to the database (another process on the same data directory)
//   changes SQLite's `PRAGMA data_version`, checked on every lookup, and empties the cache.
import type { SessionRow } from './types.js';
import { setNewest } from '../newest-map.js';

/** Sessions kept at most; past it the oldest go (a lookup that misses reads SQLite again). */
export const SESSION_CACHE_ENTRIES = 10_000;

/** Sessions by token hash, valid while no other connection has committed (see the file comment). */
export class SessionCache {
  readonly #rows = new Map<string, SessionRow>();
  readonly #dataVersion: () => number;
  readonly #max: number;
  #version: number;

  /**
   * @param dataVersion reads `PRAGMA data_version` on the storage's connection
   * @param max entries kept at most
   */
  constructor(dataVersion: () => number, max = SESSION_CACHE_ENTRIES) {
    this.#dataVersion = dataVersion;
    this.#max = max;
    this.#version = dataVersion();
  }

  /** The session with this hash if cached and unexpired at `now`; undefined: read the storage. */
  get(tokenHash: string, now: number): SessionRow | undefined {
    const version = this.#dataVersion();
    if (version !== this.#version) {
      this.#rows.clear();
      this.#version = version;
      return undefined;
    }
    const row = this.#rows.get(tokenHash);
    if (row === undefined || row.expiresAt > now) return row;
    this.#rows.delete(tokenHash);
    return undefined;
  }

  /** Keeps a session just read from committed state. */
  set(tokenHash: string, row: SessionRow): void {
    setNewest(this.#rows, tokenHash, row, this.#max);
  }

  /** Forgets a session that is being revoked or changed. */
  delete(tokenHash: string): void {
    this.#rows.delete(tokenHash);
  }

  /** Entries held (for tests). */
  get size(): number {
    return this.#rows.size;
  }
}
