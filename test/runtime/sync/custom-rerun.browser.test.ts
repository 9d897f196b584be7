import { expect } from '@open-wc/testing';
import { closeAll, client, duringPull, editElsewhere, unique } from './helpers.js';
import { rename } from './fixtures/rename.js';
import type { Mutator } from '../../../runtime/sync/index.js';

/** `count({ key })`: note `key`'s counter plus one (not idempotent: each run counts). */
const count: Mutator<{ key: string }> = async (tx, { key }) => {
  const note = await tx.get<{ id: string; n?: number }>('notes', key);
  await tx.put('notes', { ...note, id: key, n: (note?.n ?? 0) + 1 });
};

describe('sync engine: pending custom mutations re-run on a rebase', () => {
  afterEach(() => closeAll());

  it("a pulled page re-runs a pending mutator only on the documents it brought: a counter it did not bring counts once", async () => {
    const [counter, other] = [unique('c'), unique('o')];
    const a = await client({ sync: { mutators: { count } } });
    await (await a.sync.put('notes', { id: counter, n: 0 })).acked;
    await (await a.sync.put('notes', { id: other, text: 'a' })).acked;
    await a.sync.syncNow();
    await editElsewhere(other, { text: 'b' });
    // Made while the pull of the other note is on its way, pending when its page is applied.
    await duringPull(a, () => a.sync.custom('count', { key: counter }), { refuseAfter: true });
    expect(await a.store.collection('notes').get(other), 'the page applied').to.deep.equal({ id: other, text: 'b' });
    expect(await a.store.collection('$outbox').count(), 'the count still pending').to.equal(1);
    expect(await a.store.collection('notes').get(counter)).to.deep.equal({ id: counter, n: 1 });
  });

  it('a pending mutator that fails on a read as a pulled page re-runs it does not hold the page back', async () => {
    const [note, parent] = [unique('n'), unique('p')];
    // Reads the note's parent by the key the note holds: once the server drops it, a key IndexedDB
    // refuses, so the re-run fails (and loses only its own effect, as rerunCustom says).
    const link: Mutator<{ key: string }> = async (tx, { key }) => {
      const n = await tx.get<{ id: string; parent?: string }>('notes', key);
      const p = await tx.get<{ title?: string }>('notes', n!.parent as string);
      await tx.put('notes', { ...n, id: key, parentTitle: p?.title });
    };
    const a = await client({ sync: { mutators: { link } } });
    await (await a.sync.put('notes', { id: parent, title: 'P' })).acked;
    await (await a.sync.put('notes', { id: note, parent })).acked;
    await a.sync.syncNow();
    await editElsewhere(note, { parent: null });
    await duringPull(a, () => a.sync.custom('link', { key: note }), { refuseAfter: true });
    expect(await a.store.collection('$outbox').count(), 'the link still pending').to.equal(1);
    expect(await a.store.collection('notes').get(note), 'the page applied').to.deep.equal({ id: note, parent: null });
  });

  it("a rejected custom mutation's rollback re-runs the later ones only on its documents: a counter it did not write counts once", async () => {
    const [id, counter] = [unique('r'), unique('c')];
    const a = await client({
      sync: {
        mutators: {
          // No server handler: the stub rejects it (unknown-mutation).
          tag: async (tx, args) => {
            const { key } = args as { key: string };
            await tx.put('notes', { ...(await tx.get('notes', key)), id: key, tagged: true });
          },
          // The server's rename sets the title; this one also counts on another note.
          rename: async (tx, args) => {
            await rename(tx, args);
            await count(tx, { key: counter });
          },
        },
      },
    });
    await (await a.sync.put('notes', { id, text: 'a' })).acked;
    await (await a.sync.put('notes', { id: counter, n: 0 })).acked;
    const tagged = await a.sync.custom('tag', { key: id });
    const renamed = await a.sync.custom('rename', { key: id, title: 't' });
    expect(await a.store.collection('notes').get(counter)).to.deep.equal({ id: counter, n: 1 });
    expect((await tagged.acked).status).to.equal('rejected');
    expect(await renamed.acked).to.include({ status: 'applied' });
    expect(await a.store.collection('notes').get(id), 'the tag undone, the title kept').to.deep.equal({ id, text: 'a', title: 't' });
    expect(await a.store.collection('notes').get(counter)).to.deep.equal({ id: counter, n: 1 });
  });
});
