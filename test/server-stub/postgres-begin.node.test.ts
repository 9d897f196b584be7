// The stub's PostgreSQL transactions run on a connection reserved before BEGIN is sent. postgres.js's
// own sql.begin can send BEGIN on a connection it never reserved (at a full pipeline: with
// max_pipeline 0 always), failing with UNSAFE_TRANSACTION and leaving the transaction open on a
// pooled connection; inTransaction must commit, roll back and honour its mode all the same, and
// the schema migration (through it) must run there too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import postgres from 'postgres';
import { inTransaction } from '../../server-stub/storage/postgres-begin.js';
import { migrate, PG_SCHEMA_VERSION } from '../../server-stub/storage/postgres-schema.js';
import { freshDatabase } from './postgres.js';

test('inTransaction commits, rolls back on a throw and applies its mode where the driver would not reserve a connection for BEGIN', async (t) => {
  const db = await freshDatabase();
  t.after(() => db.drop());
  // max_pipeline is a postgres.js option its types leave out (a variable skips the literal's check).
  const options = { max: 2, max_pipeline: 0, onnotice: () => undefined };
  const pool = () => postgres(db.url, options);

  // The driver's own transaction on such a pool: the failure inTransaction avoids.
  const plain = pool();
  await assert.rejects(plain.begin((tx) => tx`SELECT 1`), /UNSAFE_TRANSACTION/);
  await plain.end({ timeout: 1 });

  const sql = pool();
  t.after(() => sql.end({ timeout: 1 }));
  await sql`CREATE TABLE numbers (n int)`;
  await inTransaction(sql, '', async (tx) => {
    await tx`INSERT INTO numbers VALUES (1)`;
    // Not awaited: it still commits with the rest.
    void tx`INSERT INTO numbers VALUES (2)`.catch(() => undefined);
  });
  const rows = async () => (await sql<Array<{ n: number }>>`SELECT n FROM numbers ORDER BY n`).map((r) => r.n);
  assert.deepEqual(await rows(), [1, 2]);

  await assert.rejects(
    inTransaction(sql, '', async (tx) => {
      await tx`INSERT INTO numbers VALUES (3)`;
      throw new Error('handler failed');
    }),
    /handler failed/,
  );
  assert.deepEqual(await rows(), [1, 2], 'the failed transaction left nothing');

  await assert.rejects(inTransaction(sql, 'READ ONLY', (tx) => tx`INSERT INTO numbers VALUES (4)`), /read-only transaction/);
});

test('the schema migration runs where the driver would not reserve a connection for BEGIN: the schema is made once, its epoch kept', async (t) => {
  const db = await freshDatabase();
  t.after(() => db.drop());
  const options = { max: 2, max_pipeline: 0, onnotice: () => undefined };
  const sql = postgres(db.url, options);
  t.after(() => sql.end({ timeout: 1 }));
  const epoch = await migrate(sql);
  assert.equal(await migrate(sql), epoch, 'migrated again: nothing to do, the same epoch');
  const [{ value }] = await sql<Array<{ value: string }>>`SELECT value FROM outpost_meta WHERE key = 'schema_version'`;
  assert.equal(Number(value), PG_SCHEMA_VERSION);
});
