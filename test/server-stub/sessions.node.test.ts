import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import postgres from 'postgres';
import { Auth } from '../../server-stub/auth.js';
import { securityOptions } from '../../server-stub/cli-security.js';
import { openStorage } from '../../server-stub/storage/index.js';
import { SessionCache } from '../../server-stub/storage/session-cache.js';
import { eachBackend, storageFor, stubFor, login, post, tempDir } from './helpers.js';
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

/** The stored sessions of a stub: [user, expires_at] rows. */
async function storedSessions(stub: { dataDir: string; db?: string }, backend: string): Promise<Array<{ user: string; expires: number }>> {
  if (backend === 'sqlite') {
    const db = new Database(join(stub.dataDir, 'outpost.sqlite'), { readonly: true });
    const rows = db.prepare('SELECT user, expires_at AS expires FROM sessions').all() as Array<{ user: string; expires: number }>;
    db.close();
    return rows;
  }
  const sql = postgres(stub.db!, { max: 1 });
  const rows = await sql<Array<{ user: string; expires: string }>>`SELECT owner AS user, expires_at AS expires FROM outpost_sessions`;
  await sql.end();
  return rows.map((r) => ({ user: r.user, expires: Number(r.expires) }));
}

eachBackend('each sign-in deletes expired sessions and keeps at most --max-sessions per user, ending the least recently used', async (t, backend) => {
  let now = 1_700_000_000_000;
  const stub = await stubFor(t, { sessionTtlMs: 100_000, now: () => now, users: [{ user: 'alice', password: 'alice' }, { user: 'bob', password: 'bob' }] }, backend);
  // Before, each of these stayed a row forever.
  for (let i = 0; i < 150; i++) await login(stub.url);
  await login(stub.url, 'bob');
  assert.deepEqual((await storedSessions(stub, backend)).filter((r) => r.user === 'alice').length, 100, 'the default --max-sessions is 100');
  now += 200_000;
  await login(stub.url, 'bob');
  assert.deepEqual((await storedSessions(stub, backend)).map((r) => r.user), ['bob'], "every expired session went, other users' too");

  const capped = await stubFor(t, { sessionTtlMs: 100_000, now: () => now, limits: { sessionsPerUser: 3 } }, backend);
  const pull = (token: string) => post(`${capped.url}/sync/v1/pull`, { protocol: 1, clientId: 'c', cursor: null }, { token });
  const [first, second, third] = [await login(capped.url), await login(capped.url), await login(capped.url)];
  now += 5_000;
  assert.equal((await pull(first!)).status, 200, 'used: its expiry moves past the others');
  const fourth = await login(capped.url);
  assert.equal((await pull(second!)).status, 401, 'the least recently used sign-in ended');
  for (const token of [first!, third!, fourth]) assert.equal((await pull(token)).status, 200);
  assert.equal((await storedSessions(capped, backend)).length, 3);
  assert.deepEqual(securityOptions({ 'max-sessions': '5' }).limits, { sessionsPerUser: 5 });
  assert.throws(() => securityOptions({ 'max-sessions': '0' }), /--max-sessions must be a whole number of 1 or more, got '0'/);
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

// The SQLite storage keeps sessions in memory (storage/session-cache.ts); these pin that it stays
// exact: what SQLite would refuse, the cache refuses too.
const unauthorized = (err: Error & { code?: string }) => err.code === 'unauthorized';

eachBackend('a session that was just used is refused once it expires (no extension in between)', async (t, backend) => {
  const storage = await storageFor(t, backend);
  let now = 1_700_000_000_000;
  const auth = new Auth(storage, [{ user: 'alice', password: 'alice' }], { sessionTtlMs: 10_000, now: () => now });
  const token = await auth.login('alice', 'alice');
  assert.equal(await auth.userFor(token), 'alice');
  // Within a hundredth of the TTL of its expiry being set: used, not extended.
  now += 50;
  assert.equal(await auth.userFor(token), 'alice');
  now += 10_000;
  await assert.rejects(auth.userFor(token), unauthorized);
});

test('SQLite: a session deleted or expired by another connection to the data directory is refused at once', async (t) => {
  const dataDir = tempDir();
  const storage = await openStorage({ dataDir });
  t.after(() => storage.close());
  const auth = new Auth(storage, [{ user: 'alice', password: 'alice' }]);
  const deleted = await auth.login('alice', 'alice');
  const shortened = await auth.login('alice', 'alice');
  const kept = await auth.login('alice', 'alice');
  for (const token of [deleted, shortened, kept]) assert.equal(await auth.userFor(token), 'alice');

  // Another process on the same file (an admin's script, a second server).
  const other = new Database(join(dataDir, 'outpost.sqlite'));
  t.after(() => other.close());
  const hash = (token: string) => createHash('sha256').update(token).digest('hex');
  assert.equal(other.prepare('DELETE FROM sessions WHERE token_hash = ?').run(hash(deleted)).changes, 1);
  await assert.rejects(auth.userFor(deleted), unauthorized);
  assert.equal(other.prepare('UPDATE sessions SET expires_at = 1 WHERE token_hash = ?').run(hash(shortened)).changes, 1);
  await assert.rejects(auth.userFor(shortened), unauthorized);
  assert.equal(await auth.userFor(kept), 'alice');
});

test('the session cache keeps at most its bound (oldest out) and empties when another connection commits', () => {
  let version = 1;
  const cache = new SessionCache(() => version, 2);
  const row = (user: string) => ({ user, expiresAt: 2_000 });
  cache.set('a', row('alice'));
  cache.set('b', row('bob'));
  cache.set('c', row('carol'));
  assert.equal(cache.size, 2);
  assert.equal(cache.get('a', 1_000), undefined, 'the oldest went');
  assert.deepEqual(cache.get('c', 1_000), row('carol'));
  assert.equal(cache.get('c', 2_000), undefined, 'expired at its expiry, like the query');
  assert.deepEqual(cache.get('b', 1_000), row('bob'));
  version++;
  assert.equal(cache.get('b', 1_000), undefined, 'another connection committed: nothing cached is trusted');
  assert.equal(cache.size, 0);
});
