// PostgreSQL for the stub's tests: each test gets a database of its own with a random name (created
// through OUTPOST_TEST_PG_URL and dropped afterwards), so parallel runs never collide.
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

/** Creates an empty database; resolves to its URL and a function dropping it (closing its connections). */
export async function freshDatabase(base = TEST_PG_URL): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = await adminConnection(base);
  const name = `outpost_t_${randomBytes(6).toString('hex')}`;
  await admin.unsafe(`CREATE DATABASE ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end({ timeout: 1 });
    },
  };
}
