// PostgreSQL: a client id is checked by reading its row, but a new id has no row to lock. Two users'
// pushes naming the same new id both saw none; the second's upsert then took over the first user's
// row (its last mutation id), so the first user's next mutations could be answered `duplicate` and
// dropped. Each test here holds one user's claim of the id open in a transaction of its own, lets the
// other user's push reach the upsert and wait on it, then commits the claim: the push must be refused
// with client-id-taken and the claimed row keep its owner and last mutation id.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import postgres from 'postgres';
import { stubFor, login, client, type Reply } from './helpers.js';
import type { StubApp } from '../../server-stub/index.js';

const app: StubApp = {
  mutations: {
    async note(ctx, args) {
      await ctx.docs.put('notes', 'n', args as { text: string });
    },
  },
};

async function raceOnNewClientId(t: TestContext, mutation: Record<string, unknown>): Promise<void> {
  const stub = await stubFor(t, { app }, 'postgres');
  const sql = postgres(stub.db!, { max: 2, onnotice: () => undefined });
  t.after(() => sql.end({ timeout: 1 }));
  const bob = client(stub.url, await login(stub.url, 'bob'), 'shared-id');

  // Alice's claim of the id, not yet committed.
  const claim = await sql.reserve();
  t.after(() => claim.release());
  await claim`BEGIN`;
  await claim`INSERT INTO outpost_clients (client_id, owner, last_mutation_id) VALUES ('shared-id', 'alice', 7)`;
  const claimer = (await claim<Array<{ pid: number }>>`SELECT pg_backend_pid() AS pid`)[0]!.pid;

  const pushed: Promise<Reply> = bob.push(mutation);
  // Bob's push has read no row and now waits on the unique index for alice's claim to end.
  for (;;) {
    const [{ waiting }] = await sql<Array<{ waiting: number }>>`
      SELECT count(*)::int AS waiting FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE NOT l.granted AND l.locktype = 'transactionid' AND a.pid <> ${claimer} AND a.datname = current_database()`;
    if (waiting > 0) break;
    const settled = await Promise.race([pushed.then(() => true), new Promise<false>((r) => setTimeout(() => r(false), 20))]);
    assert.equal(settled, false, 'the push finished before it reached the client upsert: the race was not set up');
  }
  await claim`COMMIT`;

  const r = await pushed;
  assert.equal(r.status, 409, JSON.stringify(r.body));
  assert.equal(r.body.error?.code, 'client-id-taken');
  const rows = await sql<Array<{ owner: string; last_mutation_id: string }>>`SELECT owner, last_mutation_id FROM outpost_clients WHERE client_id = 'shared-id'`;
  assert.deepEqual(rows.map((x) => [x.owner, Number(x.last_mutation_id)]), [['alice', 7]], "alice's client row is untouched");
  const docs = await sql`SELECT 1 FROM outpost_documents WHERE owner = 'bob'`;
  assert.equal(docs.length, 0, "nothing of bob's refused push was written");
}

test('a plain put naming a new client id another user claims meanwhile is refused with client-id-taken, and the claim keeps its owner [postgres]', async (t) => {
  await raceOnNewClientId(t, { name: 'put', collection: 'notes', key: 'n', baseRev: 0, value: { text: 'bob' } });
});

test('a custom mutation naming a new client id another user claims meanwhile is refused with client-id-taken, and the claim keeps its owner [postgres]', async (t) => {
  await raceOnNewClientId(t, { name: 'note', args: { text: 'bob' } });
});
