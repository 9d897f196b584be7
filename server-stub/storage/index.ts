// Picks the storage a server runs on: PostgreSQL for a postgres:// URL, else SQLite in a data dir.
import { SqliteStorage } from './sqlite.js';
import type { Storage } from './types.js';

/** Where the server keeps its data. */
export interface StorageOptions {
  /** `postgres://…` (or `postgresql://…`) for PostgreSQL; absent for SQLite in `dataDir`. */
  db?: string;
  /** SQLite data directory, or `':memory:'`. */
  dataDir: string;
  /** PostgreSQL connection pool size per node. */
  poolSize?: number;
  /** Told of background failures (e.g. SQLite's checkpoint thread); default `console.error`. */
  log?: (message: string, err: unknown) => void;
}

/** True for a connection string the PostgreSQL storage takes. */
export function isPostgresUrl(db: string): boolean {
  return /^postgres(ql)?:\/\//i.test(db);
}

/**
 * `url` with its password masked, for messages and logs. The userinfo ends at the authority's last
 * `@` (the driver and WHATWG URLs both take that one), so an unescaped `@` in a password is masked too.
 */
export function redactDbUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:@/?#]*):[^/?#]*@/i, '$1:***@');
}

/**
 * Opens the storage. PostgreSQL's module (and its client) load only when asked for.
 * @throws Error naming the fix for an unsupported `db` or an unreachable database.
 */
export async function openStorage(options: StorageOptions): Promise<Storage> {
  if (options.db === undefined) {
    const storage = new SqliteStorage(options.dataDir, options.log);
    await storage.opened();
    return storage;
  }
  if (!isPostgresUrl(options.db)) {
    throw new Error(`--db must be a postgres://user:password@host:port/database URL (got '${redactDbUrl(options.db)}'). Leave it out to use SQLite in --data.`);
  }
  const { PostgresStorage } = await import('./postgres.js');
  return PostgresStorage.open({ url: options.db, poolSize: options.poolSize });
}
