import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { stubFor, login, client, post, eachBackend } from './helpers.js';
import { securityOptions } from '../../server-stub/cli-security.js';
import { resolveLimits } from '../../server-stub/limits.js';

const APP = fileURLToPath(new URL('./fixtures/test-app.mjs', import.meta.url));
const nested = (depth: number): unknown => (depth === 0 ? 1 : { a: nested(depth - 1) });

test('document size: a put over --max-document answers 413 naming the limit; a patch or set op that would grow past it is rejected', async (t) => {
  const stub = await stubFor(t, { limits: { documentBytes: 4096 } });
  const c = client(stub.url, await login(stub.url));
  const big = await c.push({ name: 'put', collection: 'n', key: 'big', baseRev: 0, value: { text: 'x'.repeat(5000) } });
  assert.equal(big.status, 413);
  assert.equal(big.body.error.code, 'document-too-large');
  assert.match(big.body.error.message, /4096.*--max-document/);
  const ok = await c.push({ name: 'put', collection: 'n', key: 'k', baseRev: 0, value: { text: 'x'.repeat(3000) } });
  assert.equal(ok.body.results[0].status, 'applied');
  const grown = await c.push(
    { name: 'patch', collection: 'n', key: 'k', baseRev: 1, patch: { more: 'y'.repeat(2000) } },
    { name: 'addToSet', collection: 'n', key: 'k', field: 'tags', values: ['z'.repeat(900), 'w'.repeat(900)] },
    { name: 'put', collection: 'n', key: 'other', baseRev: 0, value: { fine: true } },
  );
  assert.equal(grown.status, 200);
  assert.deepEqual(grown.body.results.map((r: { status: string; error?: { code: string } }) => r.error?.code ?? r.status), ['document-too-large', 'document-too-large', 'applied']);
  assert.match(grown.body.results[0].error.message, /--max-document/);
  const defaults = await stubFor(t);
  const d = client(defaults.url, await login(defaults.url));
  assert.equal((await d.push({ name: 'put', collection: 'n', key: 'k', baseRev: 0, value: { text: 'x'.repeat(256 * 1024) } })).status, 413, 'the default limit is 256 KiB');
});

test('nesting depth over --max-depth answers 400 naming the limit; set size over --max-set is rejected naming it', async (t) => {
  const stub = await stubFor(t, { limits: { depth: 4, setSize: 3 } });
  const c = client(stub.url, await login(stub.url));
  const deep = await c.push({ name: 'put', collection: 'n', key: 'k', baseRev: 0, value: nested(5) as Record<string, unknown> });
  assert.equal(deep.status, 400);
  assert.match(deep.body.error.message, /mutations\[0\]\.value\.a\.a\.a\.a: nested deeper than 4 .*--max-depth/);
  assert.equal((await c.push({ name: 'put', collection: 'n', key: 'k', baseRev: 0, value: nested(4) as Record<string, unknown> })).body.results[0].status, 'applied');
  const sets = await c.push(
    { name: 'addToSet', collection: 'n', key: 's', field: 'tags', values: ['a', 'b', 'c'] },
    { name: 'addToSet', collection: 'n', key: 's', field: 'tags', values: ['d'] },
  );
  assert.equal(sets.body.results[0].status, 'applied');
  assert.equal(sets.body.results[1].status, 'rejected');
  assert.equal(sets.body.results[1].error.code, 'set-too-large');
  assert.match(sets.body.results[1].error.message, /limit is 3 \(--max-set\)/);
});

test('set operations read own properties only: fields named constructor, toString or hasOwnProperty work as sets', async (t) => {
  const stub = await stubFor(t);
  const c = client(stub.url, await login(stub.url));
  await c.push({ name: 'put', collection: 'n', key: 'k', baseRev: 0, value: { title: 'x' } });
  const r = await c.push(
    { name: 'addToSet', collection: 'n', key: 'k', field: 'constructor', values: ['a', 'b'] },
    { name: 'addToSet', collection: 'n', key: 'k', field: 'toString', values: [1] },
    { name: 'removeFromSet', collection: 'n', key: 'k', field: 'constructor', values: ['a'] },
    { name: 'addToSet', collection: 'n', key: 'new', field: 'hasOwnProperty', values: ['x'] },
  );
  assert.deepEqual(r.body.results.map((x: { status: string }) => x.status), ['applied', 'applied', 'applied', 'applied']);
  const docs = Object.fromEntries((await c.pullAll()).changes.map((ch: { key: string; value: unknown }) => [ch.key, ch.value]));
  assert.deepEqual(docs.k, { title: 'x', constructor: ['b'], toString: [1] });
  assert.deepEqual(docs.new, { hasOwnProperty: ['x'] });
});

test('a 1 MiB push of 520 000 bad mutations answers a short 400 naming mutations and the limit; many bad mutations list the first 10 problems', async (t) => {
  const stub = await stubFor(t);
  const token = await login(stub.url);
  // Before, every element was checked and its issue joined into one ~33 MB message (~1 s of CPU each).
  const body = `{"protocol":1,"clientId":"c","mutations":[${Array(520_000).fill('0').join(',')}]}`;
  const res = await fetch(`${stub.url}/sync/v1/push`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` }, body });
  const text = await res.text();
  assert.equal(res.status, 400);
  assert.ok(text.length < 10_000, `the answer is ${text.length} bytes`);
  assert.match(JSON.parse(text).error.message, /mutations: a push may carry at most 1000 mutations; split it/);
  const bad = await post(`${stub.url}/sync/v1/push`, { protocol: 1, clientId: 'c', mutations: Array(1000).fill(0) }, { token });
  assert.equal(bad.status, 400);
  assert.match(bad.body.error.message, /^The request body does not match sync protocol v1: mutations\.0: .*; mutations\.9: [^;]*; and 990 more\. See docs\/protocol\.md\.$/);
});

test('a pull page stops at --max-pull-bytes (at least one change) and says hasMore; paging still delivers everything', async (t) => {
  const stub = await stubFor(t, { limits: { pullBytes: 10_000 } });
  const c = client(stub.url, await login(stub.url));
  for (let i = 0; i < 6; i++) await c.push({ name: 'put', collection: 'n', key: `k${i}`, baseRev: 0, value: { text: String(i).repeat(4000) } });
  const first = await c.pull(null, 1000);
  assert.ok(first.body.changes.length >= 1 && first.body.changes.length <= 3, `first page has ${first.body.changes.length} changes`);
  assert.equal(first.body.hasMore, true);
  assert.ok(Buffer.byteLength(JSON.stringify(first.body.changes)) < 10_000 + 4100);
  const all = await c.pullAll(null, 1000);
  assert.deepEqual(all.changes.map((ch: { key: string }) => ch.key), ['k0', 'k1', 'k2', 'k3', 'k4', 'k5']);
  const huge = await stubFor(t, { limits: { pullBytes: 100, documentBytes: 10_000 } });
  const h = client(huge.url, await login(huge.url));
  await h.push({ name: 'put', collection: 'n', key: 'big', baseRev: 0, value: { text: 'x'.repeat(5000) } });
  assert.equal((await h.pull(null)).body.changes.length, 1, 'a change bigger than the page limit still comes, alone');
});

test('pushes per user over --push-rate and failed sign-ins over --login-rate answer 429 with Retry-After naming the flag', async (t) => {
  const hour = 3_600_000;
  const stub = await stubFor(t, { limits: { pushRate: { count: 3, periodMs: hour }, loginRate: { count: 2, periodMs: hour } } });
  const alice = client(stub.url, await login(stub.url));
  const bob = client(stub.url, await login(stub.url, 'bob'));
  for (let i = 0; i < 3; i++) assert.equal((await alice.push()).status, 200);
  const limited = await alice.push({ name: 'put', collection: 'n', key: 'k', baseRev: 0, value: {} });
  assert.equal(limited.status, 429);
  assert.equal(limited.body.error.code, 'too-many-requests');
  assert.match(limited.body.error.message, /--push-rate/);
  assert.ok(Number(limited.headers.get('retry-after')) >= 1);
  assert.equal((await bob.push()).status, 200, 'another user is not limited');
  for (let i = 0; i < 2; i++) assert.equal((await post(`${stub.url}/auth/v1/login`, { user: 'alice', password: 'wrong' })).status, 401);
  const throttled = await post(`${stub.url}/auth/v1/login`, { user: 'alice', password: 'alice' });
  assert.equal(throttled.status, 429, 'after the failures even the right password waits');
  assert.match(throttled.body.error.message, /--login-rate/);
  assert.ok(Number(throttled.headers.get('retry-after')) >= 1);
});

test('pulls per user over --pull-rate answer 429 with Retry-After naming the flag; another user still pulls', async (t) => {
  const stub = await stubFor(t, { limits: { pullRate: { count: 2, periodMs: 3_600_000 } } });
  const alice = client(stub.url, await login(stub.url));
  const bob = client(stub.url, await login(stub.url, 'bob'));
  for (let i = 0; i < 2; i++) assert.equal((await alice.pull(null)).status, 200);
  const limited = await alice.pull(null);
  assert.equal(limited.status, 429);
  assert.equal(limited.body.error.code, 'too-many-requests');
  assert.match(limited.body.error.message, /pulls for user 'alice'.*--pull-rate/);
  assert.ok(Number(limited.headers.get('retry-after')) >= 1);
  assert.equal((await bob.pull(null)).status, 200, 'another user is not limited');
  assert.deepEqual(securityOptions({ 'pull-rate': '10/30s' }).limits!.pullRate, { count: 10, periodMs: 30_000 });
  assert.deepEqual(securityOptions({ 'pull-rate': 'off' }).limits!.pullRate, { count: 0, periodMs: 1 });
  assert.throws(() => securityOptions({ 'pull-rate': 'often' }), /--pull-rate/);
});

eachBackend('a push whose conflicts would answer past --max-push-response is refused with 413, nothing applied, memory bounded; a normal push still works', async (t, backend) => {
  const stub = await stubFor(t, {}, backend);
  const c = client(stub.url, await login(stub.url));
  const text = 'x'.repeat(250_000);
  assert.equal((await c.push({ name: 'put', collection: 'n', key: 'big', baseRev: 0, value: { text } })).body.results[0].status, 'applied');
  // One put that would apply, then 999 deletes with a wrong baseRev: each conflict repeats the 250 KB document.
  const mutations = [
    { id: 2, name: 'put', collection: 'n', key: 'fresh', baseRev: 0, value: { v: 1 } },
    ...Array.from({ length: 999 }, (_, i) => ({ id: 3 + i, name: 'delete', collection: 'n', key: 'big', baseRev: 7 })),
  ];
  const heapBefore = process.memoryUsage().heapUsed;
  let heapPeak = heapBefore;
  const sampler = setInterval(() => (heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed)), 1);
  const started = performance.now();
  const refused = await c.pushRaw(mutations).finally(() => clearInterval(sampler));
  t.diagnostic(`refused in ${Math.round(performance.now() - started)} ms, heap peak +${Math.round((heapPeak - heapBefore) / 2 ** 20)} MiB`);
  assert.equal(refused.status, 413);
  assert.equal(refused.body.error.code, 'response-too-large');
  assert.match(refused.body.error.message, /33554432 bytes \(--max-push-response\).*nothing was applied/);
  assert.ok(heapPeak - heapBefore < 200 * 2 ** 20, `heap grew ${heapPeak - heapBefore} bytes`);
  const all = await c.pullAll();
  assert.deepEqual(all.changes.map((ch: { key: string }) => ch.key), ['big'], 'the put before the limit was not applied');
  assert.deepEqual(all.lastMutationIds, { [c.clientId]: 1 });
  // The same ids again, few enough to answer: the refused push consumed nothing.
  const normal = await c.pushRaw(mutations.slice(0, 3));
  assert.equal(normal.status, 200);
  assert.deepEqual(normal.body.results.map((r: { status: string }) => r.status), ['applied', 'conflict', 'conflict']);
  assert.equal(normal.body.results[1].current.value.text, text);
});

test('--max-push-response parses like the other sizes and must leave room for one whole document', () => {
  assert.equal(securityOptions({ 'max-push-response': '1m' }).limits?.pushResponseBytes, 1024 * 1024);
  assert.throws(() => resolveLimits({ pushResponseBytes: 100_000 }), /--max-push-response.*--max-document/);
  assert.equal(resolveLimits({ documentBytes: 1000, pushResponseBytes: 5096 }).pushResponseBytes, 5096);
});

eachBackend('a push stops once its writes pass --max-push-writes: it answers the mutations it applied, records the last as processed, and the rest, sent again, apply exactly once', async (t, backend) => {
  const stub = await stubFor(t, { limits: { pushWriteBytes: 100_000 } }, backend);
  const c = client(stub.url, await login(stub.url));
  // ~30 KB: a set op compares and rewrites all of it (60 KB), so the second of a push passes 100,000 bytes.
  const text = 'x'.repeat(30_000);
  assert.equal((await c.push({ name: 'put', collection: 'n', key: 'big', baseRev: 0, value: { text, tags: [] } })).body.results[0].status, 'applied');
  const ops = Array.from({ length: 10 }, (_, i) => ({ id: 2 + i, name: 'addToSet', collection: 'n', key: 'big', field: 'tags', values: [`t${i}`] }));
  const first = await c.pushRaw(ops);
  assert.equal(first.status, 200);
  assert.deepEqual(first.body.results.map((r: { id: number; status: string }) => [r.id, r.status]), [[2, 'applied'], [3, 'applied']], 'the two set ops that passed the budget, nothing after');
  assert.equal(first.body.lastMutationId, 3);
  const pulled = await c.pullAll();
  assert.equal(pulled.lastMutationIds[c.clientId], 3);
  assert.deepEqual(pulled.changes.find((ch: { key: string }) => ch.key === 'big').value.tags, ['t0', 't1']);
  // The client sends what was not answered (here, the whole push again): answered ids are duplicates.
  const again = await c.pushRaw(ops);
  assert.deepEqual(again.body.results.map((r: { status: string }) => r.status), ['duplicate', 'duplicate', 'applied', 'applied']);
  let pushes = 2;
  for (let last = again.body.lastMutationId; last < 11; pushes++) last = (await c.pushRaw(ops.filter((m) => m.id > last))).body.lastMutationId;
  assert.equal(pushes, 5, 'two set ops a push');
  const doc = (await c.pullAll()).changes.find((ch: { key: string }) => ch.key === 'big');
  assert.deepEqual(doc.value.tags, ops.map((m) => m.values[0]), 'each applied once, in order');
  assert.equal(doc.rev, 11);
  // A set op that changes nothing still compares the whole set: it counts its document too.
  const same = await c.pushRaw(Array.from({ length: 6 }, (_, i) => ({ id: 12 + i, name: 'addToSet', collection: 'n', key: 'big', field: 'tags', values: ['t0'] })));
  assert.deepEqual(same.body.results.map((r: { status: string; rev: number }) => [r.status, r.rev]), Array(4).fill(['applied', 11]));
  // One mutation bigger than the budget still applies: a push always takes its first.
  const alone = await c.pushRaw([{ id: 18, name: 'patch', collection: 'n', key: 'big', baseRev: 11, patch: { more: 'y'.repeat(120_000) } }, { id: 19, name: 'delete', collection: 'n', key: 'big', baseRev: 12 }]);
  assert.deepEqual(alone.body.results.map((r: { status: string }) => r.status), ['applied']);
});

eachBackend('built-in mutations on one document in a push see each other\'s writes, and never a write a failed handler rolled back', async (t, backend) => {
  const stub = await stubFor(t, { app: APP }, backend);
  const c = client(stub.url, await login(stub.url));
  const r = await c.push(
    { name: 'put', collection: 'n', key: 'k', baseRev: 0, value: { tags: ['a'] } },
    { name: 'addToSet', collection: 'n', key: 'k', field: 'tags', values: ['b'] },
    { name: 'tagThenFail', args: { collection: 'n', key: 'k', tag: 'x' } },
    { name: 'removeFromSet', collection: 'n', key: 'k', field: 'tags', values: ['a'] },
    { name: 'patch', collection: 'n', key: 'k', baseRev: 3, patch: { read: true } },
    { name: 'patch', collection: 'n', key: 'k', baseRev: 3, patch: { read: false } },
    { name: 'addToSet', collection: 'n', key: 'k', field: 'tags', values: ['c'] },
  );
  assert.deepEqual(r.body.results.map((x: { status: string; rev?: number }) => [x.status, x.rev]), [['applied', 1], ['applied', 2], ['rejected', undefined], ['applied', 3], ['applied', 4], ['conflict', undefined], ['applied', 5]]);
  assert.deepEqual(r.body.results[5].current, { rev: 4, value: { tags: ['b'], read: true } }, 'the conflict shows the document as the push left it');
  const doc = (await c.pullAll()).changes.find((ch: { key: string }) => ch.key === 'k');
  assert.deepEqual(doc, { collection: 'n', key: 'k', rev: 5, value: { tags: ['b', 'c'], read: true } });
});

eachBackend('a push from a new client id past --max-clients answers 409 too-many-clients, nothing applied; known clients and other users go on', async (t, backend) => {
  const stub = await stubFor(t, { limits: { clientsPerUser: 2 } }, backend);
  const alice = await login(stub.url);
  const put = (key: string) => ({ name: 'put', collection: 'n', key, baseRev: 0, value: { key } });
  const [a, b, c] = [client(stub.url, alice), client(stub.url, alice), client(stub.url, alice)];
  assert.equal((await a.push(put('a1'))).body.results[0].status, 'applied');
  assert.equal((await b.push(put('b1'))).body.results[0].status, 'applied');
  // Plain puts of distinct documents: the push the fast path takes for a known client.
  const refused = await c.push(put('c1'), put('c2'));
  assert.equal(refused.status, 409);
  assert.equal(refused.body.error.code, 'too-many-clients');
  assert.match(refused.body.error.message, /already has 2 client ids.*--max-clients 2.*nothing of it applied/);
  const { changes, lastMutationIds } = await a.pullAll();
  assert.deepEqual(changes.map((ch: { key: string }) => ch.key).sort(), ['a1', 'b1'], 'nothing of the refused push was applied');
  assert.deepEqual(Object.keys(lastMutationIds).sort(), [a.clientId, b.clientId].sort());
  // Clients that pushed before go on, on the fast path and the general one.
  assert.equal((await a.push(put('a2'), put('a3'))).body.results[1].status, 'applied');
  assert.equal((await b.push({ name: 'addToSet', collection: 'n', key: 'b1', field: 'tags', values: ['x'] })).body.results[0].status, 'applied');
  // The cap is per user.
  const bob = client(stub.url, await login(stub.url, 'bob'));
  assert.equal((await bob.push(put('bob1'))).body.results[0].status, 'applied');
});

test('--max-clients parses as a count', () => {
  assert.equal(securityOptions({ 'max-clients': '5' }).limits!.clientsPerUser, 5);
  assert.throws(() => securityOptions({ 'max-clients': '0' }), /--max-clients/);
  assert.equal(resolveLimits().clientsPerUser, 1000);
});
