import assert from 'node:assert/strict';
import { eachBackend, storageFor, stubFor, login, client } from './helpers.js';

const MiB = 2 ** 20;
const changeBytes = (changes: unknown[]): number => changes.reduce<number>((n, ch) => n + Buffer.byteLength(JSON.stringify(ch)), 0);

eachBackend('a user with many large documents pulls pages under --max-pull-bytes; paging to the end yields every document once, with updates and deletes in between', async (t, backend) => {
  const stub = await stubFor(t, { limits: { pullBytes: MiB } }, backend);
  const c = client(stub.url, await login(stub.url));
  const doc = (i: number, v: number): Record<string, unknown> => ({ text: `${i}:${v}:`.padEnd(200_000, String(i % 10)) });
  for (let i = 0; i < 24; i += 3) {
    const r = await c.push(...[i, i + 1, i + 2].map((k) => ({ name: 'put', collection: 'n', key: `k${k}`, baseRev: 0, value: doc(k, 0) })));
    assert.ok(r.body.results.every((x: { status: string }) => x.status === 'applied'), JSON.stringify(r.body).slice(0, 200));
  }
  const seen = new Map<string, unknown>();
  let cursor: string | null = null;
  let pages = 0;
  for (;;) {
    const r = await c.pull(cursor, 1000);
    assert.equal(r.status, 200);
    const { changes, hasMore } = r.body as { changes: Array<{ key: string; rev: number; value?: { text: string }; deleted?: true }>; hasMore: boolean };
    assert.ok(changeBytes(changes) <= MiB, `page ${pages} holds ${changeBytes(changes)} bytes of changes`);
    assert.ok(changes.length >= 1 || !hasMore);
    for (const ch of changes) {
      assert.ok(!seen.has(ch.key), `${ch.key} came twice`);
      seen.set(ch.key, ch.deleted ? 'deleted' : ch.value!.text.slice(0, 8));
    }
    cursor = r.body.cursor;
    pages++;
    // Between pages, change a document already sent and delete one not yet sent: both arrive later, once.
    if (pages === 1) {
      assert.equal(hasMore, true);
      const sent = changes[0]!;
      const r2 = await c.push({ name: 'put', collection: 'n', key: sent.key, baseRev: sent.rev, value: doc(0, 1) }, { name: 'delete', collection: 'n', key: 'k20', baseRev: 1 });
      assert.deepEqual(r2.body.results.map((x: { status: string }) => x.status), ['applied', 'applied']);
      seen.delete(sent.key);
    }
    if (!hasMore) break;
  }
  assert.ok(pages >= 5, `${pages} pages for ~4.8 MB of documents under a 1 MiB cap`);
  assert.equal(seen.size, 24);
  assert.equal(seen.get('k0'), '0:1:'.padEnd(8, '0'), 'the update made between pages');
  assert.equal(seen.get('k20'), 'deleted', 'the delete made between pages');
  for (let i = 1; i < 24; i++) if (i !== 20) assert.equal(seen.get(`k${i}`), `${i}:0:`.padEnd(8, String(i % 10)));
  const end = await c.pull(cursor);
  assert.deepEqual([end.body.changes.length, end.body.hasMore], [0, false], 'nothing after the end');
});

eachBackend('the storage reads no more than the byte budget (plus at least one change) however large the limit', async (t, backend) => {
  const storage = await storageFor(t, backend);
  const big = { text: 'y'.repeat(250_000) };
  await storage.transaction(async (tx) => {
    await tx.lockUser('alice');
    for (let i = 0; i < 40; i++) await tx.writeDoc('alice', 'n', `k${i}`, i % 10 === 9 ? null : big, Date.now());
  });
  const head = await storage.pull('alice', 0, 1000, MiB);
  assert.equal(head.changes.length, 4, 'four 250 KB documents fit in 1 MiB; the fifth is not read');
  assert.equal(head.more, true);
  const lone = await storage.pull('alice', 0, 1000, 100);
  assert.deepEqual([lone.changes.length, lone.more], [1, true], 'a change over the budget still comes, alone');
  const keys: string[] = [];
  let after = 0;
  for (let more = true; more; ) {
    const page = await storage.pull('alice', after, 1000, MiB);
    keys.push(...page.changes.map((ch) => ch.change.key));
    after = page.changes.at(-1)?.seq ?? after;
    more = page.more;
  }
  assert.deepEqual(keys, Array.from({ length: 40 }, (_, i) => `k${i}`));
});
