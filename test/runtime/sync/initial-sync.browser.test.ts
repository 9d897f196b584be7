import { expect } from '@open-wc/testing';
import { closeAll, closeClient, client, login, unique } from './helpers.js';

describe('sync engine: initial sync', () => {
  afterEach(() => closeAll());

  it('reports progress page by page and resumes after a reload from the last committed page', async () => {
    const token = await login('bob');
    const prefix = unique('i');
    const writer = await client({ token, sync: { pushBatch: 100 } });
    for (let i = 0; i < 600; i++) await writer.sync.put('notes', { id: `${prefix}-${String(i).padStart(4, '0')}`, i });
    await writer.sync.syncNow();
    expect(await writer.store.collection('$outbox').count()).to.equal(0);

    // A new device: stop it right after its first page has committed.
    const first = await client({ token, sync: { pullLimit: 100 } });
    const firstProgress = await new Promise<{ received: number; pages: number }>((resolve) =>
      first.sync.addEventListener('progress', (e) => resolve((e as CustomEvent).detail), { once: true }),
    );
    closeClient(first);
    expect(firstProgress).to.deep.equal({ received: 100, pages: 1, done: false });

    // Reload: the same database resumes from its saved cursor instead of starting over.
    const again = await client({ name: first.name, token, sync: { pullLimit: 100 } });
    let received = 0;
    again.sync.addEventListener('progress', (e) => (received = (e as CustomEvent<{ received: number }>).detail.received));
    await again.sync.syncNow();
    const total = await again.store.collection('notes').count({ startsWith: prefix });
    expect(total).to.equal(600);
    const all = await again.store.collection('notes').count();
    // Everything bob has, minus the one page committed before the reload.
    expect(received).to.be.at.most(all - 100 + 1);
  });
});
