import { expect } from '@open-wc/testing';
import { closeAll, client, localDocs, serverDocs, unique } from './helpers.js';

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
});
