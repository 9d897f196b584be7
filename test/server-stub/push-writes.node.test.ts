// The one-statement push of plain writes (PostgreSQL's `outpost_push_writes`, SQLite's one job of
// the group commit): it commits only what the general push path would, and otherwise applies
// nothing so the general path decides.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { PostgresStorage } from '../../server-stub/storage/postgres.js';
import { SqliteStorage } from '../../server-stub/storage/sqlite.js';
import type { PlainWrite } from '../../server-stub/storage/types.js';
import { BACKENDS, eachBackend, stubFor, login, client, tempDir, type Backend } from './helpers.js';
import { freshDatabase } from './postgres.js';

const put = (key: string, baseRev: number, value: object): PlainWrite => ({ collection: 'notes', key, baseRev, json: JSON.stringify(value) });
const del = (key: string, baseRev: number): PlainWrite => ({ collection: 'notes', key, baseRev, json: null });

/** A storage of `backend` on a fresh data dir or schema, closed (and dropped) after the test. */
async function openStorage(t: TestContext, backend: Backend): Promise<SqliteStorage | PostgresStorage> {
  if (backend === 'sqlite') {
    const storage = new SqliteStorage(tempDir());
    t.after(() => storage.close());
    return storage;
  }
  const database = await freshDatabase();
  const storage = await PostgresStorage.open({ url: database.url, poolSize: 2 });
  t.after(async () => {
    await storage.close();
    await database.drop();
  });
  return storage;
}

for (const backend of BACKENDS) test(`applyWrites applies all of a push only when every write and the client check out, else nothing [${backend}]`, async (t) => {
  const storage = await openStorage(t, backend);
  const poked = new Set<string>();
  let heard!: () => void;
  const announced = new Promise<void>((resolve) => (heard = resolve));
  storage.watch((user) => {
    poked.add(String(user));
    heard();
  });
  const state = async (user = 'alice') => {
    const page = await storage.pull(user, 0, 100, 1 << 20);
    return { seq: page.seq, docs: page.changes.map((c) => [c.seq, c.change]), clients: page.lastMutationIds };
  };

  assert.equal(await storage.applyWrites('alice', 'c1', 1, 2, [put('a', 0, { n: 1 }), put('b', 0, { n: 2 })], 1000), 'applied');
  const applied = {
    seq: 2,
    docs: [
      [1, { collection: 'notes', key: 'a', rev: 1, value: { n: 1 } }],
      [2, { collection: 'notes', key: 'b', rev: 1, value: { n: 2 } }],
    ],
    clients: { c1: 2 },
  };
  assert.deepEqual(await state(), applied, 'writes take the next sequence numbers in push order');
  // PostgreSQL announces through LISTEN/NOTIFY, after the commit: wait for it.
  await announced;
  assert.deepEqual([...poked], ['alice'], 'the commit is announced for pokes');

  // Each of these would not apply as sent: nothing of the push is written, not even its valid writes.
  assert.equal(await storage.applyWrites('alice', 'c1', 2, 2, [put('c', 0, {})], 1000), 'declined', 'an id already processed (duplicate)');
  assert.equal(await storage.applyWrites('alice', 'c1', 3, 4, [put('c', 0, {}), put('a', 0, {})], 1000), 'declined', 'a stale baseRev (conflict)');
  assert.equal(await storage.applyWrites('alice', 'c1', 3, 3, [put('c', 0, {}), del('zz', 0)], 1000), 'declined', 'a delete of a missing document');
  assert.equal(await storage.applyWrites('alice', 'c1', 3, 3, [put('b', 2, {})], 1000), 'declined', 'a put on a baseRev past the rev');
  assert.equal(await storage.applyWrites('alice', 'c1', 3, 3, [del('b', 2)], 1000), 'declined', 'a delete on a baseRev past the rev');
  assert.equal(await storage.applyWrites('bob', 'c1', 9, 9, [put('c', 0, {})], 1000), 'declined', "another user's client id");
  assert.deepEqual(await state(), applied);
  assert.deepEqual(await state('bob'), { seq: 0, docs: [], clients: {} });

  assert.equal(await storage.applyWrites('alice', 'c1', 3, 3, [del('a', 1)], 2000), 'applied');
  assert.equal(await storage.applyWrites('alice', 'c2', 1, 1, [del('a', 2)], 2000), 'declined', 'a delete of a tombstone');
  assert.equal(await storage.applyWrites('alice', 'c2', 1, 1, [put('a', 2, { back: true })], 3000), 'applied', 'a put on a tombstone at its rev');
  assert.deepEqual(await state(), {
    seq: 4,
    docs: [
      [2, { collection: 'notes', key: 'b', rev: 1, value: { n: 2 } }],
      [4, { collection: 'notes', key: 'a', rev: 3, value: { back: true } }],
    ],
    clients: { c1: 3, c2: 1 },
  });
});

test('applyWrites joins the group commit: pushes arriving together commit once, and one refused writes nothing beside the others [sqlite]', async (t) => {
  const storage = await openStorage(t, 'sqlite');
  const results = await Promise.all([
    storage.applyWrites('alice', 'c1', 1, 1, [put('a', 0, { n: 1 })], 1000),
    storage.applyWrites('alice', 'c2', 1, 1, [put('a', 0, { n: 2 })], 1000),
    storage.applyWrites('alice', 'c3', 1, 1, [put('b', 0, { n: 3 })], 1000),
  ]);
  assert.deepEqual(results, ['applied', 'declined', 'applied'], "the second is based on a rev the first's commit already moved");
  const page = await storage.pull('alice', 0, 100, 1 << 20);
  assert.deepEqual(page.changes.map((c) => c.change), [
    { collection: 'notes', key: 'a', rev: 1, value: { n: 1 } },
    { collection: 'notes', key: 'b', rev: 1, value: { n: 3 } },
  ]);
  assert.deepEqual(page.lastMutationIds, { c1: 1, c3: 1 });
});

eachBackend('a push of puts and deletes answers as the general path: applied, conflicts beside applied writes, duplicates', async (t, backend) => {
  const stub = await stubFor(t, {}, backend);
  const token = await login(stub.url);
  const c = client(stub.url, token, 'writer');
  const first = await c.push(
    { name: 'put', collection: 'notes', key: 'a', baseRev: 0, value: { n: 1 } },
    { name: 'put', collection: 'notes', key: 'b', baseRev: 0, value: { n: 2 } },
  );
  assert.deepEqual(first.body, { results: [{ id: 1, status: 'applied', rev: 1 }, { id: 2, status: 'applied', rev: 1 }], lastMutationId: 2 });
  // One stale write among good ones: the good ones still apply (the fast path must not drop them).
  const mixed = await c.push(
    { name: 'put', collection: 'notes', key: 'c', baseRev: 0, value: { n: 3 } },
    { name: 'put', collection: 'notes', key: 'a', baseRev: 0, value: { stale: true } },
    { name: 'delete', collection: 'notes', key: 'b', baseRev: 1 },
  );
  assert.deepEqual(mixed.body, {
    results: [
      { id: 3, status: 'applied', rev: 1 },
      { id: 4, status: 'conflict', current: { rev: 1, value: { n: 1 } } },
      { id: 5, status: 'applied', rev: 2 },
    ],
    lastMutationId: 5,
  });
  // The same push again (a retry after a lost reply): duplicates naming the first answer, nothing applied twice.
  const again = await c.pushRaw([{ id: 5, name: 'delete', collection: 'notes', key: 'b', baseRev: 1 }]);
  assert.deepEqual(again.body, { results: [{ id: 5, status: 'duplicate', original: { status: 'applied', rev: 2 } }], lastMutationId: 5 });
  // Two writes of one document in one push: the second is based on the first.
  const chain = await c.push(
    { name: 'put', collection: 'notes', key: 'd', baseRev: 0, value: { v: 1 } },
    { name: 'put', collection: 'notes', key: 'd', baseRev: 1, value: { v: 2 } },
  );
  assert.deepEqual(chain.body.results, [{ id: 6, status: 'applied', rev: 1 }, { id: 7, status: 'applied', rev: 2 }]);
  const pulled = await client(stub.url, token).pullAll();
  assert.deepEqual(
    pulled.changes.map((ch: { key: string }) => ch),
    [
      { collection: 'notes', key: 'a', rev: 1, value: { n: 1 } },
      { collection: 'notes', key: 'c', rev: 1, value: { n: 3 } },
      { collection: 'notes', key: 'b', rev: 2, deleted: true },
      { collection: 'notes', key: 'd', rev: 2, value: { v: 2 } },
    ],
  );
  assert.equal(pulled.lastMutationIds.writer, 7);
});

test('50 concurrent pushers of one user, puts only, pulling from saved cursors, never miss a change [postgres]', { timeout: 300_000 }, async (t) => {
  // 50 at once of one user: past the default --max-in-flight (32), which is not what this tests.
  const stub = await stubFor(t, { dbPoolSize: 8, limits: { requestsInFlightPerUser: Infinity } }, 'postgres');
  const token = await login(stub.url);
  const ROUNDS = 3;
  const replicas = await Promise.all(
    Array.from({ length: 50 }, async (_, i) => {
      const replica = new Map<string, unknown>();
      let cursor: string | null = null as string | null;
      const pusher = client(stub.url, token, `pusher-${i}`);
      for (let round = 0; round < ROUNDS; round++) {
        const r = await pusher.push(
          { name: 'put', collection: 'notes', key: `k${i}-${round}`, baseRev: 0, value: { i, round } },
          ...(round > 0 ? [{ name: 'delete', collection: 'notes', key: `k${i}-${round - 1}`, baseRev: 1 }] : []),
        );
        assert.equal(r.status, 200, JSON.stringify(r.body));
        assert.ok(r.body.results.every((x: { status: string }) => x.status === 'applied'), JSON.stringify(r.body));
        const pulled = await pusher.pullAll(cursor);
        for (const ch of pulled.changes) replica.set(`${ch.collection}/${ch.key}`, ch);
        cursor = pulled.cursor;
        assert.ok(replica.has(`notes/k${i}-${round}`), 'a pull after my push sees my push');
      }
      return { replica, cursor };
    }),
  );
  for (const { replica, cursor } of replicas) {
    for (const ch of (await client(stub.url, token).pullAll(cursor)).changes) replica.set(`${ch.collection}/${ch.key}`, ch);
  }
  const server = await client(stub.url, token).pullAll(null);
  const truth = new Map<string, unknown>(server.changes.map((ch: { collection: string; key: string }) => [`${ch.collection}/${ch.key}`, ch]));
  assert.equal(truth.size, 50 * ROUNDS);
  assert.equal(server.changes.filter((ch: { deleted?: boolean }) => !ch.deleted).length, 50);
  for (const { replica } of replicas) assert.deepEqual(replica, truth, "a client's replica equals the server");
});

eachBackend('values with quotes, backslashes, braces, commas and newlines, and keys spelled NULL, survive a push of plain writes', async (t, backend) => {
  const stub = await stubFor(t, {}, backend);
  const c = client(stub.url, await login(stub.url));
  // Keys and collections may only use letters, digits, _ . - (protocol); values are any JSON.
  const keys = ['NULL', 'null', 'a.b-c_d', '0'];
  const texts = ['a"b', 'back\\slash', '{braces}', 'x,y', 'NULL', 'line\nbreak\ttab', 'ünï😀', "it's", '\\"{,}\\'];
  const value = (i: number) => ({ text: texts[i % texts.length]!, all: texts, nested: { q: texts[(i + 1) % texts.length]!, n: null } });
  const r = await c.push(...keys.map((key, i) => ({ name: 'put', collection: 'NULL', key, baseRev: 0, value: value(i) })));
  assert.deepEqual(r.body.results, keys.map((_, i) => ({ id: i + 1, status: 'applied', rev: 1 })));
  const pulled = await client(stub.url, await login(stub.url)).pullAll();
  assert.deepEqual(pulled.changes, keys.map((key, i) => ({ collection: 'NULL', key, rev: 1, value: value(i) })));
});
