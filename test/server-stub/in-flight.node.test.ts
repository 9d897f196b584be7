// Pushes and pulls one user has in flight on a node: each counts until its answer is sent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { createServer } from 'node:http';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { startStub } from '../../server-stub/index.js';
import { DEFAULT_STUB_LIMITS } from '../../server-stub/limits.js';
import { securityOptions } from '../../server-stub/cli-security.js';
import { client, login } from './helpers.js';
import { CONDITION_TIMEOUT_MS } from '../timeouts.js';

/** A request that sends its headers and never its body: in flight until the socket closes. */
function heldRequest(url: string, path: string, token: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      socket.write(`POST ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n`);
      resolve(socket);
    });
    socket.on('error', reject);
  });
}

test("a user's pushes and pulls in flight on a node are capped (429 naming the cap); answered, they free their places, and other users are not affected", async (t) => {
  const stub = await startStub({ port: 0, dataDir: ':memory:' });
  const MAX_REQUESTS_IN_FLIGHT_PER_USER = DEFAULT_STUB_LIMITS.requestsInFlightPerUser;
  t.after(() => stub.close());
  const alice = client(stub.url, await login(stub.url, 'alice'));
  const bob = client(stub.url, await login(stub.url, 'bob'));
  const token = await login(stub.url, 'alice');
  const held: Socket[] = [];
  t.after(() => held.forEach((s) => s.destroy()));
  for (let i = 0; i < MAX_REQUESTS_IN_FLIGHT_PER_USER; i++) held.push(await heldRequest(stub.url, i % 2 ? '/sync/v1/pull' : '/sync/v1/push', token));
  // The held requests are counted once the server has read their headers: wait for that, not a time.
  let refused: Awaited<ReturnType<typeof alice.pull>> | undefined;
  const until = Date.now() + CONDITION_TIMEOUT_MS;
  while (!refused) {
    assert.ok(Date.now() < until, `no 429 after ${MAX_REQUESTS_IN_FLIGHT_PER_USER} held requests within ${CONDITION_TIMEOUT_MS} ms`);
    const r = await alice.pull();
    if (r.status === 429) refused = r;
    else assert.equal(r.status, 200, JSON.stringify(r.body));
  }
  assert.equal(refused.body.error.code, 'too-many-requests');
  assert.match(refused.body.error.message, new RegExp(`already has ${MAX_REQUESTS_IN_FLIGHT_PER_USER} pushes and pulls in flight.*--max-in-flight`));
  assert.ok(Number(refused.headers.get('retry-after')) >= 1);
  assert.equal((await bob.pull()).status, 200, "another user's pulls go on");
  assert.equal((await alice.push({ name: 'put', collection: 'notes', key: 'n1', baseRev: 0, value: { text: 'a' } })).status, 429, "alice's pushes are refused too");
  // The held requests end (their clients gone): alice's places are free again.
  for (const s of held.splice(0)) s.destroy();
  let answered = 0;
  while (answered !== 200) {
    assert.ok(Date.now() < until + CONDITION_TIMEOUT_MS, `alice still refused ${CONDITION_TIMEOUT_MS} ms after her held requests ended`);
    answered = (await alice.pull()).status;
  }
  assert.equal((await alice.push({ name: 'put', collection: 'notes', key: 'n1', baseRev: 0, value: { text: 'a' } })).status, 200);
});

test('--max-in-flight takes a count or off', () => {
  assert.equal(securityOptions({ 'max-in-flight': '4' }).limits!.requestsInFlightPerUser, 4);
  assert.equal(securityOptions({ 'max-in-flight': 'off' }).limits!.requestsInFlightPerUser, Infinity);
  assert.throws(() => securityOptions({ 'max-in-flight': 'many' }), /--max-in-flight/);
});

test("a push or pull whose client hung up while its token was being checked frees its place: the user is not refused for good", async (t) => {
  // The provider's JWKS answers only when told: the token check (before the request is counted)
  // is still on its way when the client hangs up.
  const rsa = await generateKeyPair('RS256');
  const jwks = { keys: [{ ...(await exportJWK(rsa.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }] };
  let asked = 0;
  let release!: () => void;
  const answered = new Promise<void>((resolve) => (release = resolve));
  const provider = createServer((_req, res) => {
    asked++;
    void answered.then(() => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks)));
  });
  await new Promise<void>((resolve) => provider.listen(0, '127.0.0.1', resolve));
  t.after(() => provider.close());
  const identity = { issuer: 'https://id.example.test/', audience: 'outpost-test', jwksUrl: `http://127.0.0.1:${(provider.address() as AddressInfo).port}/jwks.json` };
  const stub = await startStub({ port: 0, dataDir: ':memory:', identity, limits: { requestsInFlightPerUser: 2 } });
  t.after(() => stub.close());
  const token = await new SignJWT({}).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setIssuer(identity.issuer).setAudience(identity.audience).setSubject('carol').setExpirationTime('5m').sign(rsa.privateKey);
  const gone = [await heldRequest(stub.url, '/sync/v1/pull', token), await heldRequest(stub.url, '/sync/v1/push', token)];
  const until = Date.now() + CONDITION_TIMEOUT_MS;
  while (asked === 0) {
    assert.ok(Date.now() < until, 'the token check never asked the provider');
    await new Promise((resolve) => setImmediate(resolve));
  }
  // Both hang up while their token is being checked; then the provider answers.
  await Promise.all(gone.map((s) => new Promise((resolve) => s.once('close', resolve).destroy())));
  release();
  const carol = client(stub.url, token);
  for (let i = 0; i < 3; i++) {
    const r = await carol.pull();
    assert.equal(r.status, 200, `pull ${i + 1}: ${JSON.stringify(r.body)}`);
  }
});
