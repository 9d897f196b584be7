// A node that loses its link to PostgreSQL (a pooler or load balancer between them going down)
// while a push's statement runs there: PostgreSQL may still commit it, so the 503 must not say that
// nothing was applied.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { startStub } from '../../server-stub/index.js';
import { client, login } from './helpers.js';
import { adminConnection, freshDatabase } from './postgres.js';
import { databaseLink } from './nodes.js';

test('a push whose link to PostgreSQL is cut while its statement waits answers 503 saying it may have been applied, and it was [postgres]', { timeout: 120_000 }, async (t) => {
  const database = await freshDatabase();
  const link = await databaseLink(database.url);
  const stub = await startStub({ port: 0, db: link.url });
  const admin = await adminConnection(database.url);
  // A connection of its own for a transaction of the test's (adminConnection's one connection, so
  // BEGIN … COMMIT on it is one transaction); ended before the schema is dropped, which it may lock.
  const holder = await adminConnection(database.url);
  t.after(async () => {
    await stub.close();
    await link.close();
    await holder.end({ timeout: 1 });
    await admin.end({ timeout: 1 });
    await database.drop();
  });
  const token = await login(stub.url);
  const alice = client(stub.url, token);
  // The first push makes the client and the token known to the node: the next goes the fast way,
  // its session checked by the push's own statement.
  assert.equal((await alice.push({ name: 'put', collection: 'notes', key: 'a', baseRev: 0, value: {} })).status, 200);

  // Another transaction holds alice's change order, so the push's statement waits in PostgreSQL.
  await holder`BEGIN`;
  await holder`SELECT 1 FROM outpost_user_log WHERE owner = 'alice' FOR UPDATE`;
  const pushed = alice.push({ name: 'put', collection: 'notes', key: 'b', baseRev: 0, value: {} });
  const batches = (state: string) => admin`SELECT 1 FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND state = 'active' AND query LIKE '%outpost_push_batch%' AND (${state} = 'running' OR wait_event_type = 'Lock')`;
  while ((await batches('waiting')).length === 0) await delay(20);

  // The link goes: the node's connection drops with the statement sent and no answer back.
  await link.cut();
  const reply = await pushed;
  assert.equal(reply.status, 503);
  assert.equal(reply.body.error.code, 'unavailable');
  assert.match(reply.body.error.message, /may or may not have been applied/, reply.body.error.message);

  // PostgreSQL never heard the node go: once the lock is free, the statement commits.
  await holder`COMMIT`;
  while ((await batches('running')).length > 0) await delay(20);
  await link.mend();
  const pulled = await alice.pullAll();
  assert.ok(pulled.changes.some((c: { key: string }) => c.key === 'b'), 'the push the 503 answered was applied');
});
