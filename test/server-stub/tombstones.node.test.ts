import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stubFor, login, client } from './helpers.js';

test('deletes travel as tombstones to clients pulling from an older cursor', async (t) => {
  const stub = await stubFor(t);
  const c = client(stub.url, await login(stub.url));
  await c.push({ name: 'put', collection: 'mail', key: 'm', baseRev: 0, value: { a: 1 } });
  const { cursor } = await c.pullAll();
  await c.push({ name: 'delete', collection: 'mail', key: 'm', baseRev: 1 });
  assert.deepEqual((await c.pullAll(cursor)).changes, [{ collection: 'mail', key: 'm', rev: 2, deleted: true }]);
});

test('after the retention window tombstones are compacted and older cursors answer 410 cursor-expired', async (t) => {
  const stub = await stubFor(t, { tombstoneRetentionMs: 50 });
  const c = client(stub.url, await login(stub.url));
  await c.push({ name: 'put', collection: 'mail', key: 'm', baseRev: 0, value: {} }, { name: 'put', collection: 'mail', key: 'keep', baseRev: 0, value: {} });
  const before = (await c.pullAll()).cursor;
  await c.push({ name: 'delete', collection: 'mail', key: 'm', baseRev: 1 });
  const afterDelete = (await c.pullAll(before)).cursor;
  await new Promise((r) => setTimeout(r, 120));
  const expired = await c.pull(before);
  assert.equal(expired.status, 410);
  assert.equal(expired.body.error.code, 'cursor-expired');
  assert.match(expired.body.error.message, /null/);
  // A cursor that already saw the delete stays valid; a full resync no longer shows the tombstone.
  assert.equal((await c.pull(afterDelete)).status, 200);
  assert.deepEqual((await c.pullAll(null)).changes.map((x: { key: string }) => x.key), ['keep']);
});

test('with the default retention, tombstones are kept', async (t) => {
  const stub = await stubFor(t);
  const c = client(stub.url, await login(stub.url));
  await c.push({ name: 'put', collection: 'mail', key: 'm', baseRev: 0, value: {} });
  const before = (await c.pullAll()).cursor;
  await c.push({ name: 'delete', collection: 'mail', key: 'm', baseRev: 1 });
  await new Promise((r) => setTimeout(r, 60));
  assert.equal((await c.pull(before)).status, 200);
});
