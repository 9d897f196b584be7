import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import postgres from 'postgres';
import { Auth } from '../../server-stub/auth.js';
import { openStorage } from '../../server-stub/storage/index.js';
import { eachBackend, stubFor, login, post, tempDir } from './helpers.js';
import { freshDatabase } from './postgres.js';

eachBackend('sessions store only a SHA-256 of the token; a token works until it is unused for the TTL (sliding expiry)', async (t, backend) => {
  let now = 1_700_000_000_000;
  const stub = await stubFor(t, { sessionTtlMs: 10_000, now: () => now }, backend);
  const token = await login(stub.url);
  const pull = () => post(`${stub.url}/sync/v1/pull`, { protocol: 1, clientId: 'c', cursor: null }, { token });

  const hash = createHash('sha256').update(token).digest('hex');
  let stored: unknown[];
  if (backend === 'sqlite') {
    const db = new Database(join(stub.dataDir, 'outpost.sqlite'), { readonly: true });
    stored = db.prepare('SELECT * FROM sessions').all();
    db.close();
  } else {
    const sql = postgres(stub.db!, { max: 1 });
    stored = [...(await sql`SELECT * FROM outpost_sessions`)].map((r) => ({ ...r }));
    await sql.end();
  }
  assert.equal(stored.length, 1);
  assert.ok(!JSON.stringify(stored).includes(token), 'the token itself is not stored');
  assert.ok(JSON.stringify(stored).includes(hash), 'its SHA-256 is');

  assert.equal((await pull()).status, 200);
  now += 6_000;
  assert.equal((await pull()).status, 200, 'used within the TTL: still valid, and extended');
  now += 6_000;
  assert.equal((await pull()).status, 200, '12 s after login but 6 s after last use: valid');
  now += 10_001;
  const expired = await pull();
  assert.equal(expired.status, 401);
  assert.match(expired.body.error.message, /expired/);
});

eachBackend('a revoked token answers 401 at once', async (t, backend) => {
  let db: string | undefined;
  const dataDir = tempDir();
  if (backend === 'postgres') {
    const database = await freshDatabase();
    t.after(() => database.drop());
    db = database.url;
  }
  const storage = await openStorage({ db, dataDir });
  t.after(() => storage.close());
  const auth = new Auth(storage, [{ user: 'alice', password: 'alice' }]);
  const token = await auth.login('alice', 'alice');
  assert.equal(await auth.userFor(token), 'alice');
  await assert.rejects(auth.login('alice', 'wrong'), /wrong password/);
  assert.equal(await auth.revoke(token), true);
  assert.equal(await auth.revoke(token), false, 'nothing left to revoke');
  await assert.rejects(auth.userFor(token), (err: Error & { code?: string }) => err.code === 'unauthorized');
});
