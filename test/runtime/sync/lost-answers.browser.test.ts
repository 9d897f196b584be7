// A push answer lost after the server committed it (the fault proxy forwards the push, then cuts
// the connection): the retry answers `duplicate` with the first answer (`original`), and the
// engine settles each mutation as that answer said, not as applied. Before, a rejected mutation's
// effect stayed on the device for good (no pull brings the document back: it did not change).
import { expect } from '@open-wc/testing';
import { closeAll, client, renaming, serverDocs, unique, waitFor, type Client } from './helpers.js';
import { proxyCounts, proxyUrl, setProxyRules } from '../../../testing/commands.js';
import type { SyncStatus } from '../../../runtime/sync/index.js';

/** A client whose sync traffic goes through the fault proxy. */
async function proxied(options: Parameters<typeof client>[0] = {}): Promise<Client> {
  return client({ ...options, sync: { url: await proxyUrl(), ...options.sync } });
}

/** Loses the answer of the client's next push (the server commits it); resolves once that push was made and retried. */
async function loseNextAnswer(c: Client): Promise<() => Promise<void>> {
  const seen: SyncStatus[] = [];
  c.sync.subscribe((s) => seen.push(s));
  await setProxyRules([{ route: 'push', times: 1, fault: { forwardThenCut: true } }]);
  return async () => {
    await waitFor(() => seen.some((s) => s.lastError?.code === 'network'), 'the lost answer seen as a network failure', 10_000, () => c.sync.status);
    expect((await proxyCounts()).push, 'pushed again after the cut').to.be.at.least(2);
  };
}

describe('sync engine: a push answer lost after the server committed it', () => {
  afterEach(async () => {
    await setProxyRules([]);
    await closeAll();
  });

  it('a rejected mutation is rolled back and kept in $rejected; its handle settles rejected', async () => {
    const id = unique('lost-rejected');
    const a = await proxied();
    await (await a.sync.put('notes', { id, labels: 'not-a-list' })).acked;
    const lost = await loseNextAnswer(a);
    const h = await a.sync.addToSet('notes', id, 'labels', ['x']);
    expect(await a.store.collection('notes').get(id)).to.deep.equal({ id, labels: ['x'] });
    const outcome = await h.acked;
    await lost();
    expect(outcome.status, 'the retry answered the first answer: rejected').to.equal('rejected');
    expect(outcome.error!.code).to.equal('not-a-set');
    expect(await a.store.collection('notes').get(id), 'rolled back on the device').to.deep.equal({ id, labels: 'not-a-list' });
    const rejected = (await a.store.collection('$rejected').query()) as Array<{ error: { code: string } }>;
    expect(rejected.map((r) => r.error.code)).to.deep.equal(['not-a-set']);
    expect(await a.store.collection('$outbox').count()).to.equal(0);
    // A pull changes nothing of it: the server's copy never changed.
    await a.sync.syncNow();
    expect(await a.store.collection('notes').get(id)).to.deep.equal({ id, labels: 'not-a-list' });
    expect((await serverDocs(id)).get(`notes/${id}`)!.rev).to.equal(1);
  });

  it("a rejected custom mutation's mutator writes are rolled back", async () => {
    const id = unique('lost-custom');
    const a = await proxied({ sync: renaming });
    await a.sync.syncNow();
    const lost = await loseNextAnswer(a);
    // The server's handler refuses a note that does not exist; the mutator made one here.
    const h = await a.sync.custom('rename', { key: id, title: 'ghost' });
    expect(await a.store.collection('notes').get(id)).to.deep.equal({ id, title: 'ghost' });
    const outcome = await h.acked;
    await lost();
    expect(outcome.status).to.equal('rejected');
    expect(outcome.error!.code).to.equal('not-found');
    expect(await a.store.collection('notes').get(id), 'the optimistic note is gone').to.equal(undefined);
    expect(await a.store.collection('$rejected').count()).to.equal(1);
  });

  it("a conflict is settled by the collection's policy against the document as the server has it now", async () => {
    const id = unique('lost-conflict');
    const a = await proxied({ sync: renaming });
    const b = await client();
    await (await a.sync.put('notes', { id, v: 'a' })).acked;
    await b.sync.syncNow();
    expect(await (await b.sync.put('notes', { id, v: 'b' })).acked).to.include({ status: 'applied', rev: 2 });
    const lost = await loseNextAnswer(a);
    // A has not pulled B's edit: its edit goes out on rev 1 and conflicts (server-wins drops it).
    const h = await a.sync.patch('notes', id, { v: 'mine' });
    const outcome = await h.acked;
    await lost();
    expect(outcome).to.include({ status: 'conflict', resolution: 'server' });
    expect(await a.store.collection('notes').get(id)).to.deep.equal({ id, v: 'b' });
    expect(await a.store.collection('$outbox').count()).to.equal(0);
  });

  it('an applied mutation is acknowledged at its rev', async () => {
    const id = unique('lost-applied');
    const a = await proxied();
    await (await a.sync.put('notes', { id, v: 1 })).acked;
    const lost = await loseNextAnswer(a);
    const h = await a.sync.patch('notes', id, { v: 2 });
    expect(await h.acked, 'the rev, not an unknown one').to.deep.include({ status: 'applied', rev: 2 });
    await lost();
    expect((await serverDocs(id)).get(`notes/${id}`)!.rev, 'applied once').to.equal(2);
  });
});
