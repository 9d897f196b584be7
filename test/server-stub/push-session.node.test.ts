// A push's session is checked in the push's own transaction: a node remembers which user a token
// belongs to, and the push statement applies only where that token's session still exists for that
// user. A token revoked elsewhere (another node, the database) must answer exactly the 401 it did
// when every push read its session first, and nothing of the push may be applied; pushes of many
// users sent together (one group commit) stay isolated from each other.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import postgres from 'postgres';
import { startStub, type RunningStub } from '../../server-stub/index.js';
import { eachBackend, stubFor, login, post, client, type Backend, type Reply } from './helpers.js';
import { freshDatabase } from './postgres.js';

const USERS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy'];

/** Deletes every session straight in the storage, behind the running stub's back. */
async function dropSessions(stub: { dataDir: string; db?: string }, backend: Backend): Promise<void> {
  if (backend === 'sqlite') {
    const db = new Database(join(stub.dataDir, 'outpost.sqlite'));
    db.prepare('DELETE FROM sessions').run();
    db.close();
  } else {
    const sql = postgres(stub.db!, { max: 1, onnotice: () => undefined });
    await sql`DELETE FROM outpost_sessions`;
    await sql.end();
  }
}

eachBackend('a token revoked behind the node\'s back answers its next push 401, as an unknown token does, and nothing of the push is applied', async (t, backend) => {
  const stub = await stubFor(t, {}, backend);
  const unknown = await post(`${stub.url}/sync/v1/push`, { protocol: 1, clientId: 'x', mutations: [{ id: 1, name: 'put', collection: 'notes', key: 'k', baseRev: 0, value: {} }] }, { token: 'never-issued' });
  assert.equal(unknown.status, 401);
  const expected = { status: unknown.status, body: unknown.body, auth: unknown.headers.get('www-authenticate') };
  const cases: Record<string, (c: ReturnType<typeof client>, token: string) => Promise<Reply>> = {
    'a put (one statement)': (c) => c.pushRaw([{ id: 2, name: 'put', collection: 'notes', key: 'lost', baseRev: 0, value: {} }]),
    'a patch (the general path)': (c) => c.pushRaw([{ id: 2, name: 'patch', collection: 'notes', key: 'kept', baseRev: 1, patch: { lost: 1 } }]),
    'mutation ids not increasing': (c) => c.pushRaw([{ id: 3, name: 'put', collection: 'notes', key: 'lost', baseRev: 0, value: {} }, { id: 2, name: 'put', collection: 'notes', key: 'b', baseRev: 0, value: {} }]),
    'a body that is no push': (_, token) => post(`${stub.url}/sync/v1/push`, { protocol: 1, clientId: 'phone', mutations: 'none' }, { token }),
  };
  for (const [what, send] of Object.entries(cases)) {
    const token = await login(stub.url);
    const c = client(stub.url, token, `phone-${what}`);
    // The node has now seen the token's session: its next push takes the user from memory.
    assert.equal((await c.push({ name: 'put', collection: 'notes', key: 'kept', baseRev: 0, value: {} })).status, 200);
    await dropSessions(stub, backend);
    const r = await send(c, token);
    assert.deepEqual({ status: r.status, body: r.body, auth: r.headers.get('www-authenticate') }, expected, what);
    const pulled = await client(stub.url, await login(stub.url)).pullAll();
    assert.deepEqual(pulled.changes.map((ch: { key: string; value: object }) => [ch.key, ch.value]), [['kept', {}]], `${what}: nothing of the refused push was applied`);
    assert.equal(pulled.lastMutationIds[`phone-${what}`], 1);
    await dropSessions(stub, backend);
  }
});

test('a token signed out on node B answers its next push on node A 401, although A saw it before [postgres]', async (t) => {
  const database = await freshDatabase();
  const nodes: RunningStub[] = [];
  t.after(async () => {
    for (const n of nodes) await n.close();
    await database.drop();
  });
  for (let i = 0; i < 2; i++) nodes.push(await startStub({ port: 0, db: database.url }));
  const [a, b] = nodes as [RunningStub, RunningStub];
  const token = await login(a.url);
  const bobToken = await login(a.url, 'bob');
  const onA = client(a.url, token, 'laptop');
  assert.equal((await onA.push({ name: 'put', collection: 'notes', key: 'one', baseRev: 0, value: {} })).status, 200);
  assert.equal((await post(`${b.url}/auth/v1/logout`, {}, { token })).body.revoked, true);

  const refused = await onA.push({ name: 'put', collection: 'notes', key: 'two', baseRev: 0, value: {} });
  assert.equal(refused.status, 401);
  assert.equal(refused.body.error.code, 'unauthorized');
  // Bob's token, seen by A too, still works there.
  assert.equal((await client(a.url, bobToken).push({ name: 'put', collection: 'notes', key: 'bobs', baseRev: 0, value: {} })).status, 200);
  const pulled = await client(b.url, await login(b.url)).pullAll();
  assert.deepEqual(pulled.changes.map((ch: { key: string }) => ch.key), ['one']);
});

async function pushAllAtOnce(t: TestContext, backend: Backend) {
  const stub = await stubFor(t, { users: USERS.map((user) => ({ user, password: user })) }, backend);
  const tokens = Object.fromEntries(await Promise.all(USERS.map(async (u) => [u, await login(stub.url, u)] as const)));
  // Each user's client exists and the node has seen every token.
  for (const u of USERS) assert.equal((await client(stub.url, tokens[u]!, `${u}-phone`).push({ name: 'put', collection: 'notes', key: `${u}-0`, baseRev: 0, value: { u } })).status, 200);
  const push = (user: string, clientId: string, key: string, baseRev: number) =>
    post(`${stub.url}/sync/v1/push`, { protocol: 1, clientId, mutations: [{ id: 2, name: 'put', collection: 'notes', key, baseRev, value: { by: user } }] }, { token: tokens[user] });
  const replies = await Promise.all(
    USERS.map((u) =>
      u === 'bob' ? push('bob', 'alice-phone', 'stolen', 0) : u === 'carol' ? push('carol', 'carol-phone', 'carol-0', 0) : push(u, `${u}-phone`, `${u}-1`, 0),
    ),
  );
  return { stub, tokens, replies };
}

eachBackend("pushes of ten users sent at once: another user's client id is refused, a stale write conflicts, every other push applies once for its own user", async (t, backend) => {
  const { stub, tokens, replies } = await pushAllAtOnce(t, backend);
  USERS.forEach((u, i) => {
    const r = replies[i]!;
    if (u === 'bob') {
      assert.equal(r.status, 409, JSON.stringify(r.body));
      assert.equal(r.body.error.code, 'client-id-taken');
    } else if (u === 'carol') {
      assert.deepEqual(r.body, { results: [{ id: 2, status: 'conflict', current: { rev: 1, value: { u: 'carol' } } }], lastMutationId: 2 });
    } else {
      assert.deepEqual(r.body, { results: [{ id: 2, status: 'applied', rev: 1 }], lastMutationId: 2 }, u);
    }
  });
  for (const u of USERS) {
    const pulled = await client(stub.url, tokens[u]!).pullAll();
    const keys = pulled.changes.map((ch: { key: string; value: { by?: string; u?: string } }) => `${ch.key}:${ch.value.by ?? ch.value.u}`);
    const own = u === 'bob' || u === 'carol' ? [`${u}-0:${u}`] : [`${u}-0:${u}`, `${u}-1:${u}`];
    assert.deepEqual(keys, own, `${u} sees exactly their own writes`);
    assert.deepEqual(pulled.lastMutationIds, { [`${u}-phone`]: u === 'bob' ? 1 : 2 });
  }
});
