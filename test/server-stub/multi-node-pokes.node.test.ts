// Pokes across PostgreSQL nodes at their edges: a change committed on one node while another node
// opens a stream; a schema whose name is too long for a channel name. Real nodes on one real database; the storage's methods are wrapped only to make
// the change land inside the window the test is about.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { startStub, type RunningStub } from '../../server-stub/index.js';
import { PostgresStorage } from '../../server-stub/storage/postgres.js';
import { client, login } from './helpers.js';
import { freshDatabase } from './postgres.js';
import { eventStream, seqOf } from './nodes.js';

// Waits are on conditions (a poke, a notice); this only ends a run that broke and would wait forever.
const HANG = { timeout: 120_000 };

/** Starts `n` in-process nodes on a fresh database (a schema named `outpost_t_<random><suffix>`). */
async function nodes(t: TestContext, n: number, suffix = ''): Promise<RunningStub[]> {
  const database = await freshDatabase(undefined, suffix);
  const stubs: RunningStub[] = [];
  t.after(async () => {
    for (const stub of stubs) await stub.close();
    await database.drop();
  });
  for (let i = 0; i < n; i++) stubs.push(await startStub({ port: 0, db: database.url }));
  return stubs;
}

test("a change committed on node A while node B reads a new stream's first cursor still pokes that stream", HANG, async (t) => {
  // Every change notice a storage hands to its node (what forwardPokes hears), and whose it was.
  const heard: Array<{ storage: PostgresStorage; user: string | undefined }> = [];
  let onHeard: () => void = () => undefined;
  const { watch, position } = PostgresStorage.prototype;
  t.after(() => Object.assign(PostgresStorage.prototype, { watch, position }));
  PostgresStorage.prototype.watch = function (this: PostgresStorage, listener) {
    watch.call(this, (user) => {
      listener(user);
      heard.push({ storage: this, user });
      onHeard();
    });
  };
  // Runs once, right after the next read of alice's head cursor and before its answer is used.
  let afterHeadRead: ((storage: PostgresStorage) => Promise<void>) | undefined;
  PostgresStorage.prototype.position = async function (this: PostgresStorage, user: string) {
    const head = await position.call(this, user);
    const during = user === 'alice' ? afterHeadRead : undefined;
    afterHeadRead = undefined;
    if (during) await during(this);
    return head;
  };

  const [a, b] = await nodes(t, 2);
  const token = await login(a!.url);
  const onA = client(a!.url, token);
  assert.equal((await onA.push({ name: 'put', collection: 'notes', key: 'before', baseRev: 0, value: {} })).status, 200);
  const caughtUp = (await onA.pullAll()).cursor;

  afterHeadRead = async (storage) => {
    // Another device's change, on node A, once B has read the head it will send the new stream.
    heard.length = 0;
    assert.equal((await onA.push({ name: 'put', collection: 'notes', key: 'meanwhile', baseRev: 0, value: {} })).status, 200);
    // B hears of it (A's NOTIFY) and its pokes go out in the next turn: let that turn pass first.
    while (!heard.some((h) => h.storage === storage && h.user === 'alice')) await new Promise<void>((r) => (onHeard = r));
    await new Promise((r) => setImmediate(r));
  };
  const stream = await eventStream(b!.url, token);
  t.after(() => stream.close());
  assert.equal(afterHeadRead, undefined, 'the change landed while the stream was being opened');
  // The first poke carries the head read before the change: a client caught up to it would not sync.
  assert.equal(await stream.poke(() => true), caughtUp);
  const head = (await onA.pullAll(caughtUp)).cursor;
  assert.ok(seqOf(head) > seqOf(caughtUp));
  assert.equal(await stream.poke((cursor) => seqOf(cursor) >= seqOf(head)), head, 'the change pokes the stream');
});

test('nodes on a schema whose name is too long for a channel name still poke each other', HANG, async (t) => {
  // 63 characters, the most PostgreSQL takes: `outpost_changes.` and it is past a channel name's 63 bytes.
  const [a, b] = await nodes(t, 2, '_' + 'x'.repeat(63 - 'outpost_t_'.length - 12 - 1));
  const token = await login(a!.url);
  const stream = await eventStream(b!.url, token);
  t.after(() => stream.close());
  const first = await stream.poke(() => true);
  const onA = client(a!.url, token);
  assert.equal((await onA.push({ name: 'put', collection: 'notes', key: 'n', baseRev: 0, value: {} })).status, 200);
  const head = (await onA.pullAll(first)).cursor;
  assert.equal(await stream.poke((cursor) => seqOf(cursor) >= seqOf(head)), head, "A's change pokes the stream on B");
});
