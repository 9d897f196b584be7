// A pulled page keeps only the changes of the collections its client syncs, yet the cursor moves
// past them all: a client syncing more collections from that cursor must not miss the others'.
import { expect } from '@open-wc/testing';
import { openStore } from '../../../runtime/store/index.js';
import { syncCollections } from '../../../runtime/sync/index.js';
import { syncOnce } from '../../../runtime/sync/engine.js';
import { stubUrl } from '../../../testing/commands.js';
import { closeAll, closeClient, client, localDocs, unique, type Client } from './helpers.js';

/** Puts a note and then a task from another device of alice (both applied on the server). */
async function writeElsewhere(id: string): Promise<void> {
  const other = await client();
  expect(await (await other.sync.put('notes', { id, title: 'note' })).acked).to.include({ status: 'applied' });
  expect(await (await other.sync.put('tasks', { id, title: 'task' })).acked).to.include({ status: 'applied' });
}

describe('sync engine: collections a cursor covers', () => {
  afterEach(closeAll);

  it('a collection added to synced in an update pulls the documents the server already had', async () => {
    const id = unique('added');
    await writeElsewhere(id);
    // The device on the old version syncs notes only: its pull moves the cursor past the task.
    const old = await client({ sync: { collections: { notes: {} } } });
    await old.sync.syncNow();
    expect(await localDocs(old, 'notes', id)).to.have.length(1);
    closeClient(old);
    // The update adds tasks to synced (same database, same stored cursor).
    const updated = await client({ name: old.name, token: old.token });
    await updated.sync.syncNow();
    expect(await updated.store.collection('tasks').get(id)).to.deep.equal({ id, title: 'task' });
  });

  it("a service worker syncing fewer collections leaves the others' changes for the tabs to pull", async () => {
    const id = unique('sw');
    // The tab holds an earlier note: a pull from the start would bring it again.
    const tab: Client = await client();
    await writeElsewhere(`${id}-earlier`);
    await tab.sync.syncNow();
    closeClient(tab);
    await writeElsewhere(id);
    // The worker's bundle syncs notes only; it pulls from the tab's cursor and drops the task.
    const store = await openStore({ name: tab.name, version: 1, collections: { notes: { keyPath: 'id' }, tasks: { keyPath: 'id' }, ...syncCollections } });
    try {
      expect(await syncOnce({ store, url: await stubUrl(), auth: { token: tab.token }, collections: { notes: {} } })).to.equal('synced');
      expect(await store.collection('notes').get(id)).to.deep.equal({ id, title: 'note' });
    } finally {
      store.close();
    }
    // The tab again, its first pull held until its progress is watched.
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const again = await client({ name: tab.name, token: tab.token, sync: { auth: () => gate.then(() => tab.token) } });
    let received = -1;
    again.sync.addEventListener('progress', (e) => (received = (e as CustomEvent<{ received: number }>).detail.received));
    release();
    await again.sync.syncNow();
    expect(await again.store.collection('tasks').get(id)).to.deep.equal({ id, title: 'task' });
    // From where the worker started (the note and the task), not from the start.
    expect(received).to.equal(2);
  });
});
