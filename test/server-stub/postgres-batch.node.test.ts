// PostgreSQL group commit (`outpost_push_batch`, migration 4; storage/postgres-batch.ts): pushes of
// several users in one call and one transaction. Each push is isolated from the others: one that
// fails, names another user's client id or another user's session applies nothing of its own and
// undoes nothing of the rest; the others apply exactly once, a user's pushes in arrival order.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import postgres from 'postgres';
import { PostgresStorage } from '../../server-stub/storage/postgres.js';
import { batchArgs, type BatchedPush } from '../../server-stub/storage/postgres-batch.js';
import { migrate } from '../../server-stub/storage/postgres-schema.js';
import type { PlainWrite } from '../../server-stub/storage/types.js';
import { freshDatabase } from './postgres.js';

type Sql = ReturnType<typeof postgres>;

const put = (key: string, baseRev: number, value: object): PlainWrite => ({ collection: 'notes', key, baseRev, json: JSON.stringify(value) });
const push = (user: string, clientId: string, firstId: number, writes: PlainWrite[], session: string | null = null): BatchedPush => ({
  user,
  clientId,
  firstId,
  lastId: firstId + writes.length - 1,
  writes,
  now: 1000,
  session,
});

/** A migrated fresh schema and a connection to it, both gone after the test. */
async function schema(t: TestContext): Promise<{ sql: Sql; url: string }> {
  const database = await freshDatabase();
  const sql = postgres(database.url, { max: 2, onnotice: () => undefined });
  t.after(async () => {
    await sql.end({ timeout: 1 });
    await database.drop();
  });
  await migrate(sql);
  return { sql, url: database.url };
}

/** Calls outpost_push_batch with `pushes` in exactly this order (no sorting): one letter per push. */
async function callBatch(sql: Sql, pushes: BatchedPush[]): Promise<string> {
  const args = batchArgs([]).args;
  for (const p of pushes) {
    const one = batchArgs([p]).args;
    one.forEach((values, i) => (args[i] as unknown[]).push(...values));
  }
  const [nows, owners, tokens, clients, firstIds, lastIds, counts, collections, keys, baseRevs, values] = args;
  const [row] = await sql<Array<{ r: string }>>`SELECT outpost_push_batch(${nows}::bigint[], ${owners}::text[], ${tokens}::text[], ${clients}::text[], ${firstIds}::bigint[], ${lastIds}::bigint[],
    ${counts}::int[], ${collections}::text[], ${keys}::text[], ${baseRevs}::bigint[], ${values as string[]}::text[]) AS r`;
  return row!.r;
}

/** Every user's documents (key, rev, seq, value), change order, and clients, as stored. */
async function stored(sql: Sql) {
  const docs = await sql<Array<{ owner: string; key: string; rev: string; seq: string; value: string }>>`SELECT owner, key, rev, seq, value FROM outpost_documents ORDER BY owner, seq`;
  const logs = await sql<Array<{ owner: string; seq: string }>>`SELECT owner, seq FROM outpost_user_log WHERE seq > 0 ORDER BY owner`;
  const clients = await sql<Array<{ client_id: string; owner: string; last_mutation_id: string }>>`SELECT client_id, owner, last_mutation_id FROM outpost_clients ORDER BY client_id`;
  return {
    docs: docs.map((d) => `${d.owner}/${d.key} rev ${d.rev} seq ${d.seq} ${d.value}`),
    logs: logs.map((l) => `${l.owner} ${l.seq}`),
    clients: clients.map((c) => `${c.client_id} ${c.owner} ${c.last_mutation_id}`),
  };
}

test('one batch of several users: a failing push, a push naming another user\'s client id and a stale one apply nothing and leave the others applied once [postgres]', async (t) => {
  const { sql } = await schema(t);
  // Alice's client a1 exists before the batch.
  assert.equal(await callBatch(sql, [push('alice', 'a1', 1, [put('x', 0, { v: 0 })])]), 'a');
  const before = await stored(sql);

  const outcomes = await callBatch(sql, [
    push('alice', 'a1', 2, [put('x', 1, { v: 1 })]),
    // Bob names alice's client id: declined (the general path answers client-id-taken).
    push('bob', 'a1', 9, [put('stolen', 0, { bob: true })]),
    // Carol's push fails inside the database after it took her next sequence number (a key that is
    // null violates NOT NULL on the insert): its subtransaction undoes the sequence number too.
    push('carol', 'c1', 1, [put('fine', 0, { c: 1 }), { collection: 'notes', key: null as unknown as string, baseRev: 0, json: '{}' }]),
    // Dave's push is based on a rev the document does not have: declined.
    push('dave', 'd1', 1, [put('y', 5, { d: 1 })]),
    push('erin', 'e1', 1, [put('z', 0, { e: 1 })]),
    // Alice again in the same batch, after her first: sees its write (rev 2) and follows it in her change order.
    push('alice', 'a1', 3, [put('x', 2, { v: 2 })]),
  ]);
  assert.equal(outcomes, 'afffaa');
  const after = await stored(sql);
  assert.deepEqual(after.docs, [
    'alice/x rev 3 seq 3 {"v":2}',
    'erin/z rev 1 seq 1 {"e":1}',
  ]);
  assert.deepEqual(after.logs, ['alice 3', 'erin 1'], "carol's sequence number taken before her push failed is undone with it");
  assert.deepEqual(after.clients, ['a1 alice 3', 'e1 erin 1'], "bob's push left alice's client row alone; carol's and dave's clients were not recorded");
  assert.notDeepEqual(after, before);

  // The refused pushes really were refused for their own reasons: carol's valid write alone applies.
  assert.equal(await callBatch(sql, [push('carol', 'c1', 1, [put('fine', 0, { c: 1 })])]), 'a');
});

test("a push carrying a token hash applies only under an unexpired session of its own user; the others in the batch apply [postgres]", async (t) => {
  const { sql } = await schema(t);
  await sql`INSERT INTO outpost_sessions (token_hash, owner, created_at, expires_at) VALUES ('h-alice', 'alice', 0, 5000), ('h-bob', 'bob', 0, 5000), ('h-old', 'carol', 0, 500)`;
  const outcomes = await callBatch(sql, [
    push('alice', 'a1', 1, [put('x', 0, { a: 1 })], 'h-alice'),
    // Bob's token presented for alice's data: refused, nothing written to either.
    push('alice', 'a2', 1, [put('bobs', 0, { b: 1 })], 'h-bob'),
    push('carol', 'c1', 1, [put('old', 0, { c: 1 })], 'h-old'),
    push('dave', 'd1', 1, [put('none', 0, { d: 1 })], 'h-unknown'),
    push('bob', 'b1', 1, [put('y', 0, { b: 1 })], 'h-bob'),
    push('erin', 'e1', 1, [put('z', 0, { e: 1 })], null),
  ]);
  assert.equal(outcomes, 'auuuaa', "alice's own token, bob's for alice, carol's expired, an unknown one, bob's own, none (already checked)");
  const after = await stored(sql);
  assert.deepEqual(after.docs, ['alice/x rev 1 seq 1 {"a":1}', 'bob/y rev 1 seq 1 {"b":1}', 'erin/z rev 1 seq 1 {"e":1}']);
  assert.deepEqual(after.clients, ['a1 alice 1', 'b1 bob 1', 'e1 erin 1']);
});

test('the batcher orders a batch by user and keeps each user\'s pushes in arrival order', () => {
  const pushes = [push('carol', 'c', 1, [put('k1', 0, {})]), push('alice', 'a', 1, [put('k2', 0, {})]), push('carol', 'c', 2, [put('k3', 0, {})]), push('bob', 'b', 1, [put('k4', 0, {}), put('k5', 0, {})]), push('alice', 'a', 2, [put('k6', 0, {})])];
  const { order, args } = batchArgs(pushes);
  assert.deepEqual(order.map((p) => `${p.user}${p.firstId}`), ['alice1', 'alice2', 'bob1', 'carol1', 'carol2']);
  assert.deepEqual(args[1], ['alice', 'alice', 'bob', 'carol', 'carol']);
  assert.deepEqual(args[6], [1, 1, 2, 1, 1], 'writes per push');
  assert.deepEqual(args[8], ['k2', 'k6', 'k4', 'k5', 'k1', 'k3'], "each push's writes follow in its order");
});

test('pushes of several users arriving together go out as one call and each gets its own outcome [postgres]', async (t) => {
  const { url } = await schema(t);
  const storage = await PostgresStorage.open({ url, poolSize: 4 });
  t.after(() => storage.close());
  assert.equal(await storage.applyWrites('alice', 'a1', 1, 1, [put('x', 0, { v: 1 })], 1000), 'applied');
  const calls = storage.batchCalls;
  const outcomes = await Promise.all([
    storage.applyWrites('bob', 'b1', 1, 1, [put('y', 0, { b: 1 })], 1000),
    storage.applyWrites('bob', 'a1', 5, 5, [put('stolen', 0, {})], 1000),
    storage.applyWrites('alice', 'a1', 2, 2, [put('x', 1, { v: 2 })], 1000),
    storage.applyWrites('alice', 'a1', 2, 2, [put('x', 1, { v: 'again' })], 1000),
    storage.applyWrites('carol', 'c1', 1, 1, [put('x', 7, {})], 1000),
  ]);
  assert.equal(storage.batchCalls - calls, 1, 'the five pushes went out in one call');
  assert.deepEqual(outcomes, ['applied', 'declined', 'applied', 'declined', 'declined'], "bob's own push applies; his push as alice's client, alice's repeat of id 2 and carol's stale write do not");
  const alice = await storage.pull('alice', 0, 100, 1 << 20);
  assert.deepEqual(alice.changes.map((c) => c.change), [{ collection: 'notes', key: 'x', rev: 2, value: { v: 2 } }]);
  assert.deepEqual(alice.lastMutationIds, { a1: 2 });
  const bob = await storage.pull('bob', 0, 100, 1 << 20);
  assert.deepEqual(bob.changes.map((c) => c.change), [{ collection: 'notes', key: 'y', rev: 1, value: { b: 1 } }]);
  assert.deepEqual(bob.lastMutationIds, { b1: 1 });
});

test('two nodes sending batches of the same users in opposite arrival orders never deadlock: every push applies, each user\'s changes numbered without gaps [postgres]', async (t) => {
  const { url } = await schema(t);
  const nodes = await Promise.all([PostgresStorage.open({ url, poolSize: 2 }), PostgresStorage.open({ url, poolSize: 2 })]);
  t.after(() => Promise.all(nodes.map((n) => n.close())));
  const users = Array.from({ length: 10 }, (_, i) => `user${i}`);
  const ROUNDS = 5;
  for (let round = 0; round < ROUNDS; round++) {
    // Node A hears of the users in one order, node B in the other; each sends its pushes as one batch.
    const outcomes = await Promise.all([
      ...users.map((u) => nodes[0]!.applyWrites(u, `a-${u}-${round}`, 1, 1, [put(`a${round}`, 0, { round })], 1000)),
      ...[...users].reverse().map((u) => nodes[1]!.applyWrites(u, `b-${u}-${round}`, 1, 1, [put(`b${round}`, 0, { round })], 1000)),
    ]);
    // A deadlock would fail one push of a batch (caught in its block: declined) or the whole call.
    assert.deepEqual(new Set(outcomes), new Set(['applied']), `round ${round}: ${outcomes.join(',')}`);
  }
  for (const u of users) {
    const page = await nodes[0]!.pull(u, 0, 100, 1 << 20);
    assert.deepEqual(page.changes.map((c) => c.seq), Array.from({ length: 2 * ROUNDS }, (_, i) => i + 1), u);
  }
});
