import { expect } from '@open-wc/testing';
import { deleteStore, openStore, StoreError, type Store } from '../../../runtime/store/index.js';
import { mail, mailSchema, openMail, uniqueName, withRawDb, type Mail } from './helpers.js';

async function rejection(p: Promise<unknown>): Promise<StoreError> {
  try {
    await p;
  } catch (err) {
    return err as StoreError;
  }
  throw new Error('expected a rejection');
}

describe('store transactions, migrations and errors', () => {
  let store: Store;
  let name: string;
  beforeEach(async () => {
    name = uniqueName();
    store = await openMail(name);
  });
  afterEach(async () => {
    store.close();
    await deleteStore(name);
  });

  it('a relaxed-durability transaction commits its writes and asks IndexedDB for that durability', async () => {
    const seen = await store.transaction(['messages'], 'readwrite', async (tx) => {
      await tx.collection<Mail>('messages').put(mail(1));
      return tx.raw.durability;
    }, { durability: 'relaxed' });
    // Browsers without the attribute report undefined; those with it must say 'relaxed'.
    if (seen !== undefined) expect(seen).to.equal('relaxed');
    expect((await store.collection<Mail>('messages').get(mail(1).id))?.id).to.equal(mail(1).id);
  });

  it('a multi-collection transaction commits every write together', async () => {
    await store.transaction(['messages', 'threads'], 'readwrite', async (tx) => {
      await tx.collection<Mail>('messages').put(mail(1));
      await tx.collection('threads').put({ id: 't1', count: 1 });
    });
    expect(await store.collection('messages').get('m0001')).to.deep.equal(mail(1));
    expect(await store.collection('threads').get('t1')).to.deep.equal({ id: 't1', count: 1 });
  });

  it('a throw inside a transaction leaves no partial write', async () => {
    const boom = new Error('boom');
    const err = await rejection(
      store.transaction(['messages', 'threads'], 'readwrite', async (tx) => {
        await tx.collection<Mail>('messages').put(mail(1));
        await tx.collection('threads').put({ id: 't1' });
        throw boom;
      }),
    );
    expect(err).to.equal(boom);
    expect(await store.collection('messages').count()).to.equal(0);
    expect(await store.collection('threads').count()).to.equal(0);
  });

  it('a constraint violation aborts the whole transaction with code constraint', async () => {
    const err = await rejection(
      store.transaction(['unique', 'threads'], 'readwrite', async (tx) => {
        await tx.collection('threads').put({ id: 't1' });
        await tx.collection('unique').put({ id: 'a', email: 'x@example.com' });
        await tx.collection('unique').put({ id: 'b', email: 'x@example.com' });
      }),
    );
    expect(err).to.be.instanceOf(StoreError);
    expect(err.code).to.equal('constraint');
    expect(await store.collection('threads').count()).to.equal(0);
    expect(await store.collection('unique').count()).to.equal(0);
  });

  it('a bulkPut whose record in the middle breaks a unique index fails with code constraint and writes none of them', async () => {
    const records = Array.from({ length: 50 }, (_, i) => ({ id: `r${i}`, email: i === 30 ? 'r0@example.com' : `r${i}@example.com` }));
    const err = await rejection(store.collection('unique').bulkPut(records));
    expect(err).to.be.instanceOf(StoreError);
    expect(err.code).to.equal('constraint');
    expect(await store.collection('unique').count()).to.equal(0);
    // And a bulkPut that succeeds resolves once all of its records are in.
    await store.collection('unique').bulkPut(records.slice(0, 30));
    expect(await store.collection('unique').count()).to.equal(30);
  });

  it('a bulkPut that fails part way inside a transaction, even caught, aborts it: none of its records or words commit', async () => {
    // A value IndexedDB cannot clone (a collection with words), and a key it refuses (one without).
    const cases: Array<[string, Record<string, unknown>[], string]> = [
      ['messages', [mail(1), { ...mail(2), onOpen: () => 1 }], 'not-cloneable'],
      ['threads', [{ id: 't1' }, { id: true }], 'missing-key'],
    ];
    for (const [collection, records, code] of cases) {
      const err = await rejection(
        store.transaction([collection, 'unique'], 'readwrite', async (tx) => {
          await tx.collection('unique').put({ id: 'u1', email: 'u1@example.com' });
          const failed = await rejection(tx.collection(collection).bulkPut(records));
          expect(failed.code).to.equal(code);
          // The app carries on: what follows fails too, saying why.
          const later = await rejection(tx.collection('unique').put({ id: 'u2', email: 'u2@example.com' }));
          expect(later).to.be.instanceOf(StoreError);
          expect(later.code).to.equal('aborted');
          expect(later.message).to.contain("collection 'unique'").and.contain('earlier write of this read-write transaction failed');
        }),
      );
      expect(err).to.be.instanceOf(StoreError);
      expect(err.code).to.equal('aborted');
      expect(err.message).to.contain('a call in it failed');
      expect(await store.collection(collection).count()).to.equal(0);
      expect(await store.collection('unique').count()).to.equal(0);
    }
    expect(await store.collection('messages').query({ words: 'subject' })).to.deep.equal([]);
    expect(await withRawDb(name, async (db) => new Promise((resolve) => (db.transaction('$words/messages').objectStore('$words/messages').count().onsuccess = (e) => resolve((e.target as IDBRequest).result))))).to.equal(0);
  });

  it('a read refused inside a read-write transaction, caught, leaves the transaction going: its writes commit', async () => {
    // A read queues no write, and IndexedDB keeps the transaction after a request it refuses at
    // once. Sync re-runs custom mutators in its pull's transaction and carries on past one that
    // fails (rebase.ts rerunCustom): one read by a key the pulled document no longer has must not
    // abort the pull, again on every pull while the mutation waits.
    await store.transaction(['messages', 'threads'], 'readwrite', async (tx) => {
      await tx.collection<Mail>('messages').put(mail(1));
      const refused = [
        await rejection(tx.collection('threads').get(undefined as unknown as string)),
        await rejection(tx.collection('messages').query({ index: 'noSuchIndex' })),
        await rejection(tx.stored('threads', {} as unknown as string)),
      ];
      // stored() is sync's raw read: IndexedDB's own DataError.
      expect(refused.map((e: Error) => (e instanceof StoreError ? e.code : e.name))).to.deep.equal(['missing-key', 'unknown-index', 'DataError']);
      await tx.collection('threads').put({ id: 't1' });
    });
    expect(await store.collection('messages').get('m0001')).to.deep.equal(mail(1));
    expect(await store.collection('threads').get('t1')).to.deep.equal({ id: 't1' });
  });

  it('a write refused before it queued anything (a record without its key, one IndexedDB cannot clone), caught, leaves a read-write transaction going', async () => {
    // As a read: a custom mutator re-run on a pulled page that writes a record keyed by a field the
    // server since emptied must not abort the pull (again on every pull while it waits).
    await store.transaction(['messages', 'threads'], 'readwrite', async (tx) => {
      await tx.collection<Mail>('messages').put(mail(1));
      const refused = [await rejection(tx.collection('threads').put({ name: 'no id' })), await rejection(tx.collection('threads').put({ id: 't0', onOpen: () => 1 }))];
      expect(refused.map((e) => e.code)).to.deep.equal(['missing-key', 'not-cloneable']);
      await tx.collection('threads').put({ id: 't1' });
    });
    expect(await store.collection('messages').get('m0001')).to.deep.equal(mail(1));
    expect(await store.collection('threads').get('t1')).to.deep.equal({ id: 't1' });
  });

  it('a write refused in a read-only transaction, caught, leaves its reads going', async () => {
    await store.collection<Mail>('messages').put(mail(1));
    const read = await store.transaction(['messages'], 'readonly', async (tx) => {
      const refused = await rejection(tx.collection<Mail>('messages').put(mail(2)));
      expect(refused.name).to.equal('ReadOnlyError');
      return tx.collection<Mail>('messages').get('m0001');
    });
    expect(read).to.deep.equal(mail(1));
  });

  it('a transaction over no collection, or in a mode other than readonly or readwrite, is refused with invalid-query', async () => {
    for (const [names, mode, says] of [[[], 'readonly', 'no collection'], [['messages'], 'versionchange', "'versionchange'"], [['messages'], 'write', "'write'"]] as const) {
      const err = await rejection(store.transaction([...names], mode as IDBTransactionMode, () => undefined));
      expect(err, `${names.length} collections, ${mode}`).to.be.instanceOf(StoreError);
      expect(err.code).to.equal('invalid-query');
      expect(err.message).to.contain(says).and.contain('store.transaction(');
    }
  });

  it('a record without its key is refused with missing-key naming the collection and field', async () => {
    const err = await rejection(store.collection('messages').put({ subject: 'no id' }));
    expect(err.code).to.equal('missing-key');
    expect(err.message).to.contain("'messages'").and.contain("'id'");
  });

  it('a value that cannot be cloned is refused with not-cloneable naming the path', async () => {
    const err = await rejection(store.collection('messages').put({ ...mail(1), meta: { onOpen: () => 1 } }));
    expect(err.code).to.equal('not-cloneable');
    expect(err.message).to.contain('meta.onOpen');
    expect(await store.collection('messages').count()).to.equal(0);
  });

  it('a collection or index added to the schema without raising its version is refused with a StoreError saying to raise it', async () => {
    store.close();
    const grown = await openStore({ ...mailSchema(name), collections: { ...mailSchema(name).collections, notes: { keyPath: 'id' } } });
    try {
      const err = await rejection(grown.collection('notes').put({ id: 'n1' }));
      expect(err).to.be.instanceOf(StoreError);
      expect(err.code).to.equal('invalid-schema');
      expect(err.message).to.contain("collection 'notes'").and.contain('Raise `version`');
      const inTx = await rejection(grown.transaction(['messages', 'notes'], 'readonly', () => undefined));
      expect(inTx.code).to.equal('invalid-schema');
      expect(inTx.message, 'a transaction of two: neither named').to.contain('a collection (or index) the schema declares');
      const messages = mailSchema(name).collections.messages;
      const withIndex = await openStore({ ...mailSchema(name), collections: { ...mailSchema(name).collections, messages: { ...messages, indexes: { ...messages.indexes, byColour: 'colour' } } } });
      grown.close();
      const byIndex = await rejection(withIndex.collection('messages').query({ index: 'byColour', equals: 'red' }));
      expect(byIndex.code).to.equal('unknown-index');
      expect(byIndex.message).to.contain("no index 'byColour'").and.contain('raise the store\'s `version`');
      withIndex.close();
    } finally {
      grown.close();
    }
    store = await openMail(name);
  });

  it('a collection missing from the database is refused with invalid-schema after the connection reopens too', async () => {
    store.close();
    const grown = await openStore({ ...mailSchema(name), collections: { ...mailSchema(name).collections, notes: { keyPath: 'id' } } });
    try {
      // The browser closed the connection: each call reopens it, then finds no 'notes'.
      for (const call of [() => grown.collection('notes').put({ id: 'n1' }), () => grown.transaction(['notes'], 'readwrite', (tx) => tx.collection('notes').put({ id: 'n1' }))]) {
        (await grown.connect()).close();
        const err = await rejection(call());
        expect(err).to.be.instanceOf(StoreError);
        expect(err.code).to.equal('invalid-schema');
        expect(err.message).to.contain("collection 'notes'");
      }
    } finally {
      grown.close();
    }
    store = await openMail(name);
  });

  it('an upgrade that changes a collection\'s key path is refused with invalid-schema and leaves the database as it was', async () => {
    await store.collection<Mail>('messages').bulkPut([mail(1), mail(2)]);
    store.close();
    const rekeyed = mailSchema(name, 2);
    rekeyed.collections.threads.indexes = { byDate: 'date' };
    rekeyed.collections.messages = { ...rekeyed.collections.messages, keyPath: 'subject' };
    const err = await rejection(openStore(rekeyed));
    expect(err).to.be.instanceOf(StoreError);
    expect(err.code).to.equal('invalid-schema');
    expect(err.collection).to.equal('messages');
    expect(err.message).to.contain("key path 'id'").and.contain("'subject'").and.contain('migration');
    // Nothing of the upgrade was kept: still version 1, its records and indexes as they were.
    store = await openMail(name);
    expect((await store.collection<Mail>('messages').query({ index: 'byDate' })).map((m) => m.id)).to.deep.equal(['m0001', 'm0002']);
    expect(await withRawDb(name, async (db) => [db.version, [...db.transaction('threads').objectStore('threads').indexNames]])).to.deep.equal([1001, []]);
  });

  it('a migration that makes a request after awaiting something else fails with aborted and leaves the database as it was', async () => {
    await store.collection<Mail>('messages').put(mail(1));
    store.close();
    const v2 = mailSchema(name, 2);
    v2.migrations = {
      2: async (tx) => {
        await tx.objectStore('threads').put({ id: 't1' });
        // Another task, as a fetch or crypto.subtle: IndexedDB had committed the upgrade meanwhile.
        await new Promise((resolve) => setTimeout(resolve));
        await tx.objectStore('threads').put({ id: 't2' });
      },
    };
    const err = await rejection(openStore(v2));
    expect(err).to.be.instanceOf(StoreError);
    expect(err.code).to.equal('aborted');
    expect(err.message).to.contain('migration 2').and.contain('before openStore()');
    // Still version 1 (opening it works), without the thread the migration wrote first.
    store = await openMail(name);
    expect(await store.collection('threads').count()).to.equal(0);
    expect(await store.collection('messages').get('m0001')).to.deep.equal(mail(1));
  });

  it('an upgrade adding a unique index over records that share its value is refused with constraint naming the index, and changes nothing', async () => {
    await store.collection<Mail>('messages').bulkPut([mail(1, { subject: 'same' }), mail(2, { subject: 'same' })]);
    store.close();
    for (const spec of [{ keyPath: 'subject', unique: true }, { compute: (m: Record<string, unknown>) => m.subject as string, unique: true }]) {
      const v2 = mailSchema(name, 2);
      v2.collections.messages.indexes = { ...v2.collections.messages.indexes, bySubjectOnce: spec };
      v2.collections.drafts = { keyPath: 'id' };
      const err = await rejection(openStore(v2));
      expect(err).to.be.instanceOf(StoreError);
      expect(err.code).to.equal('constraint');
      expect(err.collection).to.equal('messages');
      expect(err.message).to.contain("'bySubjectOnce'").and.contain('without unique');
    }
    // Still version 1 (opening it works), with no drafts collection and both records.
    store = await openMail(name);
    expect(await withRawDb(name, async (db) => [db.version, db.objectStoreNames.contains('drafts')])).to.deep.equal([1001, false]);
    expect(await store.collection('messages').count()).to.equal(2);
  });

  it("an upgrade adding a unique index beside a computed one whose function throws fails with that function's error, not a shared value of the unique index", async () => {
    await store.collection('threads').bulkPut([{ id: 't1', code: 'a' }, { id: 't2', code: 'b' }]);
    store.close();
    const v2 = mailSchema(name, 2);
    const broken = new TypeError('compute: no title');
    v2.collections.threads.indexes = {
      byTitle: {
        compute: (t: Record<string, unknown>) => {
          if (t.title === undefined) throw broken;
          return t.title as string;
        },
      },
      byCode: { keyPath: 'code', unique: true },
    };
    const err = await rejection(openStore(v2));
    // No two threads share a code: the app's function failed, and the error must say so.
    expect(err).to.equal(broken);
    store = await openMail(name);
    expect(await store.collection('threads').count()).to.equal(2);
  });

  it('a range whose bounds are reversed is refused with a StoreError saying how to order them', async () => {
    const err = await rejection(store.collection('messages').query({ index: 'byDate', between: [5, 1] }));
    expect(err).to.be.instanceOf(StoreError);
    expect(err.message).to.contain('between: [low, high]');
  });

  it('unknown collections and indexes are refused with their own codes', async () => {
    expect(() => store.collection('nope')).to.throw(StoreError).with.property('code', 'unknown-collection');
    // Inside a transaction too (it used to be a TypeError), and the transaction writes nothing.
    const inTx = await rejection(
      store.transaction(['messages'], 'readwrite', async (tx) => {
        await tx.collection<Mail>('messages').put(mail(7));
        await tx.collection('nope').put({ id: 'x' });
      }),
    );
    expect(inTx).to.be.instanceOf(StoreError);
    expect(inTx.code).to.equal('unknown-collection');
    expect(inTx.message).to.contain("no collection 'nope'");
    expect(await store.collection('messages').get('m0007')).to.equal(undefined);
    const err = await rejection(store.collection('messages').query({ index: 'byColour' }));
    expect(err.code).to.equal('unknown-index');
    expect(err.message).to.contain('byDate');
  });

  it('an upgrade adds declared collections and indexes and runs migrations in order over existing data', async () => {
    await store.collection<Mail>('messages').bulkPut([mail(1), mail(2)]);
    store.close();
    const v2 = mailSchema(name, 3);
    v2.collections.drafts = { keyPath: 'id' };
    v2.collections.messages.indexes = { ...v2.collections.messages.indexes, byLabelCount: 'labelCount' };
    const order: number[] = [];
    v2.migrations = {
      3: async (tx) => {
        order.push(3);
        const os = tx.objectStore('messages');
        for (const m of (await os.getAll()) as Mail[]) await os.put({ ...m, labelCount: m.labels.length });
      },
      2: () => {
        order.push(2);
      },
      1: () => {
        order.push(1);
      },
    };
    store = await openStore(v2);
    expect(order).to.deep.equal([2, 3]);
    expect(await store.collection('drafts').count()).to.equal(0);
    expect((await store.collection('messages').query({ index: 'byLabelCount', equals: 2 })).map((m) => m.id)).to.deep.equal(['m0002']);
  });
});
