// The PostgreSQL schema and its versioned migrations, applied at start under an advisory lock so
// nodes starting together migrate once.
import { randomBytes } from 'node:crypto';
import type { Sql } from 'postgres';
import { inTransaction } from './postgres-begin.js';


// Migration 2's function as shipped; migration 3 restates it with the client guard.
const PUSH_WRITES_V2 = `CREATE FUNCTION outpost_push_writes(p_owner text, p_client text, p_first_id bigint, p_last_id bigint,
       p_collections text[], p_keys text[], p_base_revs bigint[], p_values text[], p_now bigint) RETURNS boolean
   LANGUAGE plpgsql AS $$
   DECLARE
     v_client record;
     v_top bigint;
     v_count int := cardinality(p_keys);
   BEGIN
     -- The user's change order first, as every push: this user's pushes commit in cursor order.
     INSERT INTO outpost_user_log (owner, seq) VALUES (p_owner, 0) ON CONFLICT (owner) DO UPDATE SET seq = outpost_user_log.seq;
     SELECT owner, last_mutation_id INTO v_client FROM outpost_clients WHERE client_id = p_client FOR UPDATE;
     IF FOUND AND (v_client.owner <> p_owner OR v_client.last_mutation_id >= p_first_id) THEN
       RETURN false;
     END IF;
     -- A put applies on its base rev (0: no document); a delete only on a live document at its base rev.
     IF EXISTS (
       SELECT 1 FROM unnest(p_collections, p_keys, p_base_revs, p_values) AS w(collection, key, base_rev, value)
       LEFT JOIN outpost_documents d ON d.owner = p_owner AND d.collection = w.collection AND d.key = w.key
       WHERE NOT CASE WHEN w.value IS NULL THEN d.rev IS NOT NULL AND NOT d.deleted AND d.rev = w.base_rev
                      ELSE coalesce(d.rev, 0) = w.base_rev END
     ) THEN
       RETURN false;
     END IF;
     -- Each write takes the user's next sequence number, in the order of the push.
     UPDATE outpost_user_log SET seq = seq + v_count WHERE owner = p_owner RETURNING seq INTO v_top;
     INSERT INTO outpost_documents (owner, collection, key, rev, seq, deleted, value, changed_at)
     SELECT p_owner, w.collection, w.key, 1, v_top - v_count + w.i, w.value IS NULL, w.value, p_now
     FROM unnest(p_collections, p_keys, p_values) WITH ORDINALITY AS w(collection, key, value, i)
     ON CONFLICT (owner, collection, key) DO UPDATE SET rev = outpost_documents.rev + 1, seq = excluded.seq, deleted = excluded.deleted, value = excluded.value, changed_at = excluded.changed_at;
     INSERT INTO outpost_clients (client_id, owner, last_mutation_id) VALUES (p_client, p_owner, p_last_id)
     ON CONFLICT (client_id) DO UPDATE SET last_mutation_id = excluded.last_mutation_id;
     RETURN true;
   END $$;`;

/**
 * The SET clause that keeps a client row's owner: an upsert of a row another user owns raises a
 * serialization failure (via outpost_client_taken, migration 3) instead of updating it.
 */
export const CLIENT_OWNER_GUARD = 'owner = CASE WHEN outpost_clients.owner = excluded.owner THEN excluded.owner ELSE outpost_client_taken(excluded.client_id) END';

// Migration 5's batch function as shipped; migration 6 restates it with the outcomes.
const PUSH_BATCH_V5 = `CREATE OR REPLACE FUNCTION outpost_push_batch(p_nows bigint[], p_owners text[], p_tokens text[], p_clients text[], p_first_ids bigint[], p_last_ids bigint[],
       p_counts int[], p_collections text[], p_keys text[], p_base_revs bigint[], p_values text[]) RETURNS text
   LANGUAGE plpgsql AS $$
   DECLARE
     v_out text := '';
     v_from int := 1;
     v_to int;
     v_n int;
     v_top bigint;
     v_client record;
   BEGIN
     FOR i IN 1 .. coalesce(cardinality(p_owners), 0) LOOP
       v_n := p_counts[i];
       v_to := v_from + v_n - 1;
       BEGIN
         -- One statement locks the user's change order, checks the session and takes the push's
         -- sequence numbers (the user's row is created at its first push).
         INSERT INTO outpost_user_log AS l (owner, seq)
           SELECT p_owners[i], v_n
           WHERE p_tokens[i] IS NULL OR EXISTS (SELECT 1 FROM outpost_sessions WHERE token_hash = p_tokens[i] AND owner = p_owners[i] AND expires_at > p_nows[i])
         ON CONFLICT (owner) DO UPDATE SET seq = l.seq + v_n
         RETURNING seq INTO v_top;
         IF NOT FOUND THEN
           v_out := v_out || 'u';
         ELSE
           SELECT owner, last_mutation_id INTO v_client FROM outpost_clients WHERE client_id = p_clients[i] FOR UPDATE;
           IF (FOUND AND (v_client.owner <> p_owners[i] OR v_client.last_mutation_id >= p_first_ids[i])) OR EXISTS (
             SELECT 1 FROM generate_series(v_from, v_to) AS j
             LEFT JOIN outpost_documents d ON d.owner = p_owners[i] AND d.collection = p_collections[j] AND d.key = p_keys[j]
             WHERE NOT CASE WHEN p_values[j] IS NULL THEN d.rev IS NOT NULL AND NOT d.deleted AND d.rev = p_base_revs[j]
                            ELSE coalesce(d.rev, 0) = p_base_revs[j] END
           ) THEN
             -- Declined: the subtransaction's rollback undoes the sequence numbers taken above.
             RAISE SQLSTATE 'OPDEC';
           END IF;
           INSERT INTO outpost_documents (owner, collection, key, rev, seq, deleted, value, changed_at)
           SELECT p_owners[i], p_collections[j], p_keys[j], 1, v_top - v_to + j, p_values[j] IS NULL, p_values[j], p_nows[i]
           FROM generate_series(v_from, v_to) AS j
           ON CONFLICT (owner, collection, key) DO UPDATE SET rev = outpost_documents.rev + 1, seq = excluded.seq, deleted = excluded.deleted, value = excluded.value, changed_at = excluded.changed_at;
           INSERT INTO outpost_clients (client_id, owner, last_mutation_id) VALUES (p_clients[i], p_owners[i], p_last_ids[i])
           ON CONFLICT (client_id) DO UPDATE SET last_mutation_id = excluded.last_mutation_id, ${CLIENT_OWNER_GUARD};
           v_out := v_out || 'a';
         END IF;
       EXCEPTION WHEN OTHERS THEN
         v_out := v_out || 'f';
       END;
       v_from := v_to + 1;
     END LOOP;
     RETURN v_out;
   END $$;`;

/** `text` with `from` replaced by `to`; throws when `from` is not there (a restated migration would silently differ). */
function edit(text: string, from: string, to: string): string {
  if (!text.includes(from)) throw new Error(`postgres-schema: '${from}' not found in the migration it edits`);
  return text.replace(from, to);
}

// Each client's latest push's outcomes (server-stub/push-record.ts), so a retry after a lost answer
// hears how its mutations went; NULL for rows of older versions (bare duplicates). The batch
// function takes them as a twelfth argument: a new overload, so nodes still running the previous
// build keep calling the eleven-argument one while a rolling update goes on (their pushes leave a
// row's outcomes as they were: still true of the ids they name, as an outcome never changes).
const MIGRATION_6 =
  'ALTER TABLE outpost_clients ADD COLUMN outcomes text;\n' +
  [
    ['p_values text[]) RETURNS text', 'p_values text[], p_outcomes text[]) RETURNS text'],
    ['(client_id, owner, last_mutation_id) VALUES (p_clients[i], p_owners[i], p_last_ids[i])', '(client_id, owner, last_mutation_id, outcomes) VALUES (p_clients[i], p_owners[i], p_last_ids[i], p_outcomes[i])'],
    // NULL keeps the row's outcomes, as StorageTx.setClient does.
    ['SET last_mutation_id = excluded.last_mutation_id,', 'SET last_mutation_id = excluded.last_mutation_id, outcomes = coalesce(excluded.outcomes, outpost_clients.outcomes),'],
  ].reduce((text, [from, to]) => edit(text, from!, to!), PUSH_BATCH_V5);

// Each entry moves the schema one version up; outpost_meta.schema_version records how far a
// database got. Never edit a shipped migration: append a new one. Tables are prefixed so an app's
// own tables can share the database.
const MIGRATIONS: string[] = [
  `CREATE TABLE outpost_meta (key text PRIMARY KEY, value text NOT NULL);
   -- seq: the user's last change number (the cursor); compacted_seq: highest seq of a removed tombstone.
   CREATE TABLE outpost_user_log (owner text PRIMARY KEY, seq bigint NOT NULL, compacted_seq bigint NOT NULL DEFAULT 0);
   CREATE TABLE outpost_documents (
     owner text NOT NULL, collection text NOT NULL, key text NOT NULL,
     rev bigint NOT NULL, seq bigint NOT NULL, deleted boolean NOT NULL, value text, changed_at bigint NOT NULL,
     PRIMARY KEY (owner, collection, key)
   );
   CREATE UNIQUE INDEX outpost_documents_by_seq ON outpost_documents (owner, seq);
   CREATE INDEX outpost_tombstones_by_age ON outpost_documents (owner, changed_at) WHERE deleted;
   CREATE TABLE outpost_clients (client_id text PRIMARY KEY, owner text NOT NULL, last_mutation_id bigint NOT NULL);
   CREATE INDEX outpost_clients_by_owner ON outpost_clients (owner);
   CREATE TABLE outpost_sessions (token_hash text PRIMARY KEY, owner text NOT NULL, created_at bigint NOT NULL, expires_at bigint NOT NULL);
   CREATE INDEX outpost_sessions_by_expiry ON outpost_sessions (expires_at);
   CREATE TABLE outpost_seeds (name text PRIMARY KEY, ran_at bigint NOT NULL);`,
  // A push of plain writes (puts and deletes of distinct documents) in one statement, so one round
  // trip: the statement is its own transaction. It applies only what the general push path
  // (server-stub/push.ts) would apply from the same state, and answers false, writing nothing, when
  // any write would not apply as sent: the caller then takes the general path, which decides.
  PUSH_WRITES_V2,
  // Two users' pushes naming the same new client id both found no client row; the second's upsert
  // then took over the first user's row. Now the upsert of a row another user owns fails as a
  // serialization failure: the push runs again, sees the owner, and is refused (client-id-taken).
  `CREATE FUNCTION outpost_client_taken(p_client text) RETURNS text LANGUAGE plpgsql AS $$
   BEGIN
     RAISE EXCEPTION 'client id % was claimed by another user meanwhile', p_client USING ERRCODE = '40001';
   END $$;
   ` + PUSH_WRITES_V2.replace('CREATE FUNCTION', 'CREATE OR REPLACE FUNCTION').replace('ON CONFLICT (client_id) DO UPDATE SET last_mutation_id = excluded.last_mutation_id;', `ON CONFLICT (client_id) DO UPDATE SET last_mutation_id = excluded.last_mutation_id, ${CLIENT_OWNER_GUARD};`),
  // Group commit: the pushes a node gathers while its earlier calls are in flight, in one call and
  // one transaction (one commit, one WAL flush). Push i has p_counts[i] writes, the next ones of
  // the flat write arrays. Each runs in a subtransaction of its own (the BEGIN … EXCEPTION block), so
  // a push that fails undoes nothing of the others; its letter is then 'f', like a push the
  // function declines, and the caller runs it the general way. A push with a token hash is applied
  // only if that token's session is unexpired and belongs to the push's owner ('u' otherwise,
  // nothing applied): the caller took the owner from a cache and this is the check, in the same
  // transaction as the writes. The caller orders the pushes by owner (a user's own pushes in arrival
  // order), so batches lock users' rows in one order and cannot deadlock each other.
  `CREATE FUNCTION outpost_push_batch(p_nows bigint[], p_owners text[], p_tokens text[], p_clients text[], p_first_ids bigint[], p_last_ids bigint[],
       p_counts int[], p_collections text[], p_keys text[], p_base_revs bigint[], p_values text[]) RETURNS text
   LANGUAGE plpgsql AS $$
   DECLARE
     v_out text := '';
     v_from int := 1;
     v_to int;
   BEGIN
     FOR i IN 1 .. coalesce(cardinality(p_owners), 0) LOOP
       v_to := v_from + p_counts[i] - 1;
       IF p_tokens[i] IS NOT NULL AND NOT EXISTS (
         SELECT 1 FROM outpost_sessions WHERE token_hash = p_tokens[i] AND owner = p_owners[i] AND expires_at > p_nows[i]
       ) THEN
         v_out := v_out || 'u';
       ELSE
         BEGIN
           v_out := v_out || CASE WHEN outpost_push_writes(p_owners[i], p_clients[i], p_first_ids[i], p_last_ids[i],
             p_collections[v_from:v_to], p_keys[v_from:v_to], p_base_revs[v_from:v_to], p_values[v_from:v_to], p_nows[i]) THEN 'a' ELSE 'f' END;
         EXCEPTION WHEN OTHERS THEN
           v_out := v_out || 'f';
         END;
       END IF;
       v_from := v_to + 1;
     END LOOP;
     RETURN v_out;
   END $$;`,
  // The same batch with each push in five statements instead of seven and a nested call: the
  // lock, the session check and the sequence numbers in one upsert; the client, the documents;
  // the writes; the client's id. A push that would not apply as sent raises inside its block, so
  // its subtransaction undoes the sequence numbers it took; the answer is the same as migration 4's.
  // (Same minutes, load 33-37: ~0.57x of migration 4's backend CPU per push, batches of 16.)
  PUSH_BATCH_V5,
  MIGRATION_6,
  // Each sign-in keeps at most --max-sessions of its user's sessions, found by this index.
  `CREATE INDEX outpost_sessions_by_owner ON outpost_sessions (owner, expires_at);`,
];

/** The schema version this build writes. */
export const PG_SCHEMA_VERSION = MIGRATIONS.length;

// pg_advisory_xact_lock key: any constant unlikely to collide with an app's own ("outpost" in ASCII).
const MIGRATION_LOCK = 0x6f7574706f7374n;

/**
 * Brings the schema up to date (or, for tests of a migration, up to `target`) and returns the data
 * store's epoch (created on first start).
 */
export async function migrate(sql: Sql<Record<string, never>>, target = PG_SCHEMA_VERSION): Promise<string> {
  // Not `sql.begin`: see postgres-begin.ts (a transaction it leaves open on a pooled connection).
  return inTransaction(sql, '', async (tx) => {
    await tx`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK.toString()}::bigint)`;
    const [{ exists }] = await tx<Array<{ exists: boolean }>>`SELECT to_regclass('outpost_meta') IS NOT NULL AS exists`;
    let current = 0;
    if (exists) {
      const rows = await tx<Array<{ value: string }>>`SELECT value FROM outpost_meta WHERE key = 'schema_version'`;
      current = rows.length ? Number(rows[0]!.value) : 0;
    }
    if (current > PG_SCHEMA_VERSION) {
      throw new Error(`The database was migrated by a newer Outpost stub (schema ${current}, this one knows ${PG_SCHEMA_VERSION}). Upgrade outpost or point --db at another database.`);
    }
    for (let v = current; v < target; v++) await tx.unsafe(MIGRATIONS[v]!);
    await tx`INSERT INTO outpost_meta (key, value) VALUES ('schema_version', ${String(Math.max(current, target))}) ON CONFLICT (key) DO UPDATE SET value = excluded.value`;
    // The epoch is fixed when a data store is created: cursors carry it, so a cursor from a database
    // that was wiped and recreated is recognised as stale (410) instead of silently skipping changes.
    const epoch = BigInt('0x' + randomBytes(6).toString('hex')).toString(36);
    await tx`INSERT INTO outpost_meta (key, value) VALUES ('epoch', ${epoch}) ON CONFLICT (key) DO NOTHING`;
    const [row] = await tx<Array<{ value: string }>>`SELECT value FROM outpost_meta WHERE key = 'epoch'`;
    return row!.value;
  });
}
