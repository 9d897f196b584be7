// PostgreSQL for the stub's tests: each test gets a schema of its own with a random name in the
// database of OUTPOST_TEST_PG_URL (created, then dropped afterwards), so parallel runs never collide.
// A schema, not a database: CREATE DATABASE costs seconds on a busy disk, CREATE SCHEMA nothing.
import postgres from 'postgres';
import { randomBytes } from 'node:crypto';

/** The PostgreSQL the tests use: `.ci/postgres` sets it up and prints this URL. */
export const TEST_PG_URL = process.env.OUTPOST_TEST_PG_URL || 'postgres://outpost:outpost@127.0.0.1:5432/outpost';

/** Connects to the test server's maintenance database; fails saying how to start PostgreSQL. */
export async function adminConnection(url = TEST_PG_URL) {
  const sql = postgres(url, { max: 1, onnotice: () => undefined, connect_timeout: 5 });
  try {
    await sql`SELECT 1`;
  } catch (err) {
    await sql.end({ timeout: 1 });
    throw new Error(
      `These tests need PostgreSQL at ${url.replace(/:[^:@/]*@/, ':***@')} and could not connect (${(err as Error).message}). ` +
        'Run .ci/postgres (installs PostgreSQL if missing, starts the cluster, creates the role and database), or set OUTPOST_TEST_PG_URL to a server whose role may CREATE DATABASE.',
      { cause: err },
    );
  }
  return sql;
}

/**
 * Creates an empty schema (named `outpost_t_<random>`, then `suffix`); resolves to a URL whose
 * connections use it (`?search_path=`) and a function dropping it. Close every stub using it first.
 */
export async function freshDatabase(base = TEST_PG_URL, suffix = ''): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = await adminConnection(base);
  const name = `outpost_t_${randomBytes(6).toString('hex')}${suffix}`;
  await admin.unsafe(`CREATE SCHEMA ${name}`);
  const url = new URL(base);
  url.searchParams.set('search_path', name);
  return {
    url: url.toString(),
    async drop() {
      await admin.unsafe(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
      await admin.end({ timeout: 1 });
    },
  };
}
