import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stubFor, login, client } from './helpers.js';

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
