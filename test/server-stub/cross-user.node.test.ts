import { test } from 'node:test';
import assert from 'node:assert/strict';
import demoApp from '../../demo-app/server/app.js';
import { stubFor, login, client, post } from './helpers.js';

type Change = { collection: string; key: string; rev: number; value?: unknown; deleted?: true };

test("user A's token never reads or changes B's data, on any route or demo handler", async (t) => {
  const stub = await stubFor(t, { app: demoApp, seed: 'demo', seedSize: 5 });
  const aToken = await login(stub.url, 'alice');
  const bToken = await login(stub.url, 'bob');
  const a = client(stub.url, aToken, 'alice-device');
  const b = client(stub.url, bToken, 'bob-device');
  await b.push({ name: 'put', collection: 'notes', key: 'b-note', baseRev: 0, value: { secret: 'bob' } });
  const snapshot = async () => new Map(((await b.pullAll()).changes as Change[]).map((c) => [`${c.collection}/${c.key}`, c.rev]));
  const bKeys = (await b.pullAll()).changes.map((c: Change) => ({ collection: c.collection, key: c.key }));
  const before = await snapshot();
  const bobLast = (await b.pull()).body.lastMutationIds;

  // pull: A sees only A's documents.
  const seen = (await a.pullAll()).changes as Change[];
  assert.ok(seen.every((c) => !JSON.stringify(c.value ?? '').includes('"secret":"bob"')));
  assert.ok(!seen.some((c) => c.key === 'b-note'));

  // The demo's handler, with B's ids, threads and draft ids.
  const bMessage = (await b.pullAll()).changes.find((c: Change) => c.collection === 'messages') as { key: string; value: { threadId: string } };
  const sent = await a.push({ name: 'send', args: { id: bMessage.key, threadId: bMessage.value.threadId, to: ['bob@outpost.test'], subject: 'x', text: 'y', draftId: bMessage.key } });
  assert.equal(sent.body.results[0].status, 'applied', JSON.stringify(sent.body.results[0]));
  // push: every built-in, aimed at every key B has (with any baseRev), lands in A's own documents.
  for (const { collection, key } of bKeys.slice(0, 40)) {
    if (collection.startsWith('$')) continue; // server-owned: not even pushable
    const r = await a.push(
      { name: 'put', collection, key, baseRev: 1, value: { hijacked: true } },
      { name: 'patch', collection, key, baseRev: 1, patch: { hijacked: true } },
      { name: 'delete', collection, key, baseRev: 1 },
      { name: 'addToSet', collection, key, field: 'labels', values: ['HIJACKED'] },
      { name: 'removeFromSet', collection, key, field: 'labels', values: ['INBOX'] },
    );
    assert.equal(r.status, 200);
  }
  // B's client id used with A's token: refused, and B's mutation ids untouched.
  const taken = await post(`${stub.url}/sync/v1/push`, { protocol: 1, clientId: 'bob-device', mutations: [{ id: 999, name: 'put', collection: 'notes', key: 'b-note', baseRev: 1, value: {} }] }, { token: aToken });
  assert.equal(taken.status, 409);
  // logout with A's token ends only A's session.
  await post(`${stub.url}/auth/v1/logout`, {}, { token: aToken });

  // Delivery may add documents to B's mailbox; none that B had changed.
  const now = await snapshot();
  for (const [doc, rev] of before) assert.equal(now.get(doc), rev, `B's ${doc} is untouched`);
  const after = await b.pull();
  assert.equal(after.status, 200, "B's session still works");
  assert.deepEqual(after.body.lastMutationIds, bobLast);
  assert.ok(!('bob-device' in (await client(stub.url, await login(stub.url, 'alice')).pull()).body.lastMutationIds));

  // events: A's stream carries A's cursor, never B's.
  const aFresh = await login(stub.url, 'alice');
  const res = await fetch(`${stub.url}/sync/v1/events`, { headers: { authorization: `Bearer ${aFresh}` } });
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = '';
  while (!text.includes('event: poke')) text += (await reader.read()).value ?? '';
  await reader.cancel();
  const aHead = (await client(stub.url, aFresh).pullAll()).cursor;
  assert.match(text, new RegExp(`"cursor":"${aHead.replace(/\./g, '\\.')}"`));
});
