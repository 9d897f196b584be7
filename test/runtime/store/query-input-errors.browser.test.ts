// Input the store cannot use must fail as a StoreError that names the option and the fix, never as
// the browser's bare TypeError; and one query must read the same rows through every read.
import { expect } from '@open-wc/testing';
import { deleteStore, openStore, StoreError, type Query, type Store } from '../../../runtime/store/index.js';
import { mail, mailSchema, uniqueName, waitFor, type Mail } from './helpers.js';

const refusal = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e);

describe('query and schema input errors', () => {
  let name: string;
  let store: Store;
  beforeEach(async () => {
    name = uniqueName('input-errors');
    store = await openStore(mailSchema(name));
    await store.collection<Mail>('messages').bulkPut([mail(1), mail(2), mail(3)]);
  });
  afterEach(async () => {
    store.close();
    await deleteStore(name);
  });

  it('limit 0 reads no rows through query, page and observe alike, forward, backward and by words', async () => {
    const messages = store.collection<Mail>('messages');
    for (const q of [{ limit: 0 }, { index: 'byDate', direction: 'prev', limit: 0 }, { words: 'subject', limit: 0 }] satisfies Query[]) {
      expect(await messages.query(q), `query ${JSON.stringify(q)}`).to.deep.equal([]);
      expect((await messages.page(q)).items, `page ${JSON.stringify(q)}`).to.deep.equal([]);
      const results: Mail[][] = [];
      const stop = messages.observe(q, (rows) => results.push(rows));
      await waitFor(results, () => true);
      stop();
      expect(results[0], `observe ${JSON.stringify(q)}`).to.deep.equal([]);
    }
  });

  it('a limit that is not a whole number of rows (-1, NaN, 1.5) is refused with invalid-query naming the limit and the fix', async () => {
    const messages = store.collection<Mail>('messages');
    for (const limit of [-1, NaN, 1.5]) {
      for (const read of [() => messages.query({ limit }), () => messages.page({ index: 'byDate', direction: 'prev', limit })]) {
        const err = await refusal(read());
        expect(err, String(limit)).to.be.instanceOf(StoreError);
        expect((err as StoreError).code).to.equal('invalid-query');
        expect((err as StoreError).collection).to.equal('messages');
        expect((err as StoreError).message).to.contain(`limit ${limit}`).and.contain('whole number');
      }
    }
    // Infinity is no limit, as an omitted one.
    expect(await messages.query({ limit: Infinity })).to.have.length(3).and.deep.equal(await messages.query());
  });

  it('a schema version that is not a positive integer is refused with invalid-schema naming the store, the version and the fix', async () => {
    for (const version of [0, -1, 1.5, NaN]) {
      const err = await refusal(openStore({ ...mailSchema(`${name}-bad`), version }));
      expect(err, String(version)).to.be.instanceOf(StoreError);
      expect((err as StoreError).code).to.equal('invalid-schema');
      expect((err as StoreError).message).to.contain(`'${name}-bad'`).and.contain(`version ${version}`).and.contain('positive integer');
    }
  });
});
