import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import postgres from 'postgres';
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
