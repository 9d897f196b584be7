import { expect } from '@open-wc/testing';
import { closeAll, client, localDocs, serverDocs, unique, waitFor, whileCut } from './helpers.js';

describe('sync engine: batches', () => {
  afterEach(() => closeAll());

  it('a batch writes its mutations in one local transaction, with consecutive ids, each applied once on the server', async () => {
    const id = unique('b');
    const a = await client();
    await (await a.sync.put('notes', { id: `${id}-1`, tags: ['inbox'] })).acked;
    const changes: string[][] = [];
    a.store.addEventListener('change', (e) => changes.push([...(e as CustomEvent<Map<string, unknown>>).detail.keys()]));
    const handles = await a.sync.batch((b) => {
      b.removeFromSet('notes', `${id}-1`, 'tags', ['inbox']);
      b.addToSet('notes', `${id}-1`, 'tags', ['done']);
      for (let i = 2; i <= 5; i++) b.put('notes', { id: `${id}-${i}`, n: i });
    });
    expect(handles.map((h) => h.id - handles[0].id)).to.deep.equal([0, 1, 2, 3, 4, 5]);
    // One transaction: observers heard about every write at once.
    expect(changes.filter((c) => c.includes('notes'))).to.have.length(1);
    expect((await localDocs(a, 'notes', id)).map((d) => d.id)).to.deep.equal(Array.from({ length: 5 }, (_, i) => `${id}-${i + 1}`));
    const outcomes = await Promise.all(handles.map((h) => h.acked));
    expect(outcomes.map((o) => o.status)).to.deep.equal(Array(6).fill('applied'));
    const server = await serverDocs(id);
    expect(server.size).to.equal(5);
    expect(server.get(`notes/${id}-1`)!.value).to.deep.equal({ id: `${id}-1`, tags: ['done'] });
  });

  it('mutations of one document in a batch each keep the document as the ones before left it, and the document the server rev it had', async () => {
    const id = unique('b');
    const a = await client();
    const first = await (await a.sync.put('notes', { id, tags: ['inbox'], n: 1 })).acked;
    const entries = await whileCut(a, async () => {
      await a.sync.batch((b) => {
        b.patch('notes', id, { n: 2 });
        b.addToSet('notes', id, 'tags', ['done']);
        b.delete('notes', id);
        b.put('notes', { id, n: 3 });
        b.removeFromSet('notes', id, 'tags', ['x']);
        b.put('notes', { id: `${id}-other`, n: 9 });
      });
      return (await a.store.collection('$outbox').query()) as Array<{ mutation: { name: string; baseRev?: number }; base?: unknown }>;
    });
    expect(entries.map((e) => e.mutation.name)).to.deep.equal(['patch', 'addToSet', 'delete', 'put', 'removeFromSet', 'put']);
    expect(entries.map((e) => e.base)).to.deep.equal([
      { id, tags: ['inbox'], n: 1 },
      { id, tags: ['inbox'], n: 2 },
      { id, tags: ['inbox', 'done'], n: 2 },
      undefined,
      { id, n: 3 },
      undefined,
    ]);
    // Local changes leave the rev the server last sent: what patch, delete and put are based on.
    expect(entries.filter((e) => !e.mutation.name.endsWith('Set')).map((e) => e.mutation.baseRev)).to.deep.equal([first.rev, first.rev, first.rev, 0]);
    // The remove found no set: the document stays as the put left it, here as on the server.
    expect(await a.store.collection('notes').get(id)).to.deep.equal({ id, n: 3 });
    await waitFor(async () => (await a.store.collection('$outbox').count()) === 0, 'the batch pushed');
    expect((await serverDocs(id)).get(`notes/${id}`)!.value).to.deep.equal({ id, n: 3 });
  });

  it('a batch with one bad mutation writes none of them and rejects with the bad one\'s error', async () => {
    const id = unique('b');
    const a = await client();
    const err = await a.sync
      .batch((b) => {
        b.put('notes', { id: `${id}-ok`, n: 1 });
        b.addToSet('unsynced', `${id}-x`, 'tags', ['a']);
      })
      .then(() => undefined, (e: Error) => e);
    expect(err?.message).to.contain("'unsynced' is not synced");
    expect(await a.store.collection('notes').get(`${id}-ok`)).to.equal(undefined);
    expect(await a.store.collection('$outbox').count()).to.equal(0);
    // A value without its key is refused before anything is written.
    const keyless = await a.sync.batch((b) => b.put('notes', { n: 2 })).then(() => undefined, (e: Error) => e);
    expect(keyless).to.be.instanceOf(TypeError);
    expect(await a.sync.batch(() => undefined)).to.deep.equal([]);
  });

  it('a value JSON cannot carry (a BigInt, a cycle) is refused at the call, writing nothing, and holds no later mutation back', async () => {
    const id = unique('json');
    const a = await client();
    const cyclic: Record<string, unknown> = { id: `${id}-c` };
    cyclic.self = cyclic;
    for (const attempt of [() => a.sync.put('notes', { id: `${id}-b`, n: 10n as unknown as number }), () => a.sync.put('notes', cyclic), () => a.sync.custom('rename', { n: 1n })]) {
      const err = await attempt().then(() => undefined, (e: Error) => e);
      expect(err, 'refused at the call').to.be.instanceOf(TypeError);
    }
    expect(await a.store.collection('$outbox').count()).to.equal(0);
    expect(await a.store.collection('notes').get(`${id}-b`)).to.equal(undefined);
    const h = await a.sync.put('notes', { id, at: new Date(0) as unknown as string });
    // Stored as the server will hold it (the JSON pushed), not as a Date a pull later replaces.
    expect(await a.store.collection('notes').get(id)).to.deep.equal({ id, at: '1970-01-01T00:00:00.000Z' });
    expect(await h.acked).to.include({ status: 'applied', rev: 1 });
    expect(a.sync.status.lastError).to.equal(undefined);
  });
});
