import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { JwtVerifier } from '../../server-stub/jwt.js';
import { HttpError } from '../../server-stub/http.js';

const ISSUER = 'https://id.example.test/';
const AUDIENCE = 'outpost-mail';
const SECRET = 'a-shared-secret-of-at-least-32-bytes!!';

function jwt(claims: Record<string, unknown> = {}) {
  return new SignJWT({ ...claims }).setProtectedHeader({ alg: 'HS256' }).setIssuer(ISSUER).setAudience(AUDIENCE).setSubject('alice').setIssuedAt().setExpirationTime('5m');
}

async function refused(verifier: JwtVerifier, token: string, why: RegExp): Promise<void> {
  await assert.rejects(verifier.userFor(token), (err: unknown) => err instanceof HttpError && err.status === 401 && why.test(err.message), `expected 401 matching ${why}`);
}

test('HS256: a token from the app\'s provider gives its sub; wrong issuer, audience, secret, expiry, algorithm or a missing sub are refused', async () => {
  const key = new TextEncoder().encode(SECRET);
  const verifier = new JwtVerifier({ issuer: ISSUER, audience: AUDIENCE, secret: SECRET });
  assert.equal(await verifier.userFor(await jwt().sign(key)), 'alice');
  await refused(verifier, await jwt().setIssuer('https://other.example/').sign(key), /claim 'iss'/);
  await refused(verifier, await jwt().setAudience('another-app').sign(key), /claim 'aud'/);
  await refused(verifier, await jwt().sign(new TextEncoder().encode('another-secret-of-at-least-32-bytes!!')), /signature/);
  await refused(verifier, await jwt().setExpirationTime(Math.floor(Date.now() / 1000) - 3600).sign(key), /expired/);
  await refused(verifier, await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setIssuer(ISSUER).setAudience(AUDIENCE).setExpirationTime('5m').sign(key), /sub/);
  await refused(verifier, await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setIssuer(ISSUER).setAudience(AUDIENCE).setSubject('alice').sign(key), /exp/);
  // alg "none": an unsigned token naming alice.
  const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ iss: ISSUER, aud: AUDIENCE, sub: 'alice', exp: 9e9 })).toString('base64url')}.`;
  await refused(verifier, none, /algorithm|verified|JWS/);
  assert.throws(() => new JwtVerifier({ issuer: ISSUER, audience: AUDIENCE, secret: 'short' }), /at least 32/);
  assert.throws(() => new JwtVerifier({ issuer: ISSUER, audience: AUDIENCE }), /exactly one key source/);
});

test('RS256 and ES256 keys from a JWKS URL verify; a key not in the set, or HS256 signed with the public key, is refused', async (t) => {
  const rsa = await generateKeyPair('RS256');
  const ec = await generateKeyPair('ES256');
  const stranger = await generateKeyPair('RS256');
  const jwks = { keys: [{ ...(await exportJWK(rsa.publicKey)), kid: 'rsa-1', alg: 'RS256', use: 'sig' }, { ...(await exportJWK(ec.publicKey)), kid: 'ec-1', alg: 'ES256', use: 'sig' }] };
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(jwks));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => server.close());
  const jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  const verifier = new JwtVerifier({ issuer: ISSUER, audience: AUDIENCE, jwksUrl });
  const signed = (alg: string, kid: string) => new SignJWT({}).setProtectedHeader({ alg, kid }).setIssuer(ISSUER).setAudience(AUDIENCE).setSubject('bob').setExpirationTime('5m');
  assert.equal(await verifier.userFor(await signed('RS256', 'rsa-1').sign(rsa.privateKey)), 'bob');
  assert.equal(await verifier.userFor(await signed('ES256', 'ec-1').sign(ec.privateKey)), 'bob');
  await refused(verifier, await signed('RS256', 'rsa-2').sign(stranger.privateKey), /no key of the JWKS/);
  await refused(verifier, await signed('RS256', 'rsa-1').sign(stranger.privateKey), /signature/);
  // The classic confusion attack: HS256 with the RSA public key as the "secret".
  const publicPem = new TextEncoder().encode(JSON.stringify(jwks.keys[0]));
  await refused(verifier, await signed('HS256', 'rsa-1').sign(publicPem), /algorithm/);
});

test("a sub the storage cannot keep as sent is refused: a lone surrogate (two such subs would both be stored as U+FFFD, one user) or U+0000", async () => {
  const key = new TextEncoder().encode(SECRET);
  const verifier = new JwtVerifier({ issuer: ISSUER, audience: AUDIENCE, secret: SECRET });
  for (const sub of ['\ud800', 'x\udbff', 'a\u0000b']) await refused(verifier, await jwt().setSubject(sub).sign(key), /'sub' claim/);
  assert.equal(await verifier.userFor(await jwt().setSubject('😀 ünï').sign(key)), '😀 ünï');
});

test("a token is taken until its exp plus the clock tolerance, and verify() says so (an event stream opened with it ends then, not at exp: it would reconnect and be taken again)", async () => {
  const key = new TextEncoder().encode(SECRET);
  const exp = Math.floor(Date.now() / 1000) + 300;
  // 20 s past exp, within the default 30 s tolerance: still taken.
  assert.equal(await new JwtVerifier({ issuer: ISSUER, audience: AUDIENCE, secret: SECRET }).userFor(await jwt().setExpirationTime(Math.floor(Date.now() / 1000) - 20).sign(key)), 'alice');
  assert.equal((await new JwtVerifier({ issuer: ISSUER, audience: AUDIENCE, secret: SECRET }).verify(await jwt().setExpirationTime(exp).sign(key))).expiresAt, (exp + 30) * 1000);
  assert.equal((await new JwtVerifier({ issuer: ISSUER, audience: AUDIENCE, secret: SECRET, clockToleranceS: 5 }).verify(await jwt().setExpirationTime(exp).sign(key))).expiresAt, (exp + 5) * 1000);
});
