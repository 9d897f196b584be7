import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SignJWT } from 'jose';
import { startStub } from '../../server-stub/index.js';
import { hashPassword } from '../../server-stub/passwords.js';
import { securityOptions } from '../../server-stub/cli-security.js';
import { stubFor, login, client, post } from './helpers.js';

test('users configured with scrypt hashes sign in with the password, never with the hash; a malformed hash stops the start', async (t) => {
  const hash = await hashPassword('correct horse battery');
  const stub = await stubFor(t, { users: [{ user: 'carol', password: hash }] });
  assert.equal((await post(`${stub.url}/auth/v1/login`, { user: 'carol', password: 'correct horse battery' })).status, 200);
  for (const password of ['correct horse batter', 'correct horse battery ', '', hash]) {
    assert.equal((await post(`${stub.url}/auth/v1/login`, { user: 'carol', password })).status, 401, JSON.stringify(password));
  }
  assert.equal((await post(`${stub.url}/auth/v1/login`, { user: 'nobody', password: 'x' })).status, 401);
  await assert.rejects(startStub({ port: 0, dataDir: ':memory:', users: [{ user: 'x', password: 'scrypt$1$2$3' }] }), /hash of user 'x' is malformed/);
});

test('POST /auth/v1/logout revokes the token: it is refused afterwards, other sessions keep working', async (t) => {
  const stub = await stubFor(t);
  const token = await login(stub.url);
  const other = await login(stub.url);
  const out = await post(`${stub.url}/auth/v1/logout`, {}, { token });
  assert.equal(out.status, 200);
  assert.deepEqual(out.body, { revoked: true });
  assert.equal((await client(stub.url, token).pull()).status, 401);
  assert.equal((await client(stub.url, other).pull()).status, 200);
  assert.deepEqual((await post(`${stub.url}/auth/v1/logout`, {}, { token })).body, { revoked: false });
  assert.equal((await post(`${stub.url}/auth/v1/logout`, {})).status, 401);
});

test("with JWT identity, the provider's tokens sign requests as their sub (no built-in account needed) beside built-in sessions; foreign tokens are 401", async (t) => {
  const secret = 'shared-secret-shared-secret-shared-secret';
  const stub = await stubFor(t, { identity: { issuer: 'https://id.test/', audience: 'mail', secret }, users: [{ user: 'alice', password: 'alice' }] });
  const key = new TextEncoder().encode(secret);
  const jwt = (sub: string, issuer = 'https://id.test/') => new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setIssuer(issuer).setAudience('mail').setSubject(sub).setExpirationTime('5m').sign(key);
  const dave = client(stub.url, await jwt('dave'));
  assert.equal((await dave.push({ name: 'put', collection: 'n', key: 'secret', baseRev: 0, value: { of: 'dave' } })).body.results[0].status, 'applied');
  const erin = client(stub.url, await jwt('erin'));
  assert.deepEqual((await erin.pullAll()).changes, [], "erin's token never reads dave's data");
  assert.deepEqual((await dave.pullAll()).changes.map((c: { key: string }) => c.key), ['secret']);
  const session = client(stub.url, await login(stub.url));
  assert.equal((await session.pull()).status, 200, 'built-in sessions still work');
  const foreign = await client(stub.url, await jwt('dave', 'https://evil.test/')).pull();
  assert.equal(foreign.status, 401);
  assert.match(foreign.body.error.message, /claim 'iss'/);
});

test('the demo accounts are refused on a non-loopback address unless allowed', async () => {
  // 192.0.2.1 (TEST-NET-1) is never this machine's: even a regression could not bind it.
  await assert.rejects(startStub({ port: 0, dataDir: ':memory:', host: '192.0.2.1' }), /demo accounts \(alice, bob\)/);
  await assert.rejects(startStub({ port: 0, dataDir: ':memory:', host: '192.0.2.1', allowDemoUsers: true }), (err: NodeJS.ErrnoException) => err.code === 'EADDRNOTAVAIL');
  await assert.rejects(startStub({ port: 0, dataDir: ':memory:', host: '192.0.2.1', users: [{ user: 'x', password: 'y' }] }), (err: NodeJS.ErrnoException) => err.code === 'EADDRNOTAVAIL');
});

test('with JWT identity and no --users there are no built-in accounts', async (t) => {
  const stub = await stubFor(t, { identity: { issuer: 'https://id.test/', audience: 'mail', secret: 'shared-secret-shared-secret-shared-secret' } });
  assert.equal((await post(`${stub.url}/auth/v1/login`, { user: 'alice', password: 'alice' })).status, 401);
});

test('failed sign-ins sent at once cannot get past --login-rate: an attempt counts while its password check runs', async (t) => {
  const hour = 3_600_000;
  // A scrypt check takes ~0.1 s on the thread pool: every attempt of a burst was in it before the first failed.
  const stub = await stubFor(t, { users: [{ user: 'carol', password: await hashPassword('right') }], limits: { loginRate: { count: 3, periodMs: hour } } });
  const burst = await Promise.all(Array.from({ length: 12 }, (_, i) => post(`${stub.url}/auth/v1/login`, { user: 'carol', password: `guess-${i}` })));
  const statuses = burst.map((r) => r.status);
  assert.equal(statuses.filter((s) => s === 401).length, 3, `only --login-rate attempts are checked: ${statuses.join(' ')}`);
  assert.equal(statuses.filter((s) => s === 429).length, 9);
  // Only failures count: right passwords at once are all admitted (each gives its attempt back).
  const ok = await stubFor(t, { users: [{ user: 'carol', password: await hashPassword('right') }], limits: { loginRate: { count: 2, periodMs: hour } } });
  const rights = await Promise.all(Array.from({ length: 2 }, () => post(`${ok.url}/auth/v1/login`, { user: 'carol', password: 'right' })));
  assert.deepEqual(rights.map((r) => r.status), [200, 200]);
  for (let i = 0; i < 3; i++) assert.equal((await post(`${ok.url}/auth/v1/login`, { user: 'carol', password: 'right' })).status, 200);
});

test('behind a trusted proxy (trustProxy) failed sign-ins count per X-Forwarded-For client: one client cannot lock out the others; untrusted, the header is ignored', async (t) => {
  const attempt = (url: string, forwardedFor: string, user: string, password: string) =>
    fetch(`${url}/auth/v1/login`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': forwardedFor }, body: JSON.stringify({ user, password }) }).then((r) => r.status);
  // The client claims an address (left); the proxy appends the one it saw (right-most).
  const fromA = '192.0.2.77, 198.51.100.1';
  const fromB = '198.51.100.2';
  const proxied = await stubFor(t, { trustProxy: ['127.0.0.1'] });
  for (let i = 0; i < 10; i++) assert.equal(await attempt(proxied.url, fromA, `mallory${i}`, 'wrong'), 401);
  assert.equal(await attempt(proxied.url, fromA, 'mallory10', 'wrong'), 429, "A's own address is limited");
  assert.equal(await attempt(proxied.url, fromB, 'bob', 'bob'), 200, 'another client behind the same proxy signs in');
  assert.equal(await attempt(proxied.url, '198.51.100.1', 'alice', 'alice'), 429, 'the right-most hop is the address counted, not what the client claimed');

  // Before, and still by default: the bucket is the socket's, whatever the header says.
  const direct = await stubFor(t);
  for (let i = 0; i < 10; i++) assert.equal(await attempt(direct.url, fromA, `mallory${i}`, 'wrong'), 401);
  assert.equal(await attempt(direct.url, fromB, 'bob', 'bob'), 429, 'X-Forwarded-For is not trusted without trustProxy');

  assert.deepEqual(securityOptions({ 'trust-proxy': '127.0.0.1, ::1' }).trustProxy, ['127.0.0.1', '::1']);
  assert.throws(() => securityOptions({ 'trust-proxy': 'proxy.local' }), /--trust-proxy must list IP addresses.*got 'proxy\.local'/);
  await assert.rejects(startStub({ port: 0, dataDir: ':memory:', trustProxy: ['nope'] }), /trustProxy \(--trust-proxy\) lists 'nope'/);
});

test("with JWT identity beside --users, a provider token whose sub names a built-in account is refused, never given that account's data", async (t) => {
  const secret = 'shared-secret-shared-secret-shared-secret';
  const stub = await stubFor(t, { identity: { issuer: 'https://id.test/', audience: 'mail', secret }, users: [{ user: 'alice', password: 'alice' }] });
  const jwt = (sub: string) => new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setIssuer('https://id.test/').setAudience('mail').setSubject(sub).setExpirationTime('5m').sign(new TextEncoder().encode(secret));
  const alice = client(stub.url, await login(stub.url));
  assert.equal((await alice.push({ name: 'put', collection: 'n', key: 'secret', baseRev: 0, value: { of: 'alice' } })).body.results[0].status, 'applied');
  // Before, this token pulled the built-in alice's documents.
  const impostor = client(stub.url, await jwt('alice'));
  for (const r of [await impostor.pull(), await impostor.push({ name: 'put', collection: 'n', key: 'secret', baseRev: 1, value: { of: 'mallory' } })]) {
    assert.equal(r.status, 401);
    assert.equal(r.body.error.code, 'unauthorized');
    assert.match(r.body.error.message, /'sub' claim \("alice"\) is also the name of a built-in account of this server \(--users\).*Remove that account from --users, or have the identity provider issue other user ids/);
  }
  assert.deepEqual((await alice.pullAll()).changes.map((c: { value: unknown }) => c.value), [{ of: 'alice' }]);
  assert.equal((await client(stub.url, await jwt('dave')).pull()).status, 200, 'other subs work');
});
