import { expect } from '@open-wc/testing';
import { closeAll, client, login, serverDocs, unique, waitFor, whileCut, type Client } from './helpers.js';
import { goOffline, goOnline, resetStub, stubUrl } from '../../../testing/commands.js';
import type { ConflictPolicy } from '../../../runtime/sync/index.js';

/** Two clients that both saw `doc` at rev 1; returns them with b offline-edited after a's edit applied. */
async function race(policy: ConflictPolicy, mine: Record<string, unknown>, theirs: Record<string, unknown>) {
  const id = unique('x');
  const base = { id, title: 'base', body: 'base', color: 'red' };
  const sync = { collections: { notes: { conflict: policy }, tasks: {} } };
  const a: Client = await client({ sync });
  const b: Client = await client({ sync });
  await (await a.sync.put('notes', base)).acked;
  // b's syncNow resolves with a cycle that starts after a's put is in (not one b started before
  // it), so b holds the document: b's edit needs that base.
  await b.sync.syncNow();
  expect(await b.store.collection('notes').get(id), 'b pulled the base document').to.not.equal(undefined);
  // b edits what it held: a's edit must not reach it first.
  const h = await whileCut(b, async () => {
    await (await a.sync.patch('notes', id, theirs)).acked;
    return b.sync.patch('notes', id, mine);
  });
  const outcome = await h.acked;
  await b.sync.syncNow();
  return { id, a, b, outcome, server: (await serverDocs(id)).get(`notes/${id}`)! };
}

describe('sync engine: conflicts', () => {
  afterEach(async () => {
    await goOnline();
    await closeAll();
  });

  it('merge (the default) combines edits of different fields', async () => {
    const { id, b, outcome, server } = await race('merge', { body: 'mine' }, { title: 'theirs' });
    expect(outcome).to.include({ status: 'applied' });
    expect(server.value).to.deep.equal({ id, title: 'theirs', body: 'mine', color: 'red' });
    expect(await b.store.collection('notes').get(id)).to.deep.equal(server.value);
  });

  it("a conflict whose server value lacks the key field (another client's put) is settled, not stuck", async () => {
    const url = await stubUrl();
    const id = unique('nokey');
    const b = await client({ user: 'bob' });
    await b.sync.syncNow();
    const h = await whileCut(b, async () => {
      const res = await fetch(`${url}/sync/v1/push`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${await login('bob')}` }, body: JSON.stringify({ protocol: 1, clientId: unique('foreign'), mutations: [{ id: 1, name: 'put', collection: 'notes', key: id, baseRev: 0, value: { title: 'theirs' } }] }) });
      expect(res.status).to.equal(200);
      return b.sync.put('notes', { id, body: 'mine' });
    });
    expect(await h.acked).to.include({ status: 'applied' });
    await b.sync.syncNow();
    expect(b.sync.status, JSON.stringify(b.sync.status.lastError)).to.include({ state: 'idle' });
    const server = (await serverDocs(id, 'bob')).get(`notes/${id}`)!;
    expect(server.value).to.deep.equal({ id, title: 'theirs', body: 'mine' });
    expect(await b.store.collection('notes').get(id)).to.deep.equal(server.value);
  });

  it('merge stores a conflict on the same field and keeps the server version', async () => {
    const { id, b, outcome, server } = await race('merge', { title: 'mine' }, { title: 'theirs' });
    expect(outcome).to.include({ status: 'conflict', resolution: 'stored' });
    expect(server.value).to.include({ title: 'theirs' });
    expect(await b.store.collection('notes').get(id)).to.deep.equal(server.value);
    const conflicts = (await b.store.collection('$conflicts').query()) as Array<{ key: string; fields: string[]; mine: { title: string }; theirs: { title: string } }>;
    expect(conflicts).to.have.length(1);
    expect(conflicts[0]).to.include({ key: id });
    expect(conflicts[0].fields).to.deep.equal(['title']);
    expect(conflicts[0].mine.title).to.equal('mine');
    expect(conflicts[0].theirs.title).to.equal('theirs');
  });

  it('server-wins drops the local edit', async () => {
    const { id, b, outcome, server } = await race('server-wins', { title: 'mine' }, { title: 'theirs' });
    expect(outcome).to.include({ status: 'conflict', resolution: 'server' });
    expect(server.value).to.include({ title: 'theirs' });
    expect(await b.store.collection('notes').get(id)).to.deep.equal(server.value);
    expect(await b.store.collection('$conflicts').count()).to.equal(0);
  });

  it('client-wins resubmits the local version on the new rev', async () => {
    const { id, b, outcome, server } = await race('client-wins', { title: 'mine' }, { title: 'theirs', color: 'blue' });
    expect(outcome).to.include({ status: 'applied' });
    expect(server.value).to.deep.equal({ id, title: 'mine', body: 'base', color: 'red' });
    expect(server.rev).to.equal(3);
    expect(await b.store.collection('notes').get(id)).to.deep.equal(server.value);
  });

  it('a policy function decides the merged value', async () => {
    const policy: ConflictPolicy = ({ mine, theirs }) => ({ ...theirs!, title: `${(theirs as { title: string }).title}+${(mine as { title: string }).title}` });
    const { id, server } = await race(policy, { title: 'mine' }, { title: 'theirs' });
    expect(server.value).to.deep.equal({ id, title: 'theirs+mine', body: 'base', color: 'red' });
  });
});

describe('sync engine: resets and auth', () => {
  afterEach(async () => {
    await goOnline();
    await closeAll();
  });

  it('a conflict settled by a resubmission goes before the later edits of its document: they apply on top of it, in the order they were made', async () => {
    const id = unique('x');
    const a = await client();
    const b = await client();
    await (await a.sync.put('notes', { id, title: 'base', body: 'base', color: 'red' })).acked;
    await b.sync.syncNow();
    expect(await b.store.collection('notes').get(id), 'b pulled the base document').to.not.equal(undefined);
    // b's two edits meet a's on the server: the first conflicts and merges; the second was made on it.
    const [first, second] = await whileCut(b, async () => {
      await (await a.sync.patch('notes', id, { title: 'theirs' })).acked;
      return [await b.sync.patch('notes', id, { body: 'mine' }), await b.sync.patch('notes', id, { color: 'blue' })];
    });
    expect(await first.acked).to.include({ status: 'applied' });
    expect(await second.acked).to.include({ status: 'applied' });
    await b.sync.syncNow();
    const server = (await serverDocs(id)).get(`notes/${id}`)!;
    expect(server.value, "b's first edit kept under its second").to.deep.equal({ id, title: 'theirs', body: 'mine', color: 'blue' });
    expect(await b.store.collection('notes').get(id)).to.deep.equal(server.value);
    expect(await b.store.collection('$outbox').count()).to.equal(0);
  });

  it('410 cursor-expired resyncs from scratch and keeps the outbox', async () => {
    const id = unique('z');
    const a = await client();
    await (await a.sync.put('notes', { id: `${id}-old`, v: 1 })).acked;
    await a.sync.syncNow(); // a pull has stored a cursor of the old server data
    await goOffline();
    const pending = await a.sync.put('notes', { id, v: 'queued' });
    // A fresh server data store: the old token is refused (401) and the old cursor expired (410).
    await resetStub();
    // Listening before going online: the online event alone may start the cycle that meets the 401.
    let authRequired = 0;
    a.sync.addEventListener('auth-required', () => authRequired++);
    await goOnline();
    await a.sync.syncNow();
    expect(authRequired).to.equal(1);
    expect(a.sync.status.state).to.equal('error');
    expect(await a.store.collection('$outbox').count()).to.equal(1);
    a.sync.setAuth({ token: await login() });
    expect(await pending.acked).to.include({ status: 'applied' });
    await a.sync.syncNow();
    // The old document is gone with the old server data; the queued one survived the reset.
    expect(await a.store.collection('notes').get(`${id}-old`)).to.equal(undefined);
    expect(await a.store.collection('notes').get(id)).to.deep.equal({ id, v: 'queued' });
    expect((await serverDocs(id)).get(`notes/${id}`)!.value).to.deep.equal({ id, v: 'queued' });
  });

  it('a server poke makes an open client pull another client\'s change without being asked', async () => {
    const id = unique('p');
    const reader = await client({ sync: { events: true } });
    const writer = await client();
    await reader.sync.syncNow();
    await (await writer.sync.put('notes', { id, text: 'poked' })).acked;
    await waitFor(async () => !!(await reader.store.collection('notes').get(id)), 'the poked note in the reader');
    expect(await reader.store.collection('notes').get(id)).to.deep.equal({ id, text: 'poked' });
  });
});
