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
