// A retried mutation whose first answer was lost hears that answer again: `duplicate` with
// `original` (server-stub/push-record.ts). Without it the client takes every duplicate as applied,
// and a rejected mutation's effect stays on the device for good.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import Database from 'better-sqlite3';
import postgres from 'postgres';
import { defineStubApp } from '../../server-stub/index.js';
import { eachBackend, stubFor, login, client, type Backend } from './helpers.js';

const APP = defineStubApp({
  mutations: {
    // `long`: a message of 5000 characters, made here (a push body has at most 1 MiB).
    refuse: (ctx, args) => ctx.reject('no-way', (args as { long?: boolean }).long ? 'x'.repeat(5000) : (args as { message: string }).message),
    touch: async (ctx) => void (await ctx.docs.put('notes', 'touched', { by: ctx.user })),
  },
});

/** A started stub of `backend` with {@link APP}, and a signed-in client of alice. */
async function setup(t: TestContext, backend: Backend) {
  const stub = await stubFor(t, { app: APP }, backend);
  return { stub, alice: client(stub.url, await login(stub.url)) };
}

/** The outcomes column of a client's row, read straight from the stub's storage. */
async function storedOutcomes(stub: { dataDir: string; db?: string }, clientId: string): Promise<string | null> {
  if (!stub.db) {
    const db = new Database(join(stub.dataDir, 'outpost.sqlite'), { readonly: true });
    try {
      return (db.prepare('SELECT outcomes FROM clients WHERE client_id = ?').get(clientId) as { outcomes: string | null }).outcomes;
    } finally {
      db.close();
    }
  }
  const sql = postgres(stub.db, { max: 1, onnotice: () => undefined });
  try {
    const [row] = await sql<Array<{ outcomes: string | null }>>`SELECT outcomes FROM outpost_clients WHERE client_id = ${clientId}`;
    return row!.outcomes;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

const put = (id: number, key: string, baseRev: number, value: object) => ({ id, name: 'put', collection: 'notes', key, baseRev, value });

eachBackend('a retried rejected mutation answers duplicate with the original rejection, and nothing is applied', async (t, backend) => {
  const { alice } = await setup(t, backend);
  const batch = [
    put(1, 'scalar', 0, { labels: 'not an array' }),
    { id: 2, name: 'addToSet', collection: 'notes', key: 'scalar', field: 'labels', values: ['x'] },
    { id: 3, name: 'refuse', args: { message: 'Not today.' } },
    { id: 4, name: 'nope', args: {} },
  ];
  const first = await alice.pushRaw(batch);
  assert.deepEqual(first.body.results.map((r: { status: string }) => r.status), ['applied', 'rejected', 'rejected', 'rejected']);
  // The answer was lost: the client sends the same push again.
  const retry = await alice.pushRaw(batch);
  assert.deepEqual(retry.body, {
    results: [
      { id: 1, status: 'duplicate', original: { status: 'applied', rev: 1 } },
      { id: 2, status: 'duplicate', original: { status: 'rejected', error: first.body.results[1].error } },
      { id: 3, status: 'duplicate', original: { status: 'rejected', error: { code: 'no-way', message: 'Not today.' } } },
      { id: 4, status: 'duplicate', original: { status: 'rejected', error: first.body.results[3].error } },
    ],
    lastMutationId: 4,
  });
  assert.equal(first.body.results[1].error.code, 'not-a-set');
  assert.deepEqual((await alice.pullAll()).changes, [{ collection: 'notes', key: 'scalar', rev: 1, value: { labels: 'not an array' } }]);
});

eachBackend('a retried conflict answers duplicate with the document as it is now, never another user\'s', async (t, backend) => {
  const { stub, alice } = await setup(t, backend);
  const bob = client(stub.url, await login(stub.url, 'bob'));
  await alice.pushRaw([put(1, 'n1', 0, { owner: 'alice' })]);
  // Bob has a document under the same collection and key, changed since.
  await bob.pushRaw([put(1, 'n1', 0, { owner: 'bob' }), put(2, 'n1', 1, { owner: 'bob', again: true })]);
  const stale = [put(2, 'n1', 0, { stale: true }), { id: 3, name: 'delete', collection: 'notes', key: 'gone', baseRev: 0 }];
  const first = await alice.pushRaw(stale);
  assert.deepEqual(first.body.results, [
    { id: 2, status: 'conflict', current: { rev: 1, value: { owner: 'alice' } } },
    { id: 3, status: 'conflict', current: { rev: 0, deleted: true } },
  ]);
  // Another of alice's clients changes the document before the retry: the retry sees that.
  const other = client(stub.url, await login(stub.url));
  await other.pushRaw([put(1, 'n1', 1, { owner: 'alice', edited: true })]);
  const retry = await alice.pushRaw(stale);
  assert.deepEqual(retry.body.results, [
    { id: 2, status: 'duplicate', original: { status: 'conflict', current: { rev: 2, value: { owner: 'alice', edited: true } } } },
    { id: 3, status: 'duplicate', original: { status: 'conflict', current: { rev: 0, deleted: true } } },
  ]);
  // Bob cannot retry under alice's client id (it is hers): nothing of hers or of the record comes back.
  const stolen = await client(stub.url, await login(stub.url, 'bob'), alice.clientId).pushRaw(stale);
  assert.equal(stolen.status, 409);
  assert.equal(stolen.body.error.code, 'client-id-taken');
});

eachBackend('only the latest push is remembered: older ids answer a bare duplicate; a retry of its ids alone keeps it whole', async (t, backend) => {
  const { alice } = await setup(t, backend);
  await alice.pushRaw([put(1, 'a', 0, { v: 1 })]);
  await alice.pushRaw([put(2, 'a', 1, { v: 2 }), put(3, 'b', 0, { v: 1 })]);
  const older = await alice.pushRaw([put(1, 'a', 0, { v: 1 }), put(2, 'a', 1, { v: 2 })]);
  assert.deepEqual(older.body.results, [
    { id: 1, status: 'duplicate' },
    { id: 2, status: 'duplicate', original: { status: 'applied', rev: 2 } },
  ]);
  // That push applied nothing new, so the record still holds id 3 as well.
  const again = await alice.pushRaw([put(3, 'b', 0, { v: 1 })]);
  assert.deepEqual(again.body.results, [{ id: 3, status: 'duplicate', original: { status: 'applied', rev: 1 } }]);
});

eachBackend('a chain of lost answers still replays: the record covers the replayed mutations with the new ones', async (t, backend) => {
  const { alice } = await setup(t, backend);
  const refused = { id: 1, name: 'refuse', args: { message: 'No.' } };
  await alice.pushRaw([refused]);
  // Lost; the retry carries a new mutation too, and its answer is lost as well.
  await alice.pushRaw([refused, put(2, 'k', 0, { v: 1 })]);
  const third = await alice.pushRaw([refused, put(2, 'k', 0, { v: 1 }), put(3, 'k', 1, { v: 2 })]);
  assert.deepEqual(third.body.results, [
    { id: 1, status: 'duplicate', original: { status: 'rejected', error: { code: 'no-way', message: 'No.' } } },
    { id: 2, status: 'duplicate', original: { status: 'applied', rev: 1 } },
    { id: 3, status: 'applied', rev: 2 },
  ]);
});

eachBackend('a push of plain puts and deletes (the fast path) records its outcomes too', async (t, backend) => {
  const { alice } = await setup(t, backend);
  await alice.pushRaw([put(1, 'a', 0, { v: 1 })]);
  const batch = [put(2, 'a', 1, { v: 2 }), put(3, 'b', 0, {}), { id: 4, name: 'delete', collection: 'notes', key: 'b', baseRev: 0 }];
  // Ids 2 and 3 only: a delete at rev 0 is a conflict, which the fast path leaves to the general one.
  const first = await alice.pushRaw(batch.slice(0, 2));
  assert.deepEqual(first.body.results, [{ id: 2, status: 'applied', rev: 2 }, { id: 3, status: 'applied', rev: 1 }]);
  const retry = await alice.pushRaw(batch);
  assert.deepEqual(retry.body.results, [
    { id: 2, status: 'duplicate', original: { status: 'applied', rev: 2 } },
    { id: 3, status: 'duplicate', original: { status: 'applied', rev: 1 } },
    { id: 4, status: 'conflict', current: { rev: 1, value: {} } },
  ]);
});

eachBackend('applied custom mutations answer a bare duplicate (their writes are not kept); the record stays small', async (t, backend) => {
  const { stub, alice } = await setup(t, backend);
  // 198 emoji: a cut at 199 UTF-16 units would leave half of one.
  const emoji = '😀'.repeat(198);
  const batch = [
    { id: 1, name: 'touch', args: {} },
    { id: 2, name: 'refuse', args: { long: true } },
    { id: 3, name: 'refuse', args: { message: emoji } },
    ...Array.from({ length: 997 }, (_, i) => ({ id: 4 + i, name: 'refuse', args: { long: true } })),
  ];
  const first = await alice.pushRaw(batch);
  assert.deepEqual(first.body.results[0], { id: 1, status: 'applied', rev: 0, writes: [{ collection: 'notes', key: 'touched', rev: 1 }] });
  assert.equal(first.body.results[1].error.message, 'x'.repeat(5000), 'the first answer carries the whole message');
  const retry = await alice.pushRaw(batch);
  assert.deepEqual(retry.body.results[0], { id: 1, status: 'duplicate' });
  const clipped = retry.body.results[1].original.error;
  assert.equal(clipped.code, 'no-way');
  assert.equal(clipped.message, `${'x'.repeat(199)}…`);
  const halfEmoji = retry.body.results[2].original.error.message as string;
  // encodeURIComponent throws on a lone surrogate.
  assert.doesNotThrow(() => encodeURIComponent(halfEmoji), 'no half of a surrogate pair is left');
  assert.ok(halfEmoji.endsWith('😀…') && halfEmoji.length === 199, `${halfEmoji.length} units`);
  // 999 rejections with messages of 5000 characters: the row keeps ~220 bytes of each.
  const stored = (await storedOutcomes(stub, alice.clientId))!;
  assert.equal((JSON.parse(stored) as unknown[]).length, 999);
  assert.ok(stored.length < 999 * 230, `the record is ${stored.length} characters`);
});
