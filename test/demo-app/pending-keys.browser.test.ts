// The list's "sending…" badges come from pendingKeys: the documents with unacknowledged mutations,
// read from the outbox's index keys. After a bulk action the outbox holds hundreds of entries,
// each with its document's whole value before, and it is read again after every push.
import { expect } from '@open-wc/testing';
import { deleteStore, openStore, type Store } from '../../runtime/store/index.js';
import { syncCollections, type OutboxEntry } from '../../runtime/sync/index.js';
import { mailCollections, MAIL_STORE_VERSION } from '../../demo-app/app/mail-schema.js';
import { pendingKeys } from '../../demo-app/app/queries.js';
import type { MailSession } from '../../demo-app/app/mail-store.js';

/** Records which IndexedDB reads run on the outbox (the real methods run; nothing is faked). */
function spyOutboxReads() {
  const reads: string[] = [];
  const restore: Array<() => void> = [];
  for (const proto of [IDBObjectStore.prototype, IDBIndex.prototype] as unknown as Array<Record<string, (...args: unknown[]) => unknown>>) {
    for (const method of ['get', 'getAll', 'getAllRecords', 'openCursor', 'openKeyCursor']) {
      const original = proto[method];
      if (!original) continue;
      proto[method] = function (this: IDBObjectStore | IDBIndex, ...args: unknown[]) {
        const store = 'objectStore' in this ? this.objectStore : this;
        if (store.name === '$outbox') reads.push(`${method}(${args[0] instanceof IDBKeyRange ? 'range' : JSON.stringify(args[0])})`);
        return original.apply(this, args);
      };
      restore.push(() => (proto[method] = original));
    }
  }
  return { reads, restore: () => restore.forEach((r) => r()) };
}

describe('demo pending badges (pendingKeys)', () => {
  let store: Store;
  const name = `pending-keys-${Math.random().toString(36).slice(2)}`;

  before(async () => {
    store = await openStore({ name, version: MAIL_STORE_VERSION, collections: { ...mailCollections, ...syncCollections } });
  });
  after(async () => {
    store.close();
    await deleteStore(name);
  });

  it('names every document with a pending change and every queued send, reading no outbox entry but the sends', async () => {
    const text = 'x'.repeat(2000);
    const entry = (id: number, doc: string, mutation: Record<string, unknown>): OutboxEntry => ({ id, doc, mutation: { id, ...mutation } as never, createdAt: 0, ...(doc ? { base: { id: doc.split('/')[1], text } } : {}) });
    const entries = [
      ...Array.from({ length: 300 }, (_, i) => entry(i + 1, `messages/m${i}`, { name: 'removeFromSet', collection: 'messages', key: `m${i}`, field: 'labels', values: ['INBOX'] })),
      entry(301, '', { name: 'send', args: { id: 'sent1' } }),
      // A change to the message a queued send creates: it still shows as sending.
      entry(302, 'messages/sent1', { name: 'addToSet', collection: 'messages', key: 'sent1', field: 'labels', values: ['STARRED'] }),
      entry(303, '', { name: 'other', args: { id: 'nothing' } }),
      entry(304, 'labels/l1', { name: 'put', collection: 'labels', key: 'l1', value: { id: 'l1' } }),
    ];
    await store.collection<OutboxEntry>('$outbox').bulkPut(entries);
    const spy = spyOutboxReads();
    let keys: Map<string, 'send' | 'change'>;
    try {
      keys = await pendingKeys({ user: 'alice', store, sync: undefined as never, close: () => undefined } satisfies MailSession);
    } finally {
      spy.restore();
    }
    const expected = new Map<string, 'send' | 'change'>([...Array.from({ length: 300 }, (_, i) => [`m${i}`, 'change'] as const), ['sent1', 'send'], ['l1', 'change']]);
    expect([...keys].sort()).to.deep.equal([...expected].sort());
    // Index keys for the documents, values only for the entries of custom mutations (key '').
    expect(spy.reads).to.deep.equal(['openKeyCursor(range)', 'getAll("")']);
  });
});
