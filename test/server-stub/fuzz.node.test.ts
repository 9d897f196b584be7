import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { stubFor, login, post } from './helpers.js';

const ROUTES = ['/sync/v1/push', '/sync/v1/pull', '/auth/v1/login'];

test('random JSON and random text bodies on every POST route answer 4xx JSON errors (never 5xx) and the server stays up', async (t) => {
  const errors: unknown[] = [];
  const stub = await stubFor(t, { logError: (_m, err) => errors.push(err) });
  const token = await login(stub.url);
  // Near-miss bodies: the right envelope with random parts, so validation gets past the first field.
  const nearMiss = fc.record({
    protocol: fc.oneof(fc.constant(1), fc.jsonValue()),
    clientId: fc.oneof(fc.string(), fc.jsonValue()),
    cursor: fc.oneof(fc.constant(null), fc.string(), fc.jsonValue()),
    mutations: fc.array(fc.record({ id: fc.oneof(fc.integer(), fc.jsonValue()), name: fc.oneof(fc.constantFrom('put', 'patch', 'delete', 'addToSet', 'x'), fc.string()), collection: fc.jsonValue(), key: fc.jsonValue(), baseRev: fc.jsonValue(), value: fc.jsonValue(), values: fc.jsonValue() }, { requiredKeys: [] }), { maxLength: 4 }),
  }, { requiredKeys: [] });
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...ROUTES), fc.oneof(fc.jsonValue().map((v) => JSON.stringify(v)), fc.string(), nearMiss.map((v) => JSON.stringify(v))), async (route, body) => {
      const r = await post(`${stub.url}${route}`, body, { token, raw: true });
      if (r.status === 200) return; // a random body can be valid (e.g. an empty push)
      assert.ok(r.status >= 400 && r.status < 500, `${route} ${body.slice(0, 200)} → ${r.status} ${JSON.stringify(r.body)}`);
      assert.equal(typeof r.body?.error?.code, 'string');
      assert.equal(typeof r.body?.error?.message, 'string');
    }),
    { numRuns: 300 },
  );
  assert.deepEqual(errors, [], 'nothing was logged as a server error');
  assert.deepEqual(await fetch(`${stub.url}/healthz`).then((r) => r.json()), { ok: true });
});

// Any UTF-16 code unit, lone surrogates included: what a hostile client can put in JSON escapes.
const anyText = fc.string({ unit: 'binary', maxLength: 40 });
const field = fc.oneof(fc.constantFrom('__proto__', 'constructor', 'toString', '$words', '$computed', 'labels', ''), anyText);
const deepValue = fc.integer({ min: 1, max: 100_000 }).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`);
const value = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
  fc.dictionary(field, fc.oneof(fc.jsonValue({ maxDepth: 2 }), anyText), { maxKeys: 4 }).map((v) => JSON.stringify(v)),
  deepValue.map((d) => `{"a":${d}}`),
  fc.integer({ min: 0, max: 300_000 }).map((n) => JSON.stringify({ big: 'x'.repeat(n) })),
);
const mutation = fc
  .record({
    id: fc.oneof(fc.integer({ min: -2, max: 50 }), fc.constant(Number.MAX_SAFE_INTEGER), fc.jsonValue()),
    name: fc.oneof(fc.constantFrom('put', 'patch', 'delete', 'addToSet', 'removeFromSet', 'unknown'), anyText),
    collection: fc.oneof(fc.constantFrom('notes', '$threads', 'n.x'), anyText),
    key: fc.oneof(fc.constantFrom('k', 'k2'), anyText),
    baseRev: fc.oneof(fc.nat(3), fc.jsonValue()),
    field: field,
    values: fc.array(fc.oneof(anyText, fc.integer()), { maxLength: 20 }),
  }, { requiredKeys: [] })
  .chain((m) => value.map((v) => ({ ...m, value: '__V__', patch: '__V__', args: '__V__', text: v })));

/** A request to any route with any method, headers and body the generators can think of. */
const request = fc.record({
  method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'HEAD'),
  path: fc.oneof(fc.constantFrom('/sync/v1/push', '/sync/v1/pull', '/sync/v1/events', '/auth/v1/login', '/auth/v1/logout', '/healthz', '/', '/.env', '/%2e%2e/x', '/sync/v1/pull?token=x'), anyText.map((s) => `/${encodeURIComponent(s)}`)),
  contentType: fc.constantFrom('application/json', 'text/plain', 'application/json; charset=latin1', ''),
  authorized: fc.boolean(),
  origin: fc.option(fc.constantFrom('https://evil.example', 'null'), { nil: undefined }),
  body: fc.oneof(
    fc.array(mutation, { maxLength: 5 }).map((ms) => `{"protocol":1,"clientId":"fuzz","mutations":[${ms.map((m) => JSON.stringify({ ...m, text: undefined }).replaceAll('"__V__"', m.text)).join(',')}]}`),
    fc.record({ cursor: fc.oneof(fc.constant(null), anyText), limit: fc.jsonValue() }).map((p) => JSON.stringify({ protocol: 1, clientId: 'fuzz', ...p })),
    fc.record({ user: fc.oneof(fc.constant('alice'), anyText), password: anyText }).map((l) => JSON.stringify(l)),
    fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
  ),
});

test('every route, method and body field under fuzzing: never a 5xx, never a hang, memory bounded, the server keeps serving', async (t) => {
  const errors: unknown[] = [];
  const stub = await stubFor(t, { logError: (_m, err) => errors.push(err), limits: { pushRate: { count: 0, periodMs: 1 }, pullRate: { count: 0, periodMs: 1 }, loginRate: { count: 0, periodMs: 1 } } });
  const token = await login(stub.url);
  const heapBefore = process.memoryUsage().heapUsed;
  await fc.assert(
    fc.asyncProperty(request, async (r) => {
      const headers: Record<string, string> = {};
      if (r.contentType) headers['content-type'] = r.contentType;
      // Logout gets a throwaway session, so the rest of the run keeps a valid token.
      if (r.authorized) headers.authorization = `Bearer ${r.path === '/auth/v1/logout' ? await login(stub.url) : token}`;
      if (r.origin) headers.origin = r.origin;
      const hasBody = r.method !== 'GET' && r.method !== 'HEAD';
      // A bounded wait: a request that hangs fails the property instead of the whole run.
      const res = await fetch(`${stub.url}${r.path}`, { method: r.method, headers, body: hasBody ? r.body : undefined, signal: AbortSignal.timeout(10_000) });
      const status = res.status;
      if (r.path === '/sync/v1/events' && status === 200) await res.body?.cancel();
      else await res.arrayBuffer();
      assert.ok(status < 500, `${r.method} ${r.path} ${r.body.slice(0, 120)} → ${status}`);
    }),
    { numRuns: 250 },
  );
  assert.deepEqual(errors, [], 'nothing was logged as a server error');
  assert.ok(process.memoryUsage().heapUsed - heapBefore < 200 * 1024 * 1024, 'memory stayed bounded');
  assert.deepEqual(await fetch(`${stub.url}/healthz`).then((r) => r.json()), { ok: true });
  assert.equal((await post(`${stub.url}/sync/v1/pull`, { protocol: 1, clientId: 'after', cursor: null }, { token })).status, 200);
});
