// SQLite's writer thread: plain pushes (applyWrites) run as group commits on a worker thread's own
// connection. The same guarantees as on the main thread — a savepoint per push, every answer after
// its commit's flush, sessions checked at once — and a thread that ends mid-batch costs the batch a
// 503 (it may have committed), never a lost or doubled push; a new thread takes over.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { SqliteStorage } from '../../server-stub/storage/sqlite.js';
import { StorageUnavailable, type PlainWrite } from '../../server-stub/storage/types.js';
import type { WriterFault } from '../../server-stub/storage/sqlite-plain.js';
import { commitsInWal, tempDir } from './helpers.js';

const put = (key: string, baseRev = 0, value: unknown = { key }): PlainWrite => ({ collection: 'notes', key, baseRev, json: JSON.stringify(value) });

async function open(t: { after: (fn: () => Promise<void>) => void }, options: { writerFault?: WriterFault; flushLog?: (fd: number) => Promise<void> } = {}) {
  const dir = tempDir();
  const logged: string[] = [];
  const storage = new SqliteStorage(dir, (message) => void logged.push(message), options.flushLog, { writerFault: options.writerFault });
  await storage.opened();
  assert.equal(storage.onWriterThread, true, 'plain pushes go to the writer thread');
  t.after(() => storage.close());
  return { dir, storage, logged };
}

async function documents(storage: SqliteStorage, user: string) {
  const page = await storage.pull(user, 0, 1000, 1 << 20);
  return { docs: page.changes.map((c) => `${c.change.key}@${c.change.rev}`), lastMutationIds: page.lastMutationIds };
}

test('SQLite writer thread: plain pushes arriving together commit once; a declined or failing one undoes none of the others', async (t) => {
  const { dir, storage } = await open(t);
  await storage.applyWrites('alice', 'seed', 1, 1, [put('taken')], Date.now());
  // Writes into collection 'doomed' fail inside SQLite (as a full disk would), on whatever connection.
  const other = new Database(join(dir, 'outpost.sqlite'));
  t.after(() => other.close());
  other.exec(`CREATE TRIGGER refuse BEFORE INSERT ON documents WHEN NEW.collection = 'doomed' BEGIN SELECT RAISE(ABORT, 'simulated I/O error'); END`);
  const before = commitsInWal(dir);
  const now = Date.now();
  const results = await Promise.allSettled([
    storage.applyWrites('alice', 'c1', 1, 1, [put('a')], now),
    storage.applyWrites('alice', 'c2', 1, 1, [put('taken')], now), // at rev 1 already: not as sent
    storage.applyWrites('alice', 'c3', 1, 2, [put('partial'), { collection: 'doomed', key: 'x', baseRev: 0, json: '{}' }], now),
    storage.applyWrites('bob', 'c4', 1, 2, [put('b'), put('c')], now),
  ]);
  assert.deepEqual(
    results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).name)),
    ['applied', 'declined', 'StorageUnavailable', 'applied'],
  );
  assert.match(String((results[2] as PromiseRejectedResult).reason), /simulated I\/O error/);
  assert.equal(commitsInWal(dir) - before, 1, 'one commit for the batch');
  assert.deepEqual(await documents(storage, 'alice'), { docs: ['taken@1', 'a@1'], lastMutationIds: { seed: 1, c1: 1 } }, 'nothing of the declined or failed pushes');
  assert.deepEqual(await storage.position('alice'), { seq: 2, compactedSeq: 0 }, 'their sequence numbers were given back too');
  assert.deepEqual(await documents(storage, 'bob'), { docs: ['b@1', 'c@1'], lastMutationIds: { c4: 2 } });
});

test('SQLite writer thread: a plain push is answered only once a flush started after its commit finished', { timeout: 60_000 }, async (t) => {
  const flushes: Array<() => void> = [];
  const { storage } = await open(t, { flushLog: () => new Promise<void>((resolve) => flushes.push(resolve)) });
  t.after(() => {
    for (const finish of flushes) finish();
  });
  const until = async (condition: () => boolean) => {
    while (!condition()) await new Promise((resolve) => setImmediate(resolve));
  };
  let answered = false;
  const push = storage.applyWrites('alice', 'c1', 1, 1, [put('a')], Date.now()).then((outcome) => ((answered = true), outcome));
  await until(() => flushes.length === 1 || answered);
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
  assert.equal(answered, false, 'committed by the thread, not answered before the flush');
  flushes[0]!();
  assert.equal(await push, 'applied');
});

test('SQLite writer thread: a read made while a batch is in flight, after the thread committed it, answers only once that commit is flushed', { timeout: 60_000 }, async (t) => {
  const flushes: Array<() => void> = [];
  const { dir, storage } = await open(t, { flushLog: () => new Promise<void>((resolve) => flushes.push(resolve)) });
  t.after(() => {
    for (const finish of flushes) finish();
  });
  const before = commitsInWal(dir);
  const push = storage.applyWrites('alice', 'c1', 1, 1, [put('a')], Date.now());
  // The batch goes to the thread in the storage's setImmediate, which runs before this one.
  await new Promise((resolve) => setImmediate(resolve));
  // Held on this thread until the writer's COMMIT is in the log: its reply cannot be taken meanwhile,
  // so the read below runs between the commit and the storage learning of it.
  const deadline = Date.now() + 30_000;
  while (commitsInWal(dir) === before) if (Date.now() > deadline) throw new Error('the writer thread did not commit within 30 s');
  let answered = false;
  const read = documents(storage, 'alice').then((docs) => ((answered = true), docs));
  for (const end = Date.now() + 20_000; !flushes.length && Date.now() < end; ) await new Promise((resolve) => setTimeout(resolve, 10));
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
  assert.equal(answered, false, 'the read saw a commit that is not yet on disk: it must wait for its flush');
  for (const finish of flushes.splice(0)) finish();
  assert.equal(await push, 'applied');
  assert.deepEqual((await read).docs, ['a@1']);
});

test('SQLite writer thread: a session revoked on the main connection or by another process refuses the next push at once', async (t) => {
  const { dir, storage } = await open(t);
  const hash = (token: string) => createHash('sha256').update(token).digest('hex');
  const far = Date.now() + 3_600_000;
  await storage.createSession(hash('one'), 'alice', far, Date.now(), 100);
  await storage.createSession(hash('two'), 'alice', far, Date.now(), 100);
  assert.equal(await storage.applyWrites('alice', 'c1', 1, 1, [put('a')], Date.now(), hash('one')), 'applied');
  assert.equal(await storage.applyWrites('alice', 'c2', 1, 1, [put('b')], Date.now(), hash('two')), 'applied', 'both sessions now cached by the thread');
  assert.equal(await storage.applyWrites('bob', 'c3', 1, 1, [put('c')], Date.now(), hash('one')), 'unauthorized', "alice's session does not admit bob");

  assert.equal(await storage.revokeSession(hash('one')), true);
  assert.equal(await storage.applyWrites('alice', 'c1', 2, 2, [put('d')], Date.now(), hash('one')), 'unauthorized');

  const other = new Database(join(dir, 'outpost.sqlite'));
  t.after(() => other.close());
  assert.equal(other.prepare('DELETE FROM sessions WHERE token_hash = ?').run(hash('two')).changes, 1);
  assert.equal(await storage.applyWrites('alice', 'c2', 2, 2, [put('e')], Date.now(), hash('two')), 'unauthorized');
  assert.deepEqual((await documents(storage, 'alice')).docs, ['a@1', 'b@1'], 'nothing of the refused pushes was applied');
});

for (const fault of ['exit-before-commit', 'exit-after-commit'] as const) {
  test(`SQLite writer thread: a thread ending mid-batch (${fault}) answers the batch 503, a new thread takes over, and retries apply each push exactly once`, { timeout: 120_000 }, async (t) => {
    const { storage, logged } = await open(t, { writerFault: fault });
    assert.equal(storage.onWriterThread, true);
    const now = Date.now();
    const batch = await Promise.allSettled([storage.applyWrites('alice', 'c1', 1, 1, [put('a')], now), storage.applyWrites('alice', 'c2', 1, 2, [put('b'), put('c')], now)]);
    for (const r of batch) {
      assert.equal(r.status, 'rejected');
      const err = (r as PromiseRejectedResult).reason as StorageUnavailable;
      assert.ok(err instanceof StorageUnavailable, String(err));
      assert.equal(err.maybeApplied, true, 'the answer does not claim nothing was applied');
      assert.match(err.message, /writer thread/);
    }
    assert.match(logged.join('\n'), /writer thread stopped; plain pushes run on the main thread until a new one is open/);

    // Its connection is gone with it: the main connection writes at once (no lock left behind).
    await storage.transaction(async (tx) => void (await tx.writeDoc('bob', 'notes', 'x', {}, now)));
    await storage.opened();
    assert.equal(storage.onWriterThread, true, 'a new thread is open');

    // The clients retry (the HTTP layer sends a declined push down the general path: 'duplicate').
    const retried = await Promise.all([storage.applyWrites('alice', 'c1', 1, 1, [put('a')], now), storage.applyWrites('alice', 'c2', 1, 2, [put('b'), put('c')], now)]);
    assert.deepEqual(retried, fault === 'exit-after-commit' ? ['declined', 'declined'] : ['applied', 'applied'], 'committed before the thread ended, or not at all');
    assert.deepEqual(await documents(storage, 'alice'), { docs: ['a@1', 'b@1', 'c@1'], lastMutationIds: { c1: 1, c2: 2 } }, 'each push applied exactly once');

    // The new thread carries on.
    assert.equal(await storage.applyWrites('alice', 'c1', 2, 2, [put('a', 1, { again: true })], Date.now()), 'applied');
    assert.deepEqual((await documents(storage, 'alice')).docs, ['b@1', 'c@1', 'a@2']);
    assert.equal(logged.length, 1, 'one stop, no further failures');
  });
}
