import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { EventHub } from '../../server-stub/events.js';
import { SignJWT } from 'jose';
import { startStub } from '../../server-stub/index.js';
import { eachBackend, stubFor, login, client, tempDir } from './helpers.js';

const APP = fileURLToPath(new URL('./fixtures/test-app.mjs', import.meta.url));

/** Opens an event stream and hands out its raw text blocks (events and comments) one by one. */
async function openStream(url: string, headers: Record<string, string> = {}) {
  const controller = new AbortController();
  const res = await fetch(url, { headers, signal: controller.signal });
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  return {
    res,
    async next(timeoutMs = 20_000): Promise<string> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const end = buffer.indexOf('\n\n');
        if (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          return block;
        }
        const chunk = await Promise.race([reader.read(), new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no event in time')), Math.max(0, deadline - Date.now())))]);
        if (chunk.done) throw new Error('stream ended');
        buffer += chunk.value;
      }
    },
    async nextPoke(): Promise<{ id: string; cursor: string }> {
      for (;;) {
        const block = await this.next();
        if (!block.includes('event: poke')) continue;
        const id = /^id: (.*)$/m.exec(block)![1]!;
        const data = JSON.parse(/^data: (.*)$/m.exec(block)![1]!) as { cursor: string };
        return { id, cursor: data.cursor };
      }
    },
    close: () => controller.abort(),
  };
}

eachBackend('the event stream pokes with the newest cursor at once and after every change of the user', async (t, backend) => {
  const stub = await stubFor(t, {}, backend);
  const token = await login(stub.url);
  const stream = await openStream(`${stub.url}/sync/v1/events`, { Authorization: `Bearer ${token}` });
  t.after(() => stream.close());
  assert.equal(stream.res.status, 200);
  assert.match(stream.res.headers.get('content-type')!, /^text\/event-stream/);
  assert.equal(await stream.next(), 'retry: 1000');
  const first = await stream.nextPoke();
  assert.equal(first.id, first.cursor);
  const c = client(stub.url, token);
  await c.push({ name: 'put', collection: 'n', key: 'k', baseRev: 0, value: {} });
  const second = await stream.nextPoke();
  assert.notEqual(second.cursor, first.cursor);
  const pulled = await c.pull(first.cursor);
  assert.equal(pulled.body.cursor, second.cursor, 'the poke carries the cursor a pull reaches');
});

eachBackend("another user's custom mutation pokes the recipient; Last-Event-ID skips the initial poke", async (t, backend) => {
  const stub = await stubFor(t, { app: APP }, backend);
  const bobToken = await login(stub.url, 'bob');
  const bob = client(stub.url, bobToken);
  const current = (await bob.pull(null)).body.cursor as string;
  const stream = await openStream(`${stub.url}/sync/v1/events?protocol=1`, { 'Last-Event-ID': current, Authorization: `Bearer ${bobToken}` });
  t.after(() => stream.close());
  assert.equal(stream.res.status, 200);
  assert.equal(await stream.next(), 'retry: 1000');
  const alice = client(stub.url, await login(stub.url, 'alice'));
  await alice.push({ name: 'sendNote', args: { id: 'x', to: 'bob', text: 'hey' } });
  const poke = await stream.nextPoke();
  assert.notEqual(poke.cursor, current, 'the first poke is the new change, not the cursor bob already had');
  assert.deepEqual((await bob.pullAll(current)).changes.map((c: { key: string }) => c.key), ['x']);
});

test('heartbeat comments keep the stream alive; a bad protocol or token is refused', async (t) => {
  const stub = await stubFor(t, { heartbeatMs: 50 });
  const token = await login(stub.url);
  const stream = await openStream(`${stub.url}/sync/v1/events`, { Authorization: `Bearer ${token}` });
  t.after(() => stream.close());
  await stream.next();
  await stream.nextPoke();
  assert.equal(await stream.next(), ': heartbeat');
  const old = await fetch(`${stub.url}/sync/v1/events?protocol=0`, { headers: { Authorization: `Bearer ${token}` } });
  assert.equal(old.status, 426);
  const bad = await fetch(`${stub.url}/sync/v1/events`, { headers: { Authorization: 'Bearer nope' } });
  assert.equal(bad.status, 401);
  assert.equal((await bad.json()).error.code, 'unauthorized');
});

test('more than 32 open event streams for one user answer 429 with Retry-After', async (t) => {
  const stub = await stubFor(t);
  const token = await login(stub.url);
  const streams: Array<Awaited<ReturnType<typeof openStream>>> = [];
  for (let i = 0; i < 32; i++) streams.push(await openStream(`${stub.url}/sync/v1/events`, { Authorization: `Bearer ${token}` }));
  t.after(() => streams.forEach((s) => s.close()));
  assert.ok(streams.every((s) => s.res.status === 200));
  const extra = await fetch(`${stub.url}/sync/v1/events`, { headers: { Authorization: `Bearer ${token}` } });
  assert.equal(extra.status, 429);
  assert.equal(extra.headers.get('retry-after'), '5');
  assert.equal((await extra.json()).error.code, 'too-many-requests');
  streams.pop()!.close();
  // The server hears of the close when the socket ends, some time later on a loaded machine: ask
  // again until the slot is free (a slot never freed fails at the deadline).
  const deadline = Date.now() + 30_000;
  let again = await openStream(`${stub.url}/sync/v1/events`, { Authorization: `Bearer ${token}` });
  while (again.res.status === 429 && Date.now() < deadline) {
    again.close();
    await new Promise((r) => setTimeout(r, 50));
    again = await openStream(`${stub.url}/sync/v1/events`, { Authorization: `Bearer ${token}` });
  }
  streams.push(again);
  assert.equal(again.res.status, 200, 'a closed stream frees its slot');
});

/** An http server whose every request opens `hub`'s stream for alice, after `before` resolves (the route awaits the session and cursor first). */
async function hubServer(t: TestContext, hub: EventHub, before: (req: IncomingMessage, res: ServerResponse) => Promise<void>) {
  const opened: ServerResponse[] = [];
  const server = createServer((req, res) => void before(req, res).then(() => (void hub.open(req, res, 'alice', async () => 'k.1.0', 'r'), opened.push(res))));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    hub.close();
    server.closeAllConnections();
    server.close();
  });
  return { port: (server.address() as AddressInfo).port, opened };
}

test('a client that hangs up while its stream is being opened takes no slot (32 such would lock the user out)', async (t) => {
  const hub = new EventHub(60_000);
  let arrived!: () => void;
  const reached = new Promise<void>((resolve) => (arrived = resolve));
  const { port, opened } = await hubServer(t, hub, (_req, res) => new Promise((resolve) => (res.once('close', () => resolve()), arrived())));
  const req = request({ port, host: '127.0.0.1', path: '/' });
  req.on('error', () => undefined);
  req.end();
  // Hung up once the server has the request, while its route still awaits.
  await reached;
  req.destroy();
  while (opened.length === 0) await new Promise((r) => setTimeout(r, 10));
  assert.equal(hub.has('alice'), false, 'the closed stream is not counted against the user');
});

test('a stream whose client stops reading is dropped once its unsent pokes pass a bound, instead of growing memory', async (t) => {
  const hub = new EventHub(60_000);
  const { port, opened } = await hubServer(t, hub, async () => undefined);
  const socket = connect(port, '127.0.0.1');
  t.after(() => socket.destroy());
  socket.write('GET / HTTP/1.1\r\nHost: localhost\r\n\r\n');
  while (opened.length === 0) await new Promise((r) => setTimeout(r, 10));
  socket.pause(); // reads nothing more: the kernel's buffers fill, then the server's
  const res = opened[0]!;
  const cursor = `k.${'9'.repeat(15)}.0`;
  for (let i = 0; i < 400_000 && hub.has('alice'); i++) {
    hub.poke('alice', cursor);
    if (i % 1000 === 0) await new Promise((r) => setImmediate(r));
  }
  assert.equal(hub.has('alice'), false, `a non-reading stream is dropped (it buffers ${res.writableLength} bytes)`);
  assert.ok(res.destroyed);
});

test("a session check that hangs (the database unreachable) does not stop the streams' JWT expiries from ending them", async (t) => {
  let clock = Date.now();
  // The storage's answer never comes.
  const hub = new EventHub(20, { liveSessions: () => new Promise<Set<string>>(() => undefined), now: () => clock });
  const closed: string[] = [];
  const server = createServer((req, res) => {
    const which = req.url === '/session' ? 'session' : 'jwt';
    res.once('close', () => closed.push(which));
    void hub.open(req, res, 'alice', async () => 'k.1.0', 'r', which === 'session' ? { session: 'hash-of-a-session' } : { expiresAt: clock + 60_000 });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => (hub.close(), server.closeAllConnections(), server.close()));
  const { port } = server.address() as AddressInfo;
  const session = await openStream(`http://127.0.0.1:${port}/session`);
  const jwt = await openStream(`http://127.0.0.1:${port}/jwt`);
  t.after(() => (session.close(), jwt.close()));
  // Heartbeats go by (each starts a session check, the first of which hangs), then the JWT expires.
  for (let i = 0; i < 3; i++) while ((await jwt.next()) !== ': heartbeat');
  clock += 120_000;
  await ends(jwt);
  assert.deepEqual(closed, ['jwt'], 'the JWT stream ended; the session stream waits for a check that can tell');
});

test("pokes while a stream's first cursor is read follow that cursor; a stream whose session ends meanwhile is ended, not left open", async (t) => {
  const hub = new EventHub(60_000);
  const reads: Array<(cursor: string) => void> = [];
  const server = createServer((req, res) => void hub.open(req, res, 'alice', () => new Promise<string>((r) => reads.push(r)), 'r', { session: req.url === '/revoked' ? 'gone' : 'live' }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => (hub.close(), server.closeAllConnections(), server.close()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const opening = [openStream(`${url}/kept`), openStream(`${url}/revoked`)];
  while (reads.length < 2) await new Promise((r) => setTimeout(r, 10));
  // A change, and a sign-out, while both streams' cursors are being read.
  hub.poke('alice', 'k.2.0');
  hub.endSession('gone');
  for (const read of reads) read('k.1.0');
  const [kept, revoked] = await Promise.all(opening);
  t.after(() => (kept!.close(), revoked!.close()));
  assert.equal((await kept!.nextPoke()).cursor, 'k.1.0');
  assert.equal((await kept!.nextPoke()).cursor, 'k.2.0', 'the change pokes the stream that was opening');
  await ends(revoked!);
  assert.equal(hub.users().length, 1);
});

/** Reads `stream` until it ends (a block at a time; heartbeats keep coming while it is open). */
async function ends(stream: Awaited<ReturnType<typeof openStream>>): Promise<void> {
  // A generous deadline (a stream left open fails here instead of hanging the run).
  for (const deadline = Date.now() + 60_000; ; ) {
    if (Date.now() > deadline) throw new Error('the stream is still open');
    try {
      await stream.next();
    } catch (err) {
      if ((err as Error).message === 'stream ended') return;
      throw err;
    }
  }
}

// A stolen token's streams heard of every change of the user, and held the user's 32 stream slots,
// for as long as the thief kept them open: signing out (the remedy) revoked the token for pushes
// and pulls, never for its open streams.
eachBackend("signing out ends the token's open event streams at once; the user's other sessions keep theirs", async (t, backend) => {
  const stub = await stubFor(t, { heartbeatMs: 60_000 }, backend);
  const stolen = await login(stub.url);
  const own = await login(stub.url);
  const theirs = await openStream(`${stub.url}/sync/v1/events`, { Authorization: `Bearer ${stolen}` });
  const mine = await openStream(`${stub.url}/sync/v1/events`, { Authorization: `Bearer ${own}` });
  t.after(() => (theirs.close(), mine.close()));
  await theirs.nextPoke();
  const before = await mine.nextPoke();
  const out = await fetch(`${stub.url}/auth/v1/logout`, { method: 'POST', headers: { Authorization: `Bearer ${stolen}` } });
  assert.deepEqual(await out.json(), { revoked: true });
  await ends(theirs);
  await client(stub.url, own).push({ name: 'put', collection: 'n', key: 'k', baseRev: 0, value: {} });
  assert.notEqual((await mine.nextPoke()).cursor, before.cursor, 'the other session\'s stream is still poked');
});

test('a stream whose session was revoked on another node ends at that node\'s next heartbeat', async (t) => {
  const a = await stubFor(t, {}, 'postgres');
  const b = await startStub({ port: 0, dataDir: tempDir(), db: a.db, heartbeatMs: 50 });
  t.after(() => b.close());
  const token = await login(a.url);
  const stream = await openStream(`${b.url}/sync/v1/events`, { Authorization: `Bearer ${token}` });
  t.after(() => stream.close());
  await stream.nextPoke();
  assert.equal((await fetch(`${a.url}/auth/v1/logout`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } })).status, 200);
  await ends(stream);
});

test("a stream ends once its session expires, or its JWT's exp passes (the server's clock)", async (t) => {
  const start = Date.now();
  let clock = start;
  const secret = 'shared-secret-shared-secret-shared-secret';
  const stub = await stubFor(t, { heartbeatMs: 50, now: () => clock, sessionTtlMs: 3_600_000, users: [{ user: 'alice', password: 'alice' }], identity: { issuer: 'https://id.test/', audience: 'mail', secret } });
  const session = await openStream(`${stub.url}/sync/v1/events`, { Authorization: `Bearer ${await login(stub.url)}` });
  const jwt = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setIssuer('https://id.test/').setAudience('mail').setSubject('dave').setExpirationTime('2h').sign(new TextEncoder().encode(secret));
  const provider = await openStream(`${stub.url}/sync/v1/events`, { Authorization: `Bearer ${jwt}` });
  t.after(() => (session.close(), provider.close()));
  await session.nextPoke();
  await provider.nextPoke();
  clock += 90 * 60_000; // past the session's hour, within the JWT's two
  await ends(session);
  assert.equal(await provider.next(), ': heartbeat', 'the JWT stream is still open');
  // Past exp and the 30 s the server still takes the token for (clock tolerance; jwt.node.test.ts).
  clock = start + 2 * 3_600_000 + 45_000;
  await ends(provider);
});
