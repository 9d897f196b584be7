// SQLite's applyWrites (the plain-writes fast path of a push): as PostgreSQL's (push-writes.node.test.ts),
// it commits only what the general push path would, and otherwise applies nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SqliteStorage } from '../../server-stub/storage/sqlite.js';
import type { PlainWrite } from '../../server-stub/storage/types.js';
import { tempDir } from './helpers.js';

const put = (key: string, baseRev: number, value: object): PlainWrite => ({ collection: 'notes', key, baseRev, json: JSON.stringify(value) });
const del = (key: string, baseRev: number): PlainWrite => ({ collection: 'notes', key, baseRev, json: null });

test('applyWrites applies all of a push only when every write and the client check out, else nothing [sqlite]', async (t) => {
  const storage = new SqliteStorage(tempDir());
  t.after(() => storage.close());
  const poked: string[] = [];
  storage.watch((user) => poked.push(String(user)));
  const state = async (user = 'alice') => {
    const page = await storage.pull(user, 0, 100, 1 << 20);
    return { seq: page.seq, docs: page.changes.map((c) => [c.seq, c.change]), clients: page.lastMutationIds };
  };

  assert.equal(await storage.applyWrites('alice', 'c1', 1, 2, [put('a', 0, { n: 1 }), put('b', 0, { n: 2 })], 1000), true);
  const applied = {
    seq: 2,
    docs: [
      [1, { collection: 'notes', key: 'a', rev: 1, value: { n: 1 } }],
      [2, { collection: 'notes', key: 'b', rev: 1, value: { n: 2 } }],
    ],
    clients: { c1: 2 },
  };
  assert.deepEqual(await state(), applied, 'writes take the next sequence numbers in push order');
  assert.deepEqual(poked, ['alice'], 'the commit is announced for pokes');

  // Each of these would not apply as sent: nothing of the push is written, not even its valid writes.
  assert.equal(await storage.applyWrites('alice', 'c1', 2, 2, [put('c', 0, {})], 1000), false, 'an id already processed (duplicate)');
  assert.equal(await storage.applyWrites('alice', 'c1', 3, 4, [put('c', 0, {}), put('a', 0, {})], 1000), false, 'a stale baseRev (conflict)');
  assert.equal(await storage.applyWrites('alice', 'c1', 3, 3, [put('c', 0, {}), del('zz', 0)], 1000), false, 'a delete of a missing document');
  assert.equal(await storage.applyWrites('bob', 'c1', 9, 9, [put('c', 0, {})], 1000), false, "another user's client id");
  assert.deepEqual(await state(), applied);
  assert.deepEqual(await state('bob'), { seq: 0, docs: [], clients: {} });

  assert.equal(await storage.applyWrites('alice', 'c1', 3, 3, [del('a', 1)], 2000), true);
  assert.equal(await storage.applyWrites('alice', 'c2', 1, 1, [del('a', 2)], 2000), false, 'a delete of a tombstone');
  assert.equal(await storage.applyWrites('alice', 'c2', 1, 1, [put('a', 2, { back: true })], 3000), true, 'a put on a tombstone at its rev');
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
  const storage = new SqliteStorage(tempDir());
  t.after(() => storage.close());
  const results = await Promise.all([
    storage.applyWrites('alice', 'c1', 1, 1, [put('a', 0, { n: 1 })], 1000),
    storage.applyWrites('alice', 'c2', 1, 1, [put('a', 0, { n: 2 })], 1000),
    storage.applyWrites('alice', 'c3', 1, 1, [put('b', 0, { n: 3 })], 1000),
  ]);
  assert.deepEqual(results, [true, false, true], "the second is based on a rev the first's commit already moved");
  const page = await storage.pull('alice', 0, 100, 1 << 20);
  assert.deepEqual(page.changes.map((c) => c.change), [
    { collection: 'notes', key: 'a', rev: 1, value: { n: 1 } },
    { collection: 'notes', key: 'b', rev: 1, value: { n: 3 } },
  ]);
  assert.deepEqual(page.lastMutationIds, { c1: 1, c3: 1 });
});
