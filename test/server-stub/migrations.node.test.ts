import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { startStub } from '../../server-stub/index.js';
import { SCHEMA_VERSION } from '../../server-stub/db.js';
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import postgres from 'postgres';
import { PG_SCHEMA_VERSION, migrate } from '../../server-stub/storage/postgres-schema.js';
import { tempDir, client, post } from './helpers.js';
import { freshDatabase } from './postgres.js';

/** The schema-1 fixtures' data as alice's old client pulls it after the migration; returns that client. */
async function pullsSchema1Data(url: string): Promise<ReturnType<typeof client>> {
  const alice = client(url, 'legacy-token-of-alice', 'old-client');
  const pulled = await alice.pullAll();
  assert.deepEqual(pulled.changes, [
    { collection: 'notes', key: 'a', rev: 1, value: { text: 'from v1' } },
    { collection: 'notes', key: 'b', rev: 2, deleted: true },
  ]);
  assert.equal(pulled.cursor, 'v1epoch.2.0', 'the epoch is kept: old cursors stay valid');
  assert.equal(pulled.lastMutationIds['old-client'], 7);
  return alice;
}

test('a new data dir is created at the current schema version in WAL mode with synchronous = FULL', async () => {
  const dataDir = tempDir();
  const stub = await startStub({ port: 0, dataDir });
  await stub.close();
  const db = new Database(join(dataDir, 'outpost.sqlite'), { readonly: true });
  assert.equal(db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
  assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  db.close();
});

test('a data dir written by a newer stub is refused with a message saying what to do', async () => {
  const dataDir = tempDir();
  const db = new Database(join(dataDir, 'outpost.sqlite'));
  db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
  db.close();
  await assert.rejects(startStub({ port: 0, dataDir }), /newer Outpost stub.*another --data dir/);
});

test('a data dir from schema 1 is migrated in place: data, cursors, clients and signed-in tokens keep working, tokens end up hashed', async () => {
  const dataDir = tempDir();
  const file = join(dataDir, 'outpost.sqlite');
  const old = new Database(file);
  old.exec(readFileSync(new URL('./fixtures/schema-v1.sql', import.meta.url), 'utf8'));
  old.close();
  // The fixture's tombstone is from 2023: keep it, so the test sees every row came through.
  const stub = await startStub({ port: 0, dataDir, tombstoneRetentionMs: Infinity });
  try {
    await pullsSchema1Data(stub.url);
    const next = await post(`${stub.url}/sync/v1/push`, { protocol: 1, clientId: 'old-client', mutations: [{ id: 8, name: 'put', collection: 'notes', key: 'c', baseRev: 0, value: {} }] }, { token: 'legacy-token-of-alice' });
    assert.deepEqual(next.body.results, [{ id: 8, status: 'applied', rev: 1 }]);
    // Schema 3 keeps outcomes from now on; id 7's went unrecorded: a bare duplicate, as before.
    const retry = await post(`${stub.url}/sync/v1/push`, { protocol: 1, clientId: 'old-client', mutations: [{ id: 7, name: 'put', collection: 'notes', key: 'x', baseRev: 0, value: {} }, { id: 8, name: 'put', collection: 'notes', key: 'c', baseRev: 0, value: {} }] }, { token: 'legacy-token-of-alice' });
    assert.deepEqual(retry.body.results, [{ id: 7, status: 'duplicate' }, { id: 8, status: 'duplicate', original: { status: 'applied', rev: 1 } }]);
  } finally {
    await stub.close();
  }
  const db = new Database(file, { readonly: true });
  assert.equal(db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
  const sessions = db.prepare('SELECT * FROM sessions').all();
  db.close();
  assert.ok(!JSON.stringify(sessions).includes('legacy-token-of-alice'), 'the plain token is gone');
  assert.ok(JSON.stringify(sessions).includes(createHash('sha256').update('legacy-token-of-alice').digest('hex')));
});

test('a PostgreSQL data store at schema 1 is migrated at start: data, cursors, clients and sessions keep working, and plain-write pushes use the new function [postgres]', async () => {
  const database = await freshDatabase();
  const sql = postgres(database.url, { max: 1, onnotice: () => undefined });
  try {
    await sql.unsafe(readFileSync(new URL('./fixtures/pg-schema-v1.sql', import.meta.url), 'utf8'));
    const stub = await startStub({ port: 0, dataDir: tempDir(), db: database.url, tombstoneRetentionMs: Infinity });
    try {
      const alice = await pullsSchema1Data(stub.url);
      const next = await alice.pushRaw([
        { id: 8, name: 'put', collection: 'notes', key: 'c', baseRev: 0, value: {} },
        { id: 9, name: 'put', collection: 'notes', key: 'b', baseRev: 2, value: { back: true } },
      ]);
      assert.deepEqual(next.body, { results: [{ id: 8, status: 'applied', rev: 1 }, { id: 9, status: 'applied', rev: 3 }], lastMutationId: 9 });
    } finally {
      await stub.close();
    }
    const [{ value }] = await sql<Array<{ value: string }>>`SELECT value FROM outpost_meta WHERE key = 'schema_version'`;
    assert.equal(Number(value), PG_SCHEMA_VERSION);
    const [fn] = await sql`SELECT 1 FROM pg_proc WHERE proname = 'outpost_push_writes' AND pronamespace = current_schema()::regnamespace`;
    assert.ok(fn, 'the migration installed outpost_push_writes in the data store schema');
  } finally {
    await sql.end({ timeout: 1 });
    await database.drop();
  }
});

for (const from of [3, 4]) test(`a PostgreSQL data store at schema ${from} is migrated at start: data, clients and sessions keep working, and pushes go through outpost_push_batch [postgres]`, async () => {
  const database = await freshDatabase();
  const sql = postgres(database.url, { max: 1, onnotice: () => undefined });
  try {
    await migrate(sql, from);
    const token = 'token-from-schema-3';
    await sql`INSERT INTO outpost_sessions (token_hash, owner, created_at, expires_at) VALUES (${createHash('sha256').update(token).digest('hex')}, 'alice', 0, ${Date.now() + 86_400_000})`;
    const [{ applied }] = await sql`SELECT outpost_push_writes('alice', 'old-client', 1, 1, ARRAY['notes'], ARRAY['a'], ARRAY[0::bigint], ARRAY['{"from":3}'], 1000) AS applied`;
    assert.equal(applied, true);
    assert.equal((await sql`SELECT 1 FROM pg_proc WHERE proname = 'outpost_push_batch' AND pronamespace = current_schema()::regnamespace`).length, from >= 4 ? 1 : 0, 'the batch function came with schema 4');
    const [{ source }] = await sql<Array<{ source: string }>>`SELECT md5(prosrc) AS source FROM pg_proc WHERE proname IN ('outpost_push_batch', 'outpost_push_writes') AND pronamespace = current_schema()::regnamespace ORDER BY proname LIMIT 1`;

    const stub = await startStub({ port: 0, dataDir: tempDir(), db: database.url });
    try {
      const alice = client(stub.url, token, 'old-client');
      const pulled = await alice.pullAll();
      assert.deepEqual(pulled.changes, [{ collection: 'notes', key: 'a', rev: 1, value: { from: 3 } }]);
      assert.equal(pulled.lastMutationIds['old-client'], 1);
      const next = await alice.pushRaw([{ id: 2, name: 'put', collection: 'notes', key: 'a', baseRev: 1, value: { from: 4 } }]);
      assert.deepEqual(next.body, { results: [{ id: 2, status: 'applied', rev: 2 }], lastMutationId: 2 });
      const again = await alice.pushRaw([{ id: 2, name: 'put', collection: 'notes', key: 'a', baseRev: 1, value: { from: 4 } }]);
      assert.deepEqual(again.body, { results: [{ id: 2, status: 'duplicate', original: { status: 'applied', rev: 2 } }], lastMutationId: 2 });
    } finally {
      await stub.close();
    }
    const [{ value }] = await sql<Array<{ value: string }>>`SELECT value FROM outpost_meta WHERE key = 'schema_version'`;
    assert.equal(Number(value), PG_SCHEMA_VERSION);
    assert.equal(PG_SCHEMA_VERSION, 7);
    const [{ now }] = await sql<Array<{ now: string }>>`SELECT md5(prosrc) AS now FROM pg_proc WHERE proname IN ('outpost_push_batch', 'outpost_push_writes') AND pronamespace = current_schema()::regnamespace ORDER BY proname LIMIT 1`;
    assert.notEqual(now, source, 'migration 5 replaced the batch function (or migration 4 installed it)');
  } finally {
    await sql.end({ timeout: 1 });
    await database.drop();
  }
});

test('a PostgreSQL data store at schema 5 gains recorded outcomes; a node of the previous build still pushes through its batch function [postgres]', async () => {
  const database = await freshDatabase();
  const sql = postgres(database.url, { max: 1, onnotice: () => undefined });
  try {
    await migrate(sql, 5);
    const token = 'token-from-schema-5';
    await sql`INSERT INTO outpost_sessions (token_hash, owner, created_at, expires_at) VALUES (${createHash('sha256').update(token).digest('hex')}, 'alice', 0, ${Date.now() + 86_400_000})`;
    // The previous build's call: eleven arguments, no outcomes.
    const oldNodePush = async (id: number, key: string) =>
      (await sql<Array<{ r: string }>>`SELECT outpost_push_batch(ARRAY[1000]::bigint[], ARRAY['alice'], ARRAY[NULL]::text[], ARRAY['old-client'], ARRAY[${id}]::bigint[], ARRAY[${id}]::bigint[],
        ARRAY[1], ARRAY['notes'], ARRAY[${key}], ARRAY[0]::bigint[], ARRAY['{}']) AS r`)[0]!.r;
    assert.equal(await oldNodePush(1, 'a'), 'a');
    const stub = await startStub({ port: 0, dataDir: tempDir(), db: database.url });
    try {
      const alice = client(stub.url, token, 'old-client');
      assert.deepEqual((await alice.pushRaw([{ id: 2, name: 'put', collection: 'notes', key: 'b', baseRev: 0, value: {} }])).body.results, [{ id: 2, status: 'applied', rev: 1 }]);
      // A node still on the previous build applies id 3 after the migration: the row keeps id 2's outcome.
      assert.equal(await oldNodePush(3, 'c'), 'a', 'applied');
      const retry = await alice.pushRaw([1, 2, 3].map((id) => ({ id, name: 'put', collection: 'notes', key: 'x', baseRev: 0, value: {} })));
      assert.deepEqual(retry.body.results, [
        { id: 1, status: 'duplicate' },
        { id: 2, status: 'duplicate', original: { status: 'applied', rev: 1 } },
        { id: 3, status: 'duplicate' },
      ]);
    } finally {
      await stub.close();
    }
  } finally {
    await sql.end({ timeout: 1 });
    await database.drop();
  }
});
