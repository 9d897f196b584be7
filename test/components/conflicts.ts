// A conflict stored by a real sync engine, for the components that show conflicts.
import { expect } from '@open-wc/testing';
import { client, unique, whileCut, type Client } from '../runtime/sync/helpers.js';

/**
 * b edits `title` and `body` offline-style while a changed `title` and `color`: the engine stores a
 * conflict in b. `before` runs once b holds the document, before the conflict.
 */
export async function conflicted(before?: (b: Client) => Promise<void>): Promise<{ id: string; b: Client }> {
  const id = unique('c');
  const a = await client();
  const b = await client();
  await (await a.sync.put('notes', { id, title: 'base', body: 'base', color: 'red' })).acked;
  // b's syncNow resolves with a cycle that starts after a's put is in (not one b started before
  // it), so b holds the document: b's edit needs that base (a conflict over a document b never
  // had: 'keep mine' then deletes it).
  await b.sync.syncNow();
  expect(await b.store.collection('notes').get(id), 'b pulled the base document').to.not.equal(undefined);
  await before?.(b);
  // b edits what it held: a's edit must not reach it first.
  const mine = await whileCut(b, async () => {
    await (await a.sync.patch('notes', id, { title: 'theirs', color: 'blue' })).acked;
    return b.sync.patch('notes', id, { title: 'mine', body: 'mine body' });
  });
  const outcome = await mine.acked;
  expect(outcome).to.include({ status: 'conflict', resolution: 'stored' });
  return { id, b };
}
