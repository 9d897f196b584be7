import { expect } from '@open-wc/testing';
import { client, closeAll, serverDocs, unique, whileCut, type Client } from './helpers.js';
import type { StoredConflict } from '../../../runtime/sync/index.js';

/** a and b both saw a note; a changes its title, then b changes the same field: b stores a conflict. */
async function conflicted(): Promise<{ id: string; a: Client; b: Client }> {
  const id = unique('k');
  const a = await client();
  const b = await client();
  await (await a.sync.put('notes', { id, title: 'base', body: 'base' })).acked;
  // b's syncNow resolves with a cycle that starts after a's put is in (not one b started before
  // it), so b holds the document: b's edit needs that base (a conflict over a document b never
  // had: 'keep mine' then deletes it).
  await b.sync.syncNow();
  expect(await b.store.collection('notes').get(id), 'b pulled the base document').to.not.equal(undefined);
  // b edits what it held: a's edit must not reach it first.
  const mine = await whileCut(b, async () => {
    await (await a.sync.patch('notes', id, { title: 'theirs' })).acked;
    return b.sync.patch('notes', id, { title: 'mine' });
  });
  expect(await mine.acked).to.include({ status: 'conflict', resolution: 'stored' });
  return { id, a, b };
}

/** Resolves with the first list `observe` reports that satisfies `ok`. */
function nextList(c: Client, ok: (list: StoredConflict[]) => boolean): Promise<StoredConflict[]> {
  return new Promise((resolve, reject) => {
    const stop = c.sync.conflicts.observe((list) => {
      if (!ok(list)) return;
      queueMicrotask(() => stop());
      resolve(list);
    }, reject);
  });
}

describe('sync.conflicts', () => {
  afterEach(() => closeAll());

  it('observe lists a conflict once it is stored, and resolve("mine") writes my version and empties the list', async () => {
    const id = unique('k');
    const a = await client();
    const b = await client();
    await (await a.sync.put('notes', { id, title: 'base', body: 'base' })).acked;
    await b.sync.syncNow();
    const seen: number[] = [];
    const stop = b.sync.conflicts.observe((list) => seen.push(list.length));
    const listed = nextList(b, (list) => list.length === 1);
    await (await a.sync.patch('notes', id, { title: 'theirs' })).acked;
    await (await b.sync.patch('notes', id, { title: 'mine' })).acked;
    const [conflict] = await listed;
    expect(conflict).to.include({ collection: 'notes', key: id });
    expect(seen[0]).to.equal(0);
    const emptied = nextList(b, (list) => list.length === 0);
    await b.sync.conflicts.resolve(conflict, 'mine');
    await emptied;
    stop();
    await b.sync.syncNow();
    expect((await serverDocs(id)).get(`notes/${id}`)!.value).to.deep.equal({ id, title: 'mine', body: 'base' });
    expect(await b.sync.conflicts.list()).to.deep.equal([]);
  });

  it('resolve with a merged document writes it; resolving the same conflict again is a coded error that writes nothing', async () => {
    const { id, b } = await conflicted();
    const [conflict] = await b.sync.conflicts.list();
    await b.sync.conflicts.resolve(conflict.id, { merged: { id, title: 'both', body: 'base' } });
    await b.sync.syncNow();
    expect((await serverDocs(id)).get(`notes/${id}`)!.value).to.deep.equal({ id, title: 'both', body: 'base' });
    const error = await b.sync.conflicts.resolve(conflict, 'mine').then(() => undefined, (e: unknown) => e);
    expect(error).to.include({ name: 'ConflictError', code: 'conflict-not-found' });
    expect((error as Error).message).to.contain(conflict.id);
    expect(await b.store.collection('$outbox').count()).to.equal(0);
    expect(await b.store.collection('notes').get(id)).to.deep.equal({ id, title: 'both', body: 'base' });
  });
});
