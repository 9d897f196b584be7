// SQLite group commit: transactions queued together run in one SQLite transaction (a savepoint each)
// and are committed — fsync'd — once; one that fails undoes nothing of the others. Commits are counted
// in the write-ahead log itself: every commit appends exactly one frame marked as a commit frame.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { copyFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteStorage } from '../../server-stub/storage/sqlite.js';
import { RESTART_FRAMES } from '../../server-stub/storage/sqlite-checkpoint.js';
import { commitsInWal, tempDir } from './helpers.js';

test('SQLite: transactions queued together commit once, and the one that fails undoes none of the others', async (t) => {
  const dir = tempDir();
  const storage = new SqliteStorage(dir);
  t.after(() => storage.close());
  const before = commitsInWal(dir);
  const now = Date.now();
  // Five pushes arriving in one turn of the event loop, the third failing after it wrote.
  const pushes = [0, 1, 2, 3, 4].map((i) =>
    storage.transaction(async (tx) => {
      await tx.lockUser('alice');
      const rev = await tx.writeDoc('alice', 'notes', `n${i}`, { i }, now);
      await tx.setClient(`client-${i}`, 'alice', 1);
      if (i === 2) throw new Error('push 2 refused after writing');
      return rev;
    }),
  );
  const settled = await Promise.allSettled(pushes);
  assert.deepEqual(
    settled.map((s) => s.status),
    ['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled'],
  );
  assert.match(String((settled[2] as PromiseRejectedResult).reason), /push 2 refused/);
  assert.equal(commitsInWal(dir) - before, 1, 'four applied pushes, one commit (one fsync)');

  const pulled = await storage.pull('alice', 0, 100, 1 << 20);
  assert.deepEqual(pulled.changes.map((c) => c.change.key), ['n0', 'n1', 'n3', 'n4'], 'the failed push left nothing; the others all committed');
  assert.deepEqual(pulled.changes.map((c) => c.seq), [1, 2, 3, 4], 'its sequence number was given back too');
  assert.deepEqual(pulled.lastMutationIds, { 'client-0': 1, 'client-1': 1, 'client-3': 1, 'client-4': 1 });

  // A push on its own is one commit as well: the count is of commits, not of batches that happen to be large.
  await storage.transaction(async (tx) => void (await tx.writeDoc('alice', 'notes', 'alone', {}, now)));
  assert.equal(commitsInWal(dir) - before, 2);
});

/** Documents in a copy of `<dir>/outpost.sqlite` alone, without its log: what checkpoints copied there. */
function documentsInDatabaseFile(dir: string): number {
  const copy = join(tempDir('outpost-copy-'), 'copy.sqlite');
  copyFileSync(join(dir, 'outpost.sqlite'), copy);
  const db = new Database(copy, { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM documents').get() as { n: number }).n;
  } catch {
    return 0; // caught mid-checkpoint, or before the schema reached the file
  } finally {
    db.close();
  }
}

test('SQLite: the log is checkpointed into the database file by a worker thread, long before a commit would do it', { timeout: 300_000 }, async (t) => {
  const dir = tempDir();
  const storage = new SqliteStorage(dir);
  t.after(() => storage.close());
  const now = Date.now();
  // One at a time: 40 commits of a few pages each, far below any automatic checkpoint mark.
  for (let i = 0; i < 40; i++) await storage.transaction(async (tx) => void (await tx.writeDoc('alice', 'notes', `n${i}`, { i }, now)));
  // The worker's checkpoints run after every 16 commits, on their own thread: wait until the file holds
  // them (without the worker this never happens, and the test fails at its timeout, which only bounds a hang).
  for (;;) {
    if (documentsInDatabaseFile(dir) >= 32) break;
    await new Promise((resolve) => setImmediate(resolve));
  }
  const pulled = await storage.pull('alice', 0, 100, 1 << 20);
  assert.equal(pulled.changes.length, 40, 'every commit is still read back through the connection');
});

test('SQLite: under steady writes the log starts over once it passes the restart mark, instead of growing to the fallback bound', { timeout: 300_000 }, async (t) => {
  const dir = tempDir();
  const storage = new SqliteStorage(dir);
  t.after(() => storage.close());
  const now = Date.now();
  const big = { text: 'x'.repeat(32 * 1024) };
  const wal = join(dir, 'outpost.sqlite-wal');
  const pageBytes = 4096 + 24;
  // Three times the restart mark's worth of pages, ten pushes at a time, so commits keep landing
  // while the worker checkpoints (a checkpoint alone never lets the log start over then).
  const target = 3 * RESTART_FRAMES * pageBytes;
  let written = 0;
  let maxWal = 0;
  for (let round = 0; written < target; round++) {
    await Promise.all(
      Array.from({ length: 10 }, (_, i) => storage.transaction(async (tx) => void (await tx.writeDoc('alice', 'notes', `n${round}-${i}`, big, now)))),
    );
    written += 10 * big.text.length;
    maxWal = Math.max(maxWal, statSync(wal).size);
  }
  assert.ok(maxWal < 2 * RESTART_FRAMES * pageBytes, `the log grew to ${(maxWal / 2 ** 20).toFixed(1)} MiB for ${(written / 2 ** 20).toFixed(0)} MiB written (restart mark ${(RESTART_FRAMES * pageBytes / 2 ** 20).toFixed(0)} MiB)`);
  const page = await storage.pull('alice', 0, 10_000, 1 << 30);
  assert.equal(page.changes.length, written / big.text.length, 'nothing was lost to the restarts');
});

test('SQLite: a commit is answered only after a flush started after it finished; at most two flushes run, and commits made while two run share the next one', { timeout: 60_000 }, async (t) => {
  const dir = tempDir();
  // The log's flushes, held until the test finishes them.
  const flushes: Array<() => void> = [];
  const storage = new SqliteStorage(dir, undefined, () => new Promise<void>((resolve) => flushes.push(resolve)));
  t.after(async () => {
    for (const finish of flushes) finish();
    await storage.close();
  });
  const until = async (condition: () => boolean) => {
    while (!condition()) await new Promise((resolve) => setImmediate(resolve));
  };
  const turns = async (n: number) => {
    for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
  };
  const before = commitsInWal(dir);
  const answered: string[] = [];
  const push = (key: string) => storage.transaction(async (tx) => void (await tx.writeDoc('alice', 'notes', key, {}, Date.now()))).then(() => void answered.push(key));

  const a = push('a');
  await until(() => flushes.length === 1);
  const b = push('b');
  await until(() => flushes.length === 2);
  assert.equal(commitsInWal(dir) - before, 2, 'the second flush started once b committed, while the first still ran');
  const c = push('c');
  await until(() => commitsInWal(dir) - before === 3);
  const d = push('d');
  await until(() => commitsInWal(dir) - before === 4);
  const pulled = storage.pull('alice', 0, 100, 1 << 20).then((page) => page.changes.map((ch) => ch.change.key));
  let read = false;
  void pulled.then(() => (read = true));
  await turns(20);
  assert.equal(flushes.length, 2, 'two flushes at a time');
  assert.deepEqual(answered, [], 'nothing is answered before a flush covering it finished');

  // The second flush ends first: it started after a and b committed, so it covers both.
  flushes[1]!();
  await Promise.all([a, b]);
  await until(() => flushes.length === 3);
  await turns(20);
  assert.deepEqual(answered.sort(), ['a', 'b'], 'the flushes running when c and d committed cover only a and b');
  assert.equal(read, false, 'a read that saw d waits for d to be flushed too');

  flushes[2]!();
  await Promise.all([c, d]);
  assert.deepEqual(answered.sort(), ['a', 'b', 'c', 'd'], 'c and d share the third flush');
  assert.deepEqual(await pulled, ['a', 'b', 'c', 'd']);
  flushes[0]!();
  await turns(20);
  assert.equal(flushes.length, 3, 'three flushes for four commits');
});
