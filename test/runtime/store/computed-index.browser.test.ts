import { expect } from '@open-wc/testing';
import { deleteStore, openStore, StoreError, type StoreSchema } from '../../../runtime/store/index.js';
import { uniqueName } from './helpers.js';

interface Msg extends Record<string, unknown> {
  id: string;
  date: number;
  labels: string[];
}

const byLabelDate = { compute: (m: Record<string, unknown>) => (m.labels as string[]).map((l) => [l, m.date as number]), multiEntry: true };

function schema(name: string, version: number, withIndex: boolean): StoreSchema {
  return { name, version, collections: { messages: { keyPath: 'id', indexes: withIndex ? { byLabelDate } : { byDate: 'date' } } } };
}

const newest = (label: string, limit: number) => ({ index: 'byLabelDate', between: [[label, -Infinity], [label, Infinity]] as [IDBValidKey, IDBValidKey], direction: 'prev' as const, limit });

describe('store computed indexes', () => {
  let name: string;
  beforeEach(() => (name = uniqueName('computed')));
  afterEach(() => deleteStore(name));

  it('a computed multiEntry [label, date] index lists one label newest first, follows updates and stays hidden', async () => {
    const store = await openStore(schema(name, 1, true));
    const messages = store.collection<Msg>('messages');
    await messages.bulkPut([
      { id: 'a', date: 3, labels: ['INBOX'] },
      { id: 'b', date: 1, labels: ['INBOX', 'STARRED'] },
      { id: 'c', date: 2, labels: ['SENT'] },
      { id: 'd', date: 4, labels: ['INBOX'] },
    ]);
    expect((await messages.query(newest('INBOX', 10))).map((m) => m.id)).to.deep.equal(['d', 'a', 'b']);
    expect((await messages.query(newest('INBOX', 2))).map((m) => m.id)).to.deep.equal(['d', 'a']);
    expect((await messages.query(newest('STARRED', 10))).map((m) => m.id)).to.deep.equal(['b']);
    // The app never sees the hidden field.
    expect(await messages.get('b')).to.deep.equal({ id: 'b', date: 1, labels: ['INBOX', 'STARRED'] });
    // A rewrite moves its entries: archived (INBOX removed), it leaves the inbox range.
    await messages.put({ id: 'd', date: 4, labels: ['ARCHIVE'] });
    expect((await messages.query(newest('INBOX', 10))).map((m) => m.id)).to.deep.equal(['a', 'b']);
    expect(await messages.count({ index: 'byLabelDate', between: [['INBOX', -Infinity], ['INBOX', Infinity]] })).to.equal(2);
    // Paged walks continue after the token.
    const first = await messages.page({ ...newest('INBOX', 1) });
    const second = await messages.page({ ...newest('INBOX', 1), after: first.next });
    expect([first.items[0].id, second.items[0].id]).to.deep.equal(['a', 'b']);
    store.close();
  });

  it('an upgrade that adds a computed index fills it for the records already stored', async () => {
    const v1 = await openStore(schema(name, 1, false));
    await v1.collection<Msg>('messages').bulkPut(Array.from({ length: 50 }, (_, i) => ({ id: `m${i}`, date: i, labels: i % 2 ? ['INBOX'] : ['SENT'] })));
    v1.close();
    const v2 = await openStore(schema(name, 2, true));
    const inbox = await v2.collection<Msg>('messages').query(newest('INBOX', 3));
    expect(inbox.map((m) => m.id)).to.deep.equal(['m49', 'm47', 'm45']);
    expect(inbox[0]).to.deep.equal({ id: 'm49', date: 49, labels: ['INBOX'] });
    v2.close();
  });

  it('a computed index whose name is not an identifier is refused with invalid-schema', async () => {
    const bad: StoreSchema = { name, version: 1, collections: { messages: { keyPath: 'id', indexes: { 'by label': byLabelDate } } } };
    const err = await openStore(bad).then(() => undefined, (e: unknown) => e);
    expect(err).to.be.instanceOf(StoreError);
    expect((err as StoreError).code).to.equal('invalid-schema');
    expect((err as StoreError).message).to.contain("'by label'");
  });

  it('keeps sync\'s hidden $rev on the stored record through the recomputed hidden fields, and never returns it', async () => {
    const store = await openStore(schema(name, 1, true));
    const messages = store.collection<Msg>('messages');
    await messages.put({ id: 'a', date: 3, labels: ['INBOX'], $rev: 7 });
    const raw = (await store.transaction(['messages'], 'readonly', (tx) => tx.raw.objectStore('messages').get('a'))) as Record<string, unknown>;
    expect(raw.$rev).to.equal(7);
    expect(await messages.get('a')).to.deep.equal({ id: 'a', date: 3, labels: ['INBOX'] });
    expect(await messages.query({ ...newest('INBOX', 10) })).to.deep.equal([{ id: 'a', date: 3, labels: ['INBOX'] }]);
    store.close();
  });
});
