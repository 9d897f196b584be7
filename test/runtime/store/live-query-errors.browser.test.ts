// A live query the store cannot run must say so through onError, as the same query() rejects:
// a live list otherwise waits for its first rows forever, with nothing to show or log.
import { expect } from '@open-wc/testing';
import { deleteStore, openStore, StoreError, type Key, type Query, type Store } from '../../../runtime/store/index.js';
import { mail, mailSchema, uniqueName, waitFor, type Mail } from './helpers.js';

describe('live query errors (collection.observe)', () => {
  let name: string;
  let store: Store;
  beforeEach(async () => {
    name = uniqueName('live-errors');
    store = await openStore(mailSchema(name));
  });
  afterEach(async () => {
    store.close();
    await deleteStore(name);
  });

  it('a range IndexedDB refuses (between reversed, equals no key) calls onError with the StoreError query() rejects with, again after a write', async () => {
    const messages = store.collection<Mail>('messages');
    const queries: Query[] = [
      { index: 'byDate', between: [2000, 1000] },
      { index: 'bySubject', equals: null as unknown as Key },
    ];
    for (const q of queries) {
      const refused = await messages.query(q).then(() => undefined, (e: unknown) => e);
      expect(refused, JSON.stringify(q)).to.be.instanceOf(StoreError);
      const errors: unknown[] = [];
      const results: Mail[][] = [];
      const stop = messages.observe(q, (rows) => results.push(rows), (e) => errors.push(e));
      try {
        await waitFor(errors, (e) => e instanceof StoreError);
        expect((errors[0] as StoreError).code).to.equal((refused as StoreError).code);
        expect((errors[0] as StoreError).message).to.equal((refused as StoreError).message);
        // A write runs the query again: it still cannot, and says so again.
        await messages.put(mail(1));
        await waitFor(errors, () => errors.length === 2);
        expect(errors[1]).to.be.instanceOf(StoreError);
        expect(results).to.deep.equal([]);
      } finally {
        stop();
      }
    }
  });
});
