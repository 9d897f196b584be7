import { expect } from '@open-wc/testing';
import { deleteDB, openDB } from 'idb';

describe('IndexedDB in a real browser', () => {
  const name = `smoke-${Math.random().toString(36).slice(2)}`;
  after(() => deleteDB(name));

  it('opens a database, writes a record and reads it back after reopening', async () => {
    const db = await openDB(name, 1, {
      upgrade(d) {
        d.createObjectStore('messages', { keyPath: 'id' }).createIndex('byThread', 'threadId');
      },
    });
    await db.put('messages', { id: 'm1', threadId: 't1', subject: 'Hello' });
    db.close();
    const again = await openDB(name, 1);
    expect(await again.get('messages', 'm1')).to.deep.equal({ id: 'm1', threadId: 't1', subject: 'Hello' });
    expect(await again.getAllFromIndex('messages', 'byThread', 't1')).to.have.length(1);
    again.close();
  });
});
