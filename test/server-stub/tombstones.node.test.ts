import assert from 'node:assert/strict';
import { eachBackend, stubFor, login, client } from './helpers.js';

eachBackend('deletes travel as tombstones to clients pulling from an older cursor', async (t, backend) => {
  const stub = await stubFor(t, {}, backend);
  const c = client(stub.url, await login(stub.url));
  await c.push({ name: 'put', collection: 'mail', key: 'm', baseRev: 0, value: { a: 1 } });
  const { cursor } = await c.pullAll();
  await c.push({ name: 'delete', collection: 'mail', key: 'm', baseRev: 1 });
  assert.deepEqual((await c.pullAll(cursor)).changes, [{ collection: 'mail', key: 'm', rev: 2, deleted: true }]);
});

eachBackend('after the retention window tombstones are compacted and older cursors answer 410 cursor-expired', async (t, backend) => {
  // A clock the test moves, so a slow machine cannot compact before the test means it to.
  let now = Date.now();
  const stub = await stubFor(t, { tombstoneRetentionMs: 60_000, now: () => now }, backend);
  const c = client(stub.url, await login(stub.url));
  await c.push({ name: 'put', collection: 'mail', key: 'm', baseRev: 0, value: {} }, { name: 'put', collection: 'mail', key: 'keep', baseRev: 0, value: {} });
  const before = (await c.pullAll()).cursor;
  await c.push({ name: 'delete', collection: 'mail', key: 'm', baseRev: 1 });
  const afterDelete = (await c.pullAll(before)).cursor;
  now += 120_000;
  const expired = await c.pull(before);
  assert.equal(expired.status, 410);
  assert.equal(expired.body.error.code, 'cursor-expired');
  assert.match(expired.body.error.message, /null/);
  // A cursor that already saw the delete stays valid; a full resync no longer shows the tombstone.
  assert.equal((await c.pull(afterDelete)).status, 200);
  assert.deepEqual((await c.pullAll(null)).changes.map((x: { key: string }) => x.key), ['keep']);
});

eachBackend('with the default retention, tombstones are kept', async (t, backend) => {
  const stub = await stubFor(t, {}, backend);
  const c = client(stub.url, await login(stub.url));
  await c.push({ name: 'put', collection: 'mail', key: 'm', baseRev: 0, value: {} });
  const before = (await c.pullAll()).cursor;
  await c.push({ name: 'delete', collection: 'mail', key: 'm', baseRev: 1 });
  await new Promise((r) => setTimeout(r, 60));
  assert.equal((await c.pull(before)).status, 200);
});

eachBackend('a first sync paging from null after a compaction completes without 410', async (t, backend) => {
  const stub = await stubFor(t, { tombstoneRetentionMs: 20 }, backend);
  const c = client(stub.url, await login(stub.url));
  const puts = Array.from({ length: 30 }, (_, i) => ({ name: 'put', collection: 'n', key: `k${i}`, baseRev: 0, value: {} }));
  await c.push(...puts);
  await c.push({ name: 'delete', collection: 'n', key: 'k29', baseRev: 1 });
  await new Promise((r) => setTimeout(r, 60));
  const { changes } = await c.pullAll(null, 7);
  assert.equal(changes.length, 29);
});

eachBackend('a delete compacted in the middle of a paged sync, of a document the client already has, expires its cursor', async (t, backend) => {
  const stub = await stubFor(t, { tombstoneRetentionMs: 20 }, backend);
  const c = client(stub.url, await login(stub.url));
  await c.push(...Array.from({ length: 10 }, (_, i) => ({ name: 'put', collection: 'n', key: `k${i}`, baseRev: 0, value: {} })));
  const page1 = await c.pull(null, 5);
  assert.ok(page1.body.changes.some((x: { key: string }) => x.key === 'k0'));
  await c.push({ name: 'delete', collection: 'n', key: 'k0', baseRev: 1 });
  await new Promise((r) => setTimeout(r, 60));
  const page2 = await c.pull(page1.body.cursor, 5);
  assert.equal(page2.status, 410, 'the client holds k0 and can no longer learn it was deleted');
});
