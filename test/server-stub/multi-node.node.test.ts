// Several stub nodes on one PostgreSQL database: conformance through a round-robin proxy, sessions
// and pokes across nodes, concurrent pushers, a node SIGKILLed mid-push.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { startStub, runConformance, CONFORMANCE_CHECKS, type RunningStub, type StubOptions } from '../../server-stub/index.js';
import { StubProcess } from '../../testing/index.js';
import { EXPIRY_CHECK, client, login, post } from './helpers.js';
import { freshDatabase } from './postgres.js';
import { eventStream, roundRobinProxy, seqOf } from './nodes.js';

const APP = fileURLToPath(new URL('./fixtures/test-app.mjs', import.meta.url));
// Waits are on conditions (a poke, a reply); this only ends a run that broke and would wait forever.
const HANG = { timeout: 300_000 };

/** Starts `n` nodes together (they race to migrate the fresh database) on one database. */
async function nodes(t: TestContext, n: number, options: StubOptions = {}): Promise<RunningStub[]> {
  const database = await freshDatabase();
  const started = await Promise.allSettled(Array.from({ length: n }, () => startStub({ port: 0, db: database.url, ...options })));
  const stubs = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  t.after(async () => {
    for (const stub of stubs) await stub.close();
    await database.drop();
  });
  for (const s of started) if (s.status === 'rejected') throw s.reason;
  return stubs;
}

test('three PostgreSQL nodes behind a round-robin proxy pass every conformance check', HANG, async (t) => {
  // As in conformance.node.test.ts: the 410 check alone against nodes with a short retention.
  const login = { user: 'alice', password: 'alice', otherUser: { user: 'bob', password: 'bob' } };
  const behindProxy = async (options: StubOptions) => {
    const proxy = await roundRobinProxy((await nodes(t, 3, options)).map((s) => s.url));
    t.after(() => proxy.close());
    return proxy.url;
  };
  const report = await runConformance({ ...login, url: await behindProxy({}) });
  for (const r of report.results) assert.equal(r.status, r.name === EXPIRY_CHECK ? 'skipped' : 'passed', `${r.name}: ${r.reason}`);
  assert.equal(report.results.length, CONFORMANCE_CHECKS.length);
  const expiry = await runConformance({ ...login, url: await behindProxy({ tombstoneRetentionMs: 1000 }), tombstoneRetentionMs: 1000, checks: [EXPIRY_CHECK] });
  assert.deepEqual(expiry.results.map((r) => [r.status, r.reason]), [['passed', undefined]]);
});

test('a token from node A works on B and C; a write on A pokes a stream on B; clients on different nodes converge', HANG, async (t) => {
  const [a, b, c] = await nodes(t, 3, { app: APP });
  const token = await login(a!.url);
  const stream = await eventStream(b!.url, token);
  t.after(() => stream.close());
  const first = await stream.poke(() => true);
  const onA = client(a!.url, token);
  const onC = client(c!.url, token);
  assert.equal((await onA.push({ name: 'put', collection: 'notes', key: 'from-a', baseRev: 0, value: { n: 1 } })).status, 200);
  const poked = await stream.poke((cursor) => seqOf(cursor) > seqOf(first));
  const seenOnC = await onC.pullAll();
  assert.equal(poked, seenOnC.cursor, "B's poke carries the cursor a pull on C reaches");
  assert.equal((await onC.push({ name: 'patch', collection: 'notes', key: 'from-a', baseRev: 1, patch: { by: 'c' } })).status, 200);
  // A handler on C writing to bob: bob's stream on A hears it.
  const bobToken = await login(c!.url, 'bob');
  const bobStream = await eventStream(a!.url, bobToken);
  t.after(() => bobStream.close());
  const bobFirst = await bobStream.poke(() => true);
  await onC.push({ name: 'sendNote', args: { id: 'n1', to: 'bob', text: 'hi' } });
  await bobStream.poke((cursor) => seqOf(cursor) > seqOf(bobFirst));
  const viaA = await client(a!.url, token).pullAll();
  const viaB = await client(b!.url, token).pullAll();
  assert.deepEqual(viaA.changes, viaB.changes);
  assert.deepEqual(
    viaA.changes.find((ch: { key: string }) => ch.key === 'from-a'),
    { collection: 'notes', key: 'from-a', rev: 2, value: { n: 1, by: 'c' } },
  );
});

test('50 concurrent pushers of one user spread over three nodes, pulling from saved cursors, never miss a change', HANG, async (t) => {
  // 50 at once of one user: more than the default --max-in-flight (32) could land on one node.
  const stubs = await nodes(t, 3, { dbPoolSize: 6, limits: { requestsInFlightPerUser: Infinity } });
  const token = await login(stubs[0]!.url);
  const ROUNDS = 2;
  const replicas = await Promise.all(
    Array.from({ length: 50 }, async (_, i) => {
      const replica = new Map<string, unknown>();
      let cursor: string | null = null as string | null;
      const pushVia = client(stubs[i % 3]!.url, token, `pusher-${i}`);
      for (let round = 0; round < ROUNDS; round++) {
        // The set operation first: it reads the shared document before anything else of the push.
        const r = await pushVia.push(
          { name: 'addToSet', collection: 'shared', key: 'all', field: 'members', values: [`${i}-${round}`] },
          { name: 'put', collection: 'notes', key: `k${i}-${round}`, baseRev: 0, value: { i, round } },
        );
        assert.equal(r.status, 200, JSON.stringify(r.body));
        // Pull through another node than the one pushed to, from the cursor saved last time.
        const pulled = await client(stubs[(i + round + 1) % 3]!.url, token, `pusher-${i}`).pullAll(cursor);
        for (const ch of pulled.changes) replica.set(`${ch.collection}/${ch.key}`, ch);
        cursor = pulled.cursor;
        assert.ok(replica.has(`notes/k${i}-${round}`), 'a pull after my push sees my push');
      }
      return { replica, cursor };
    }),
  );
  // Everyone is done pushing: each client catches up from its saved cursor.
  for (const [i, { replica, cursor }] of replicas.entries()) {
    const last = await client(stubs[i % 3]!.url, token).pullAll(cursor);
    for (const ch of last.changes) replica.set(`${ch.collection}/${ch.key}`, ch);
  }
  const server = await client(stubs[1]!.url, token).pullAll(null);
  const truth = new Map<string, unknown>(server.changes.map((ch: { collection: string; key: string }) => [`${ch.collection}/${ch.key}`, ch]));
  assert.equal(truth.size, 50 * ROUNDS + 1);
  assert.equal((truth.get('shared/all') as { value: { members: string[] } }).value.members.length, 50 * ROUNDS, 'no lost set update');
  for (const { replica } of replicas) assert.deepEqual(replica, truth, "a client's replica equals the server");
});

test('SIGKILL one of two nodes during pushes: every acknowledged mutation is there exactly once and clients carry on through the other', HANG, async (t) => {
  const database = await freshDatabase();
  const args = ['--db', database.url, '--app', APP];
  const [a, b] = [new StubProcess({ args, onStderr: () => undefined }), new StubProcess({ args, onStderr: () => undefined })];
  t.after(async () => {
    await a.dispose();
    await b.dispose();
    await database.drop();
  });
  const [urlA, urlB] = [await a.start(), await b.start()];
  const token = await login(urlB);
  const CLIENTS = 4;
  const PER_CLIENT = 30;
  const acked: number[][] = Array.from({ length: CLIENTS }, () => []);
  const push = (url: string, c: number, n: number) => post(`${url}/sync/v1/push`, { protocol: 1, clientId: `k${c}`, mutations: [{ id: n, name: 'append', args: { n } }] }, { token });
  let killed: Promise<void> | undefined;
  const clients = Array.from({ length: CLIENTS }, async (_, c) => {
    let url = c % 2 ? urlB : urlA;
    for (let n = 1; n <= PER_CLIENT; ) {
      // Kill A once a few pushes went through (on condition, not on time).
      if (!killed && acked.flat().length >= 12) killed = a.kill('SIGKILL');
      let r;
      try {
        r = await push(url, c, n);
      } catch {
        url = urlB; // A is gone: n's outcome is unknown, so retry it on B.
        continue;
      }
      if (r.status !== 200) {
        url = urlB;
        continue;
      }
      assert.ok(['applied', 'duplicate'].includes(r.body.results[0].status));
      acked[c]!.push(n);
      n++;
    }
  });
  await Promise.all(clients);
  await killed;
  assert.ok(killed, 'node A was killed mid-run');
  const pulled = await client(urlB, token).pullAll();
  for (let c = 0; c < CLIENTS; c++) {
    const log = pulled.changes.find((x: { key: string }) => x.key === `k${c}`)?.value.ids;
    assert.deepEqual(log, Array.from({ length: PER_CLIENT }, (_, i) => i + 1), `client k${c}: every mutation applied exactly once, in order`);
    assert.equal(pulled.lastMutationIds[`k${c}`], PER_CLIENT);
  }
});
