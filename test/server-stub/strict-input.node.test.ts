import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import type { MutationContext } from '../../server-stub/index.js';
import { eachBackend, stubFor, login, client } from './helpers.js';

const APP = fileURLToPath(new URL('./fixtures/test-app.mjs', import.meta.url));

async function pushRaw(url: string, token: string, body: string | ArrayBuffer) {
  const res = await fetch(`${url}/sync/v1/push`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body });
  return { status: res.status, body: (await res.json()) as { error?: { code: string; message: string }; results?: unknown[] } };
}

const put = (key: string, value: unknown) => ({ protocol: 1, clientId: 'c1', mutations: [{ id: 1, name: 'put', collection: 'notes', key, baseRev: 0, value }] });

test('a body that is not valid UTF-8 answers 400 and stores nothing', async (t) => {
  const stub = await stubFor(t);
  const token = await login(stub.url);
  const text = JSON.stringify(put('k', { title: 'XX' }));
  const bytes = Buffer.from(text);
  const at = bytes.indexOf('XX');
  bytes[at] = 0xc3; // a lead byte followed by 'X': invalid UTF-8
  const r = await pushRaw(stub.url, token, bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer);
  assert.equal(r.status, 400);
  assert.equal(r.body.error?.code, 'malformed-json');
  assert.match(r.body.error!.message, /UTF-8/);
  assert.deepEqual((await client(stub.url, token).pullAll()).changes, []);
});

test('lone surrogates in a key, a field name, a nested string or a set value answer 400 naming the path', async (t) => {
  const stub = await stubFor(t);
  const token = await login(stub.url);
  const cases: Array<[string, RegExp]> = [
    ['{"protocol":1,"clientId":"c1","mutations":[{"id":1,"name":"put","collection":"notes","key":"a\\ud800","baseRev":0,"value":{}}]}', /key/],
    ['{"protocol":1,"clientId":"c1","mutations":[{"id":1,"name":"put","collection":"notes","key":"k","baseRev":0,"value":{"f\\udc00":1}}]}', /value: the field name/],
    ['{"protocol":1,"clientId":"c1","mutations":[{"id":1,"name":"put","collection":"notes","key":"k","baseRev":0,"value":{"a":{"b":["x","\\ud83d"]}}}]}', /value\.a\.b\[1\]/],
    ['{"protocol":1,"clientId":"c1","mutations":[{"id":1,"name":"addToSet","collection":"notes","key":"k","field":"tags","values":["\\udfff"]}]}', /values/],
    ['{"protocol":1,"clientId":"c\\ud800","mutations":[]}', /clientId/],
  ];
  for (const [body, path] of cases) {
    const r = await pushRaw(stub.url, token, body);
    assert.equal(r.status, 400, body);
    assert.equal(r.body.error?.code, 'invalid-request');
    assert.match(r.body.error!.message, /surrogate/);
    assert.match(r.body.error!.message, path);
  }
  // A well-formed pair (an emoji) is fine anywhere.
  const ok = await pushRaw(stub.url, token, '{"protocol":1,"clientId":"c1","mutations":[{"id":1,"name":"put","collection":"notes","key":"\\ud83d\\ude00","baseRev":0,"value":{"\\ud83d\\ude00":"\\ud83d\\ude00"}}]}');
  assert.equal(ok.status, 200);
  const [change] = (await client(stub.url, token).pullAll()).changes;
  assert.equal(change.key, '😀');
  assert.deepEqual(change.value, { '😀': '😀' });
});

test('__proto__ and the store\'s hidden fields are refused as field names (never dropped); constructor and prototype are kept as data', async (t) => {
  const stub = await stubFor(t);
  const token = await login(stub.url);
  for (const [body, name] of [
    ['{"protocol":1,"clientId":"c1","mutations":[{"id":1,"name":"put","collection":"notes","key":"k","baseRev":0,"value":{"__proto__":{"x":1}}}]}', '__proto__'],
    ['{"protocol":1,"clientId":"c1","mutations":[{"id":1,"name":"put","collection":"notes","key":"k","baseRev":0,"value":{"a":[{"__proto__":1}]}}]}', '__proto__'],
    ['{"protocol":1,"clientId":"c1","mutations":[{"id":1,"name":"patch","collection":"notes","key":"k","baseRev":1,"patch":{"$words":["x"]}}]}', '$words'],
    ['{"protocol":1,"clientId":"c1","mutations":[{"id":1,"name":"x","args":{"__proto__":{"admin":true}}}]}', '__proto__'],
  ] as const) {
    const r = await pushRaw(stub.url, token, body);
    assert.equal(r.status, 400, body);
    assert.match(r.body.error!.message, new RegExp(`'\\${name}' is a reserved field name`));
  }
  const c = client(stub.url, token);
  const value = { constructor: 'c', prototype: 'p', toString: 't', hasOwnProperty: 1, nested: { constructor: ['x'] } };
  const r = await c.push({ name: 'put', collection: 'notes', key: 'k', baseRev: 0, value });
  assert.equal(r.body.results[0].status, 'applied');
  assert.deepEqual((await c.pullAll()).changes[0].value, value);
});

test("addToSet and removeFromSet refuse __proto__ and the store's hidden fields as their field, like a put; other fields apply", async (t) => {
  const stub = await stubFor(t);
  const c = client(stub.url, await login(stub.url));
  for (const name of ['addToSet', 'removeFromSet']) {
    for (const field of ['__proto__', '$rev', '$words', '$computed']) {
      const r = await c.push({ name, collection: 'notes', key: 'k', field, values: ['x'] });
      assert.equal(r.status, 400, `${name} ${field}`);
      assert.equal(r.body.error.code, 'invalid-request');
      assert.match(r.body.error.message, new RegExp(`mutations\\.0\\.field: '\\${field}' is a reserved field name .*; rename the field`));
    }
  }
  const ok = await c.push({ name: 'addToSet', collection: 'notes', key: 'k', field: 'tags', values: ['x'] });
  assert.equal(ok.body.results[0].status, 'applied');
  assert.deepEqual((await c.pullAll()).changes.map((ch: { key: string; value: unknown }) => [ch.key, ch.value]), [['k', { tags: ['x'] }]], 'nothing else was written');
});

test('nesting far beyond the limit answers 400 (never a 5xx or a crash), and the server keeps serving', async (t) => {
  const errors: unknown[] = [];
  const stub = await stubFor(t, { logError: (_m, err) => errors.push(err) });
  const token = await login(stub.url);
  const depth = 200_000;
  const body = `{"protocol":1,"clientId":"c1","mutations":[{"id":1,"name":"put","collection":"n","key":"k","baseRev":0,"value":{"a":${'['.repeat(depth)}${']'.repeat(depth)}}}]}`;
  const r = await pushRaw(stub.url, token, body);
  assert.equal(r.status, 400);
  assert.match(r.body.error!.message, /nested deeper than/);
  const args = `{"protocol":1,"clientId":"c1","mutations":[{"id":1,"name":"x","args":${'{"a":'.repeat(100)}1${'}'.repeat(100)}}]}`;
  assert.equal((await pushRaw(stub.url, token, args)).status, 400);
  assert.deepEqual(errors, []);
  assert.equal((await fetch(`${stub.url}/healthz`)).status, 200);
});

// PostgreSQL text cannot hold U+0000: such a key or client id failed there as a storage error (503,
// retried by the client forever), and failed every other user's push batched with it.
eachBackend('U+0000 in a key or client id answers 400 naming the path, a handler writing such a key is rejected, and other users\' pushes meanwhile apply', async (t, backend) => {
  const stub = await stubFor(t, { app: APP }, backend);
  const alice = await login(stub.url);
  const bob = client(stub.url, await login(stub.url, 'bob'));
  await bob.push();
  for (const [body, path] of [
    [put('a\u0000b', {}), /mutations\[0\]\.key/],
    [{ protocol: 1, clientId: 'c\u0000', mutations: [] }, /clientId/],
  ] as const) {
    const [r, ...others] = await Promise.all([pushRaw(stub.url, alice, JSON.stringify(body)), ...Array.from({ length: 8 }, (_, i) => bob.push({ name: 'put', collection: 'n', key: `k${i}`, baseRev: 0, value: {} }))]);
    assert.equal(r.status, 400, JSON.stringify(r.body));
    assert.equal(r.body.error?.code, 'invalid-request');
    assert.match(r.body.error!.message, /U\+0000/);
    assert.match(r.body.error!.message, path);
    assert.deepEqual(others.map((o) => o.status), Array(8).fill(200), 'another user\'s pushes are not failed with it');
  }
  const viaHandler = await client(stub.url, alice).push({ name: 'sendNote', args: { to: 'bob', id: 'n\u0000', text: 'hi' } });
  assert.equal(viaHandler.status, 200, JSON.stringify(viaHandler.body));
  assert.equal(viaHandler.body.results[0].status, 'rejected');
  assert.match(viaHandler.body.results[0].error.message, /U\+0000/);
});

// A handler's user, collection and key often come from a client's args. On PostgreSQL a user with
// U+0000, or a key or user too long for the documents' index, failed the write as a storage error:
// 503 for ever (the client retried the push, its outbox stuck behind it) where SQLite applied it.
eachBackend("a handler's write to a user or key it took from args that storage cannot keep (U+0000, too long) is rejected, the same on every backend, and the next push applies", async (t, backend) => {
  const app = {
    mutations: {
      async deliver(ctx: MutationContext, args: unknown) {
        const { to, key } = args as { to: string; key: string };
        await ctx.forUser(to).put('inbox', key, { from: ctx.user });
      },
    },
  };
  const stub = await stubFor(t, { app }, backend);
  const alice = client(stub.url, await login(stub.url));
  // Random, so PostgreSQL cannot compress them below its index row limit.
  const long = randomBytes(2250).toString('base64');
  for (const [to, key, why] of [
    ['bob\u0000', 'k', /user name "bob\\u0000" contains the character U\+0000/],
    ['bob', long, /key name .* is 3000 characters long; the most this server stores is 512/],
    [long, 'k', /user name .* is 3000 characters long; the most this server stores is 128/],
  ] as const) {
    const r = await alice.push({ name: 'deliver', args: { to, key } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.results[0].status, 'rejected');
    assert.equal(r.body.results[0].error.code, 'invalid-key');
    assert.match(r.body.results[0].error.message, why);
  }
  const ok = await alice.push({ name: 'deliver', args: { to: 'bob', key: 'k' } });
  assert.equal(ok.body.results[0].status, 'applied');
  const bob = client(stub.url, await login(stub.url, 'bob'));
  assert.deepEqual((await bob.pullAll()).changes, [{ collection: 'inbox', key: 'k', rev: 1, value: { from: 'alice' } }]);
});
