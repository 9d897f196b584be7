// Opens the stub's SQLite database and brings its schema up to date.
import Database from 'better-sqlite3';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { DEFAULT_SESSION_TTL_MS } from './storage/types.js';

/** An open better-sqlite3 database. */
export type Db = Database.Database;

// Each entry moves the schema one version up; PRAGMA user_version records how far a file got.
// Never edit a shipped migration: append a new one.
const MIGRATIONS: Array<string | ((db: Db) => void)> = [
  `CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
   -- seq: the user's last change number (the cursor); compacted_seq: highest seq of a removed tombstone.
   CREATE TABLE user_log (user TEXT PRIMARY KEY, seq INTEGER NOT NULL, compacted_seq INTEGER NOT NULL DEFAULT 0);
   CREATE TABLE documents (
     user TEXT NOT NULL, collection TEXT NOT NULL, key TEXT NOT NULL,
     rev INTEGER NOT NULL, seq INTEGER NOT NULL, deleted INTEGER NOT NULL, value TEXT, changed_at INTEGER NOT NULL,
     PRIMARY KEY (user, collection, key)
   ) WITHOUT ROWID;
   CREATE UNIQUE INDEX documents_by_seq ON documents (user, seq);
   CREATE INDEX tombstones_by_age ON documents (user, changed_at) WHERE deleted = 1;
   CREATE TABLE clients (client_id TEXT PRIMARY KEY, user TEXT NOT NULL, last_mutation_id INTEGER NOT NULL);
   CREATE INDEX clients_by_user ON clients (user);
   CREATE TABLE sessions (token TEXT PRIMARY KEY, user TEXT NOT NULL, created_at INTEGER NOT NULL);
   CREATE TABLE seeds (name TEXT PRIMARY KEY, ran_at INTEGER NOT NULL);`,
  // 2: sessions keep only a SHA-256 of the token, and expire. Tokens issued before stay valid.
  (db) => {
    db.function('outpost_sha256', (token: unknown) => createHash('sha256').update(String(token)).digest('hex'));
    db.exec(`CREATE TABLE sessions_v2 (token_hash TEXT PRIMARY KEY, user TEXT NOT NULL, created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL);
      INSERT INTO sessions_v2 SELECT outpost_sha256(token), user, created_at, ${Date.now() + DEFAULT_SESSION_TTL_MS} FROM sessions;
      DROP TABLE sessions;
      ALTER TABLE sessions_v2 RENAME TO sessions;
      CREATE INDEX sessions_by_expiry ON sessions (expires_at);`);
  },
  // 3: each client's latest push's outcomes (server-stub/push-record.ts), so a retry after a lost
  // answer hears how its mutations went. NULL for clients of older versions: bare duplicates.
  `ALTER TABLE clients ADD COLUMN outcomes TEXT;`,
  // 4: each sign-in keeps at most --max-sessions of its user's sessions, found by this index.
  `CREATE INDEX sessions_by_user ON sessions (user, expires_at);`,
];

/** The schema version this build writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Opens (creating if needed) `<dataDir>/outpost.sqlite`, or an in-memory database for `':memory:'`.
 * WAL with `synchronous = FULL` here (the migrations' commits); the SQLite storage then switches to
 * `NORMAL` and makes each group commit durable with its own fdatasync of the log before any push of
 * it is answered (storage/sqlite.ts), so an acknowledged push survives SIGKILL or power loss.
 */
export function openDb(dataDir: string): { db: Db; epoch: string; file: string } {
  let file = ':memory:';
  if (dataDir !== ':memory:') {
    // Only the server's own account reads the data (password and session hashes, every user's
    // documents), whatever the umask: a folder it creates is 0700 and a database file 0600 (SQLite
    // gives its -wal and -shm files the database's mode). An existing folder or file keeps its own.
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    file = join(resolve(dataDir), 'outpost.sqlite');
    closeSync(openSync(file, 'a', 0o600));
  }
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  // Another process holding a write lock (e.g. a second stub on the same dir) waits instead of failing at once.
  db.pragma('busy_timeout = 5000');
  try {
    migrate(db);
    return { db, epoch: epochOf(db), file };
  } catch (err) {
    db.close();
    throw err;
  }
}

function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > SCHEMA_VERSION) {
    throw new Error(
      `The data directory was written by a newer Outpost stub (schema ${current}, this one knows ${SCHEMA_VERSION}). Upgrade outpost or use another --data dir.`,
    );
  }
  for (let v = current; v < SCHEMA_VERSION; v++) {
    const step = MIGRATIONS[v]!;
    db.transaction(() => {
      if (typeof step === 'string') db.exec(step);
      else step(db);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}

// The epoch is fixed when a data store is created: cursors carry it, so a cursor from a data store
// that was wiped and recreated is recognised as stale (410) instead of silently skipping changes.
function epochOf(db: Db): string {
  const row = db.prepare(`SELECT value FROM meta WHERE key = 'epoch'`).get() as { value: string } | undefined;
  if (row) return row.value;
  const epoch = BigInt('0x' + randomBytes(6).toString('hex')).toString(36);
  db.prepare(`INSERT INTO meta (key, value) VALUES ('epoch', ?)`).run(epoch);
  return epoch;
}
