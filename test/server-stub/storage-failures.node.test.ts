import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import postgres from 'postgres';
import { test } from 'node:test';
import { connect, createServer as createNetServer, type AddressInfo } from 'node:net';
import { StubProcess } from '../../testing/index.js';
import { freshDatabase } from './postgres.js';
import { eachBackend, stubFor, login, client, type Backend } from './helpers.js';

const APP = fileURLToPath(new URL('./fixtures/test-app.mjs', import.meta.url));

/**
 * Makes the real storage fail every write into collection `doomed` (a trigger raising an error, as a
 * full disk or a dropped connection would); returns a function that heals it.
 */
async function breakWrites(backend: Backend, stub: { dataDir: string; db?: string }): Promise<() => Promise<void>> {
  if (backend === 'sqlite') {
    const db = new Database(join(stub.dataDir, 'outpost.sqlite'));
    db.exec(`CREATE TRIGGER refuse BEFORE INSERT ON documents WHEN NEW.collection = 'doomed' BEGIN SELECT RAISE(ABORT, 'simulated I/O error'); END`);
    return async () => {
      db.exec('DROP TRIGGER refuse');
      db.close();
    };
  }
  const sql = postgres(stub.db!, { max: 1, onnotice: () => undefined });
  await sql.unsafe(`CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'simulated I/O error'; END $$;
    CREATE TRIGGER refuse BEFORE INSERT ON outpost_documents FOR EACH ROW WHEN (NEW.collection = 'doomed') EXECUTE FUNCTION refuse();`);
  return async () => {
    await sql.unsafe('DROP TRIGGER refuse ON outpost_documents');
    await sql.end();
  };
}

eachBackend('a storage failure inside a push answers 503 with Retry-After and applies nothing of it; the retry applies it once', async (t, backend) => {
  const stub = await stubFor(t, { app: APP, logError: () => undefined }, backend);
  const token = await login(stub.url);
  const alice = client(stub.url, token);
  const other = client(stub.url, token);
  const heal = await breakWrites(backend, stub);
  const mutations = [
    { id: 1, name: 'put', collection: 'notes', key: 'first', baseRev: 0, value: { n: 1 } },
    { id: 2, name: 'put', collection: 'doomed', key: 'x', baseRev: 0, value: {} },
  ];
  // A push failing in the storage and another client's push at the same moment: only the first fails.
  const [failed, fine] = await Promise.all([alice.pushRaw(mutations), other.push({ name: 'put', collection: 'notes', key: 'other', baseRev: 0, value: {} })]);
  assert.equal(failed.status, 503, JSON.stringify(failed.body));
  assert.equal(failed.body.error.code, 'unavailable');
  assert.match(failed.body.error.message, /nothing was applied/);
  assert.equal(failed.headers.get('retry-after'), '1');
  assert.deepEqual(fine.body.results, [{ id: 1, status: 'applied', rev: 1 }], "another push is not undone by this one's failure");

  // A handler that swallows the storage error cannot make its earlier writes commit.
  const swallowed = await alice.pushRaw([{ id: 1, name: 'swallow', args: {} }]);
  assert.equal(swallowed.status, 503);

  const before = await alice.pullAll();
  assert.deepEqual(before.changes.map((c: { key: string }) => c.key), ['other'], 'nothing of the failed pushes was applied');
  assert.equal(before.lastMutationIds[alice.clientId], undefined, 'the failed push did not advance lastMutationId');

  await heal();
  const retried = await alice.pushRaw(mutations);
  assert.equal(retried.status, 200);
  assert.deepEqual(retried.body.results.map((r: { status: string }) => r.status), ['applied', 'applied']);
  assert.deepEqual((await alice.pushRaw(mutations)).body.results.map((r: { status: string }) => r.status), ['duplicate', 'duplicate']);
  const after = await alice.pullAll(before.cursor);
  assert.deepEqual(after.changes.map((c: { key: string; rev: number }) => `${c.key}@${c.rev}`).sort(), ['first@1', 'x@1']);
});

/**
 * A TCP proxy to PostgreSQL that, once armed, drops the connection on which the server answers a
 * commit instead of passing the answer on: the commit happened, the stub never hears so. Armed with
 * the text of the statement to catch (as the client sends it) and the answer that follows its commit.
 */
async function commitAnswerDropper(target: URL) {
  let armed: { sent: string; answer: string } | undefined;
  let dropped = 0;
  const server = createNetServer((client) => {
    const upstream = connect(Number(target.port || 5432), target.hostname);
    let caught = false;
    client.on('error', () => undefined);
    upstream.on('error', () => undefined);
    client.on('data', (chunk: Buffer) => {
      if (armed && chunk.includes(armed.sent)) caught = true;
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (caught && armed && chunk.includes(armed.answer)) {
        armed = undefined;
        dropped++;
        client.destroy();
        upstream.destroy();
        return;
      }
      client.write(chunk);
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = new URL(target);
  url.host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: url.toString(),
    arm: (sent: string, answer: string) => (armed = { sent, answer }),
    get dropped() {
      return dropped;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

// The connection dropped after PostgreSQL committed a push and before the stub read the answer:
// the 503 said "nothing was applied", which was false (the retry then answered duplicate).
test("a push whose commit's answer is lost answers 503 saying it may have been applied, never 'nothing was applied'; the retry applies it once [postgres]", async (t) => {
  const database = await freshDatabase();
  t.after(() => database.drop());
  const proxy = await commitAnswerDropper(new URL(database.url));
  // In a process of its own: postgres.js 3.4.9 may throw from a timer on a dropped connection
  // (postgres-guard.ts catches it in the server; the test runner would blame this test for it).
  const stub = new StubProcess({ args: ['--db', proxy.url], onStderr: () => undefined });
  t.after(async () => {
    await stub.dispose();
    await proxy.close();
  });
  const url = await stub.start();
  const alice = client(url, await login(url));
  // A client's first push takes the general path (a transaction ending in COMMIT), its later
  // pushes of plain puts the group commit (one outpost_push_batch call, its own transaction,
  // committed before its ReadyForQuery).
  const ways: Array<[string, string, string]> = [
    ['general path', 'COMMIT', 'COMMIT\0'],
    ['group commit', 'outpost_push_batch', 'Z\0\0\0\x05I'],
  ];
  for (const [i, [way, sent, answer]] of ways.entries()) {
    const mutations = [{ id: i + 1, name: 'put', collection: 'notes', key: `k${i}`, baseRev: 0, value: { n: i } }];
    proxy.arm(sent, answer);
    const lost = await alice.pushRaw(mutations);
    assert.equal(proxy.dropped, i + 1, `${way}: the proxy dropped the answer to its commit`);
    assert.equal(lost.status, 503, JSON.stringify(lost.body));
    assert.equal(lost.body.error.code, 'unavailable');
    assert.doesNotMatch(lost.body.error.message, /nothing was applied/, way);
    assert.match(lost.body.error.message, /may or may not have been applied/, way);
    // It was applied: the retry is a duplicate. It may meet the pool being replaced after the
    // drop (503 again): retried as a client does.
    let retried = await alice.pushRaw(mutations);
    for (let n = 0; retried.status === 503 && n < 100; n++) {
      await new Promise((r) => setTimeout(r, 100));
      retried = await alice.pushRaw(mutations);
    }
    assert.deepEqual(retried.body.results, [{ id: i + 1, status: 'duplicate', original: { status: 'applied', rev: 1 } }], way);
  }
  assert.deepEqual((await alice.pullAll()).changes, [
    { collection: 'notes', key: 'k0', rev: 1, value: { n: 0 } },
    { collection: 'notes', key: 'k1', rev: 1, value: { n: 1 } },
  ]);
});
