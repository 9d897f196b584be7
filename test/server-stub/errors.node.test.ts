import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect } from 'node:net';
import { stubFor, login, post, client } from './helpers.js';

const expectError = (r: { status: number; body: { error?: { code: string; message: string } } }, status: number, code: string) => {
  assert.equal(r.status, status, JSON.stringify(r.body));
  assert.equal(r.body.error?.code, code);
  assert.ok(r.body.error!.message.length > 10, 'the message explains the problem');
};

test('login gives a token for a configured user and 401 bad-credentials otherwise', async (t) => {
  const stub = await stubFor(t, { users: [{ user: 'carol', password: 's3cret' }] });
  const ok = await post(`${stub.url}/auth/v1/login`, { user: 'carol', password: 's3cret' });
  assert.equal(ok.status, 200);
  assert.equal(ok.body.user, 'carol');
  assert.match(ok.body.token, /^[\w-]{20,}$/);
  expectError(await post(`${stub.url}/auth/v1/login`, { user: 'carol', password: 'nope' }), 401, 'bad-credentials');
  expectError(await post(`${stub.url}/auth/v1/login`, { user: 'alice', password: 'alice' }), 401, 'bad-credentials');
  expectError(await post(`${stub.url}/auth/v1/login`, { user: 'carol' }), 400, 'invalid-request');
});

test('the default users are alice/alice and bob/bob', async (t) => {
  const stub = await stubFor(t);
  await login(stub.url, 'alice');
  await login(stub.url, 'bob');
});

test('sync routes answer 401 without a valid bearer token', async (t) => {
  const stub = await stubFor(t);
  const body = { protocol: 1, clientId: 'c', cursor: null };
  expectError(await post(`${stub.url}/sync/v1/pull`, body), 401, 'unauthorized');
  expectError(await post(`${stub.url}/sync/v1/pull`, body, { token: 'made-up' }), 401, 'unauthorized');
  expectError(await post(`${stub.url}/sync/v1/push`, { protocol: 1, clientId: 'c', mutations: [] }, { token: 'made-up' }), 401, 'unauthorized');
  const events = await fetch(`${stub.url}/sync/v1/events`);
  assert.equal(events.status, 401);
});

test("a token never reads or writes another user's data, and a clientId cannot be shared across users", async (t) => {
  const stub = await stubFor(t);
  const alice = client(stub.url, await login(stub.url, 'alice'));
  const bob = client(stub.url, await login(stub.url, 'bob'));
  await alice.push({ name: 'put', collection: 'mail', key: 'secret', baseRev: 0, value: { for: 'alice' } });
  assert.deepEqual((await bob.pullAll()).changes, []);
  // Bob writing the same key makes his own document, at rev 1 (baseRev 0 = create).
  const r = await bob.push({ name: 'put', collection: 'mail', key: 'secret', baseRev: 0, value: { for: 'bob' } });
  assert.deepEqual(r.body.results, [{ id: 1, status: 'applied', rev: 1 }]);
  assert.deepEqual((await alice.pullAll()).changes[0].value, { for: 'alice' });
  assert.deepEqual(Object.keys((await bob.pullAll()).lastMutationIds), [bob.clientId]);
  const thief = client(stub.url, await login(stub.url, 'bob'), alice.clientId);
  expectError(await thief.push({ name: 'put', collection: 'mail', key: 'x', baseRev: 0, value: {} }), 409, 'client-id-taken');
});

test('bad bodies answer 400/415/422/426 JSON errors and the server keeps serving', async (t) => {
  const stub = await stubFor(t);
  const token = await login(stub.url);
  const push = `${stub.url}/sync/v1/push`;
  const pull = `${stub.url}/sync/v1/pull`;
  expectError(await post(push, '{"protocol":1,', { token, raw: true }), 400, 'malformed-json');
  expectError(await post(push, '', { token, raw: true }), 400, 'malformed-json');
  expectError(await post(push, '\u0000\u00ff garbage', { token, raw: true }), 400, 'malformed-json');
  expectError(await post(push, 'null', { token, raw: true }), 400, 'invalid-request');
  expectError(await post(push, '[1,2,3]', { token, raw: true }), 400, 'invalid-request');
  expectError(await post(push, { protocol: 1, clientId: 'c', mutations: 'all' }, { token }), 400, 'invalid-request');
  expectError(await post(push, { protocol: 1, clientId: 'c', mutations: [{ id: 1, name: 'put' }] }, { token }), 400, 'invalid-request');
  expectError(await post(push, { clientId: 'c', mutations: [] }, { token }), 400, 'invalid-request');
  expectError(await post(push, { protocol: 2, clientId: 'c', mutations: [] }, { token }), 426, 'unsupported-protocol');
  expectError(await post(pull, { protocol: '1', clientId: 'c', cursor: null }, { token }), 426, 'unsupported-protocol');
  expectError(await post(pull, { protocol: 1, clientId: 'c', cursor: null }, { token, contentType: 'text/plain' }), 415, 'unsupported-media-type');
  expectError(await post(pull, { protocol: 1, clientId: 'c', cursor: 'not-a-cursor' }, { token }), 400, 'invalid-cursor');
  expectError(await post(pull, { protocol: 1, clientId: 'c', cursor: null, limit: -5 }, { token }), 400, 'invalid-request');
  const bad = await post(push, { protocol: 1, clientId: 'c', mutations: [{ id: 1, name: 'put', collection: 'n', key: 'k', baseRev: 'x', value: {} }] }, { token });
  assert.match(bad.body.error.message, /mutations\.0\.baseRev/);
  assert.deepEqual((await fetch(`${stub.url}/healthz`).then((r) => r.json())), { ok: true });
});

test('request targets URL cannot parse answer 400 naming the target, and nothing is logged as a failure', async (t) => {
  const logged: string[] = [];
  const stub = await stubFor(t, { logError: (message) => logged.push(message) });
  for (const target of ['//', '//a:b', '//[']) {
    // Raw: fetch would normalise these before sending them.
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(stub.port, '127.0.0.1', () => socket.end(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`));
      let text = '';
      socket.on('data', (chunk) => (text += String(chunk)));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    assert.match(raw, /^HTTP\/1\.1 400 /, target);
    const body = JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4));
    assert.equal(body.error.code, 'invalid-request');
    assert.ok(body.error.message.includes(`The request target ${JSON.stringify(target)} is not a valid path`), body.error.message);
  }
  assert.deepEqual(logged, []);
});

test("a protocol value that is deeply nested or huge answers a short 426 describing it, and nothing is logged as a failure", async (t) => {
  const logged: string[] = [];
  const stub = await stubFor(t, { logError: (message) => logged.push(message) });
  const token = await login(stub.url);
  const deep = `${'['.repeat(400_000)}${']'.repeat(400_000)}`;
  for (const [path, rest] of [['/auth/v1/login', '"user":"a","password":"b"'], ['/sync/v1/push', '"clientId":"c","mutations":[]']]) {
    // Before, JSON.stringify of it overflowed the stack: a 500 and a logged stack.
    const nested = await post(`${stub.url}${path}`, `{"protocol":${deep},${rest}}`, { token, raw: true });
    expectError(nested, 426, 'unsupported-protocol');
    assert.match(nested.body.error.message, /asked for an array\. Update the client or the server/);
  }
  const huge = await post(`${stub.url}/auth/v1/login`, { protocol: 'x'.repeat(1_000_000), user: 'a', password: 'b' });
  expectError(huge, 426, 'unsupported-protocol');
  assert.ok(JSON.stringify(huge.body).length < 300, 'the value is clipped, not echoed whole');
  assert.match(huge.body.error.message, /asked for "x{40}…"/);
  assert.deepEqual(logged, []);
});

test('unknown routes answer 404 and wrong methods 405 with an Allow header', async (t) => {
  const stub = await stubFor(t);
  const missing = await fetch(`${stub.url}/sync/v1/nope`);
  assert.equal(missing.status, 404);
  assert.equal((await missing.json()).error.code, 'not-found');
  const wrong = await fetch(`${stub.url}/sync/v1/push`);
  assert.equal(wrong.status, 405);
  assert.equal(wrong.headers.get('allow'), 'POST');
  assert.equal((await wrong.json()).error.code, 'method-not-allowed');
  const wrongEvents = await fetch(`${stub.url}/sync/v1/events`, { method: 'POST' });
  assert.equal(wrongEvents.status, 405);
});

test('a body of 1 MiB + 1 byte answers 413 and the server stays up; exactly 1 MiB is accepted', async (t) => {
  // The body limit, not the document limit (256 KiB by default), is under test here.
  const stub = await stubFor(t, { limits: { documentBytes: 2 * 1024 * 1024 } });
  const token = await login(stub.url);
  const envelope = (pad: number) => JSON.stringify({ protocol: 1, clientId: 'c-big', mutations: [{ id: 1, name: 'put', collection: 'n', key: 'k', baseRev: 0, value: { pad: 'x'.repeat(pad) } }] });
  const overhead = envelope(0).length;
  const exact = envelope(1024 * 1024 - overhead);
  const over = envelope(1024 * 1024 - overhead + 1);
  assert.equal(Buffer.byteLength(exact), 1024 * 1024);
  assert.equal(Buffer.byteLength(over), 1024 * 1024 + 1);
  const tooBig = await post(`${stub.url}/sync/v1/push`, over, { token, raw: true });
  expectError(tooBig, 413, 'body-too-large');
  const fits = await post(`${stub.url}/sync/v1/push`, exact, { token, raw: true });
  assert.equal(fits.status, 200);
  assert.equal(fits.body.results[0].status, 'applied');
  // Chunked upload with no Content-Length: counted while streaming.
  const chunked = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(`${stub.url}/sync/v1/push`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}`, 'Transfer-Encoding': 'chunked' } }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    for (let i = 0; i < 17; i++) req.write('x'.repeat(64 * 1024));
    req.end();
  });
  assert.equal(chunked.status, 413);
  assert.equal(JSON.parse(chunked.body).error.code, 'body-too-large');
  assert.deepEqual(await fetch(`${stub.url}/healthz`).then((r) => r.json()), { ok: true });
});

test('every response carries an X-Request-Id', async (t) => {
  const stub = await stubFor(t);
  const r = await fetch(`${stub.url}/healthz`);
  assert.match(r.headers.get('x-request-id') ?? '', /^[0-9a-f]{12}$/);
});
