// Nodes started together with the same --seed on one new PostgreSQL data store (replicas of one
// deployment): every node starts, and the seed runs once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { startStub, type RunningStub } from '../../server-stub/index.js';
import { client, login } from './helpers.js';
import { adminConnection, freshDatabase } from './postgres.js';

const APP = fileURLToPath(new URL('./fixtures/test-app.mjs', import.meta.url));

test('two nodes starting together with the same seed both start, and the seed runs once [postgres]', { timeout: 120_000 }, async (t) => {
  const database = await freshDatabase();
  const admin = await adminConnection(database.url);
  // A connection of its own for a transaction of the test's (adminConnection's one connection, so
  // BEGIN … ROLLBACK on it is one transaction); ended before the schema is dropped, which it may lock.
  const holder = await adminConnection(database.url);
  const started: RunningStub[] = [];
  t.after(async () => {
    for (const stub of started) await stub.close();
    await holder.end({ timeout: 1 });
    await admin.end({ timeout: 1 });
    await database.drop();
  });
  // The schema first, without the seed.
  await (await startStub({ port: 0, db: database.url, app: APP })).close();

  // alice's change order held by a transaction of the test's: both nodes' seeds, once they write
  // alice's documents, wait for it, so they surely overlap.
  await holder`BEGIN`;
  await holder`INSERT INTO outpost_user_log (owner, seq) VALUES ('alice', 0)`;
  const [{ pid }] = await holder<Array<{ pid: number }>>`SELECT pg_backend_pid() AS pid`;
  const starting = [0, 1].map(() => startStub({ port: 0, db: database.url, app: APP, seed: 'demo' }));
  // Both nodes wait: on the holder, or on the node that waits on it.
  const waiters = async () => {
    const [{ n }] = await admin<Array<{ n: number }>>`
      WITH first AS (SELECT pid FROM pg_stat_activity WHERE ${pid}::int = ANY(pg_blocking_pids(pid)))
      SELECT (SELECT count(*) FROM first)::int + (SELECT count(*) FROM pg_stat_activity a WHERE pg_blocking_pids(a.pid) && ARRAY(SELECT pid FROM first))::int AS n`;
    return n;
  };
  while ((await waiters()) < 2) await delay(20);
  await holder`ROLLBACK`;

  const outcomes = await Promise.allSettled(starting);
  for (const o of outcomes) if (o.status === 'fulfilled') started.push(o.value);
  for (const o of outcomes) assert.equal(o.status, 'fulfilled', o.status === 'rejected' ? String((o.reason as Error).message) : '');
  const token = await login(started[0]!.url);
  const { changes } = await client(started[1]!.url, token).pullAll();
  assert.deepEqual(
    changes.map((c: { key: string; rev: number }) => [c.key, c.rev]),
    [['welcome', 1]],
    'the seed wrote once',
  );
});
