import assert from 'node:assert/strict';
import { eachBackend, stubFor, login, client } from './helpers.js';

eachBackend('put creates at rev 1, patch and delete with the right baseRev apply, and pull returns the latest state once', async (t, backend) => {
  const stub = await stubFor(t, {}, backend);
  const c = client(stub.url, await login(stub.url));
  const r = await c.push(
    { name: 'put', collection: 'mail', key: 'm1', baseRev: 0, value: { subject: 'Hi', read: false } },
    { name: 'patch', collection: 'mail', key: 'm1', baseRev: 1, patch: { read: true } },
    { name: 'put', collection: 'mail', key: 'm2', baseRev: 0, value: { subject: 'Bye' } },
    { name: 'delete', collection: 'mail', key: 'm2', baseRev: 1 },
  );
  assert.equal(r.status, 200);
  assert.deepEqual(r.body, {
    results: [
      { id: 1, status: 'applied', rev: 1 },
      { id: 2, status: 'applied', rev: 2 },
      { id: 3, status: 'applied', rev: 1 },
      { id: 4, status: 'applied', rev: 2 },
    ],
    lastMutationId: 4,
  });
  const pulled = await c.pull(null);
  assert.equal(pulled.status, 200);
  assert.deepEqual(pulled.body.changes, [
    { collection: 'mail', key: 'm1', rev: 2, value: { subject: 'Hi', read: true } },
    { collection: 'mail', key: 'm2', rev: 2, deleted: true },
  ]);
  assert.equal(pulled.body.hasMore, false);
  assert.equal(typeof pulled.body.cursor, 'string');
  assert.deepEqual(pulled.body.lastMutationIds, { [c.clientId]: 4 });
  const again = await c.pull(pulled.body.cursor);
  assert.deepEqual(again.body.changes, [], 'nothing changed after the cursor');
  assert.equal(again.body.cursor, pulled.body.cursor);
});

eachBackend('a stale baseRev answers conflict with the current document and changes nothing', async (t, backend) => {
  const stub = await stubFor(t, {}, backend);
  const c = client(stub.url, await login(stub.url));
  await c.push({ name: 'put', collection: 'mail', key: 'm1', baseRev: 0, value: { v: 1 } }, { name: 'put', collection: 'mail', key: 'm1', baseRev: 1, value: { v: 2 } });
  const r = await c.push(
    { name: 'put', collection: 'mail', key: 'm1', baseRev: 1, value: { v: 'stale' } },
    { name: 'patch', collection: 'mail', key: 'm1', baseRev: 0, patch: { v: 'stale' } },
    { name: 'put', collection: 'mail', key: 'm1', baseRev: 0, value: { v: 'create again?' } },
    { name: 'patch', collection: 'mail', key: 'missing', baseRev: 0, patch: { v: 1 } },
    { name: 'delete', collection: 'mail', key: 'missing', baseRev: 0 },
  );
  assert.deepEqual(
    r.body.results.map((x: { status: string; current?: unknown }) => [x.status, x.current]),
    [
      ['conflict', { rev: 2, value: { v: 2 } }],
      ['conflict', { rev: 2, value: { v: 2 } }],
      ['conflict', { rev: 2, value: { v: 2 } }],
      ['conflict', { rev: 0, deleted: true }],
      ['conflict', { rev: 0, deleted: true }],
    ],
  );
  assert.equal(r.body.lastMutationId, 7, 'conflicts consume their ids');
  const { changes } = await c.pullAll();
  assert.deepEqual(changes, [{ collection: 'mail', key: 'm1', rev: 2, value: { v: 2 } }]);
});

eachBackend('a deleted document can be re-created with put at the tombstone rev; patch on it conflicts', async (t, backend) => {
  const stub = await stubFor(t, {}, backend);
  const c = client(stub.url, await login(stub.url));
  await c.push({ name: 'put', collection: 'mail', key: 'm', baseRev: 0, value: { a: 1 } }, { name: 'delete', collection: 'mail', key: 'm', baseRev: 1 });
  const r = await c.push(
    { name: 'patch', collection: 'mail', key: 'm', baseRev: 2, patch: { a: 2 } },
    { name: 'delete', collection: 'mail', key: 'm', baseRev: 2 },
    { name: 'put', collection: 'mail', key: 'm', baseRev: 2, value: { a: 3 } },
  );
  assert.deepEqual(r.body.results, [
    { id: 3, status: 'conflict', current: { rev: 2, deleted: true } },
    { id: 4, status: 'conflict', current: { rev: 2, deleted: true } },
    { id: 5, status: 'applied', rev: 3 },
  ]);
});

eachBackend('retrying a push answers duplicate for every id already processed and applies nothing twice', async (t, backend) => {
  const stub = await stubFor(t, {}, backend);
  const c = client(stub.url, await login(stub.url));
  const batch = [
    { id: 1, name: 'put', collection: 'n', key: 'k', baseRev: 0, value: { n: 1 } },
    { id: 2, name: 'addToSet', collection: 'n', key: 'k', field: 'tags', values: ['a'] },
  ];
  const first = await c.pushRaw(batch);
  assert.deepEqual(first.body.results.map((x: { status: string }) => x.status), ['applied', 'applied']);
  const retry = await c.pushRaw([...batch, { id: 3, name: 'patch', collection: 'n', key: 'k', baseRev: 2, patch: { n: 2 } }]);
  assert.deepEqual(retry.body.results, [
    { id: 1, status: 'duplicate', original: { status: 'applied', rev: 1 } },
    { id: 2, status: 'duplicate', original: { status: 'applied', rev: 2 } },
    { id: 3, status: 'applied', rev: 3 },
  ]);
  assert.equal(retry.body.lastMutationId, 3);
  const { changes } = await c.pullAll();
  assert.deepEqual(changes, [{ collection: 'n', key: 'k', rev: 3, value: { n: 2, tags: ['a'] } }]);
});

eachBackend('ids that do not strictly increase within a push answer 422 and apply nothing', async (t, backend) => {
  const stub = await stubFor(t, {}, backend);
  const c = client(stub.url, await login(stub.url));
  const r = await c.pushRaw([
    { id: 2, name: 'put', collection: 'n', key: 'a', baseRev: 0, value: {} },
    { id: 2, name: 'put', collection: 'n', key: 'b', baseRev: 0, value: {} },
  ]);
  assert.equal(r.status, 422);
  assert.equal(r.body.error.code, 'mutation-ids-not-increasing');
  assert.deepEqual((await c.pullAll()).changes, []);
});

eachBackend('set operations never conflict, keep elements unique and treat missing/deleted documents as documented', async (t, backend) => {
  const stub = await stubFor(t, {}, backend);
  const c = client(stub.url, await login(stub.url));
  const r = await c.push(
    { name: 'addToSet', collection: 'mail', key: 'm', field: 'labels', values: ['inbox', 'work', 'inbox'] },
    { name: 'addToSet', collection: 'mail', key: 'm', field: 'labels', values: ['work', 'star'] },
    { name: 'removeFromSet', collection: 'mail', key: 'm', field: 'labels', values: ['inbox', 'nope'] },
    { name: 'removeFromSet', collection: 'mail', key: 'missing', field: 'labels', values: ['x'] },
    { name: 'put', collection: 'mail', key: 'scalar', baseRev: 0, value: { labels: 'not an array' } },
    { name: 'addToSet', collection: 'mail', key: 'scalar', field: 'labels', values: ['x'] },
    { name: 'put', collection: 'mail', key: 'gone', baseRev: 0, value: { labels: [] } },
    { name: 'delete', collection: 'mail', key: 'gone', baseRev: 1 },
    { name: 'addToSet', collection: 'mail', key: 'gone', field: 'labels', values: ['x'] },
  );
  const results = r.body.results;
  assert.deepEqual(results.slice(0, 4), [
    { id: 1, status: 'applied', rev: 1 },
    { id: 2, status: 'applied', rev: 2 },
    { id: 3, status: 'applied', rev: 3 },
    { id: 4, status: 'applied', rev: 0 },
  ]);
  assert.equal(results[5].status, 'rejected');
  assert.equal(results[5].error.code, 'not-a-set');
  assert.match(results[5].error.message, /labels/);
  assert.deepEqual(results[8], { id: 9, status: 'applied', rev: 2 }, 'set op on a tombstone is a no-op');
  const { changes } = await c.pullAll();
  const byKey = Object.fromEntries(changes.map((x) => [x.key, x]));
  assert.deepEqual(byKey.m.value, { labels: ['work', 'star'] });
  assert.equal(byKey.missing, undefined);
  assert.deepEqual(byKey.gone, { collection: 'mail', key: 'gone', rev: 2, deleted: true });
});

eachBackend('concurrent set operations from two clients both survive (no lost update)', async (t, backend) => {
  const stub = await stubFor(t, {}, backend);
  const token = await login(stub.url);
  const a = client(stub.url, token);
  const b = client(stub.url, token);
  await Promise.all([
    a.push({ name: 'addToSet', collection: 'mail', key: 'm', field: 'labels', values: ['a'] }),
    b.push({ name: 'addToSet', collection: 'mail', key: 'm', field: 'labels', values: ['b'] }),
  ]);
  const { changes, lastMutationIds } = await a.pullAll();
  assert.deepEqual([...changes[0].value.labels].sort(), ['a', 'b']);
  assert.deepEqual(lastMutationIds, { [a.clientId]: 1, [b.clientId]: 1 });
});

eachBackend('pull pages through many changes without gaps or repeats, and the limit is clamped to 1000', async (t, backend) => {
  const stub = await stubFor(t, {}, backend);
  const c = client(stub.url, await login(stub.url));
  const total = 1205;
  for (let start = 0; start < total; start += 500) {
    const batch = [];
    for (let i = start; i < Math.min(total, start + 500); i++) batch.push({ name: 'put', collection: 'n', key: `k${i}`, baseRev: 0, value: { i } });
    assert.equal((await c.push(...batch)).status, 200);
  }
  // Rewrite some early docs: each must then appear once, at its new position.
  await c.push({ name: 'patch', collection: 'n', key: 'k0', baseRev: 1, patch: { i: -1 } });
  const keys: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  for (;;) {
    const r = await c.pull(cursor, 100);
    pages++;
    keys.push(...r.body.changes.map((x: { key: string }) => x.key));
    cursor = r.body.cursor;
    if (!r.body.hasMore) break;
  }
  assert.equal(pages, 13);
  assert.equal(keys.length, total);
  assert.equal(new Set(keys).size, total);
  assert.equal(keys[keys.length - 1], 'k0');
  const big = await c.pull(null, 5000);
  assert.equal(big.status, 200);
  assert.equal(big.body.changes.length, 1000);
  assert.equal(big.body.hasMore, true);
});

eachBackend('a pull cursor stays valid across pushes: only newer changes follow it', async (t, backend) => {
  const stub = await stubFor(t, {}, backend);
  const c = client(stub.url, await login(stub.url));
  await c.push({ name: 'put', collection: 'n', key: 'a', baseRev: 0, value: {} });
  const { cursor } = await c.pullAll();
  await c.push({ name: 'put', collection: 'n', key: 'b', baseRev: 0, value: {} });
  const next = await c.pullAll(cursor);
  assert.deepEqual(next.changes.map((x: { key: string }) => x.key), ['b']);
});
