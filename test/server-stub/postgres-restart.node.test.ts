import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { StubProcess } from '../../testing/index.js';
import { client, login, post } from './helpers.js';
import { eventStream, seqOf, throwawayPostgres } from './nodes.js';

const APP = fileURLToPath(new URL('./fixtures/test-app.mjs', import.meta.url));

// Waits are on conditions; the timeout only ends a run that broke and would wait forever.
test('PostgreSQL restarted under load: pushes answer 503 with Retry-After, then recover; nothing is lost or applied twice; pokes resume', { timeout: 300_000 }, async (t) => {
  // A PostgreSQL of this test's own, so restarting it cannot disturb other tests.
  const pg = await throwawayPostgres();
  t.after(() => pg.stop());
  // A process of its own: the test proves the server survives (a crash would end the process).
  let log = '';
  const node = new StubProcess({ args: ['--db', pg.url, '--db-pool', '4', '--app', APP], onStderr: (line) => (log += `${line}\n`) });
  t.after(() => node.dispose());
  const stub = { url: await node.start() };
  const token = await login(stub.url);
  const stream = await eventStream(stub.url, token);
  t.after(() => stream.close());
  await stream.poke(() => true);

  const CLIENTS = 4;
  const PER_CLIENT = 30;
  let unavailable = 0;
  let restarted: Promise<void> | undefined;
  let acked = 0;
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, c) => {
      for (let n = 1; n <= PER_CLIENT; ) {
        if (!restarted && acked >= 20) restarted = pg.restart();
        const r = await post(`${stub.url}/sync/v1/push`, { protocol: 1, clientId: `k${c}`, mutations: [{ id: n, name: 'append', args: { n } }] }, { token });
        if (r.status === 503) {
          assert.equal(r.body.error.code, 'unavailable');
          assert.ok(Number(r.headers.get('retry-after')) > 0, 'a 503 says when to retry');
          unavailable++;
          // What a client does with Retry-After, shortened: back off a little, then retry the same push.
          await delay(20);
          continue;
        }
        assert.equal(r.status, 200, JSON.stringify(r.body));
        assert.ok(['applied', 'duplicate'].includes(r.body.results[0].status));
        acked++;
        n++;
      }
    }),
  );
  await restarted;
  assert.ok(restarted, 'the database was restarted mid-run');
  assert.ok(unavailable > 0, 'the restart was seen as 503s');

  const pulled = await client(stub.url, token).pullAll();
  for (let c = 0; c < CLIENTS; c++) {
    const log = pulled.changes.find((x: { key: string }) => x.key === `k${c}`)?.value.ids;
    assert.deepEqual(log, Array.from({ length: PER_CLIENT }, (_, i) => i + 1), `client k${c}: every mutation applied exactly once`);
  }
  // The node listens again after the restart: a new write still pokes its stream.
  const after = await client(stub.url, token).push({ name: 'put', collection: 'notes', key: 'after-restart', baseRev: 0, value: {} });
  assert.equal(after.status, 200);
  const head = (await client(stub.url, token).pullAll(pulled.cursor)).cursor;
  await stream.poke((cursor) => seqOf(cursor) >= seqOf(head));
  assert.ok(node.running, `the server is still the same process\n${log}`);
});
