// store.observe runs app code on every write: one run that throws must not reach the writer.
import { expect } from '@open-wc/testing';
import { deleteStore, type Store } from '../../../runtime/store/index.js';
import { mail, openMail, uniqueName, waitFor, type Mail } from './helpers.js';

describe('store.observe', () => {
  let name: string;
  const stores: Store[] = [];
  beforeEach(() => {
    name = uniqueName('observers');
  });
  afterEach(async () => {
    stores.splice(0).forEach((s) => s.close());
    await deleteStore(name);
  });

  it('a run that throws before returning its promise goes to its onError; the write still resolves, and later live queries and other tabs hear of it', async () => {
    const store = await openMail(name);
    const otherTab = await openMail(name);
    stores.push(store, otherTab);
    const messages = store.collection<Mail>('messages');
    // App state a run reads: cleared between writes (the selected message closed).
    let selected: { id: string } | undefined = { id: 'm0001' };
    const errors: unknown[] = [];
    const opened: string[] = [];
    store.observe(['messages'], () => messages.get(selected!.id), (m) => opened.push(m?.id ?? 'none'), (e) => errors.push(e));
    const counts: number[] = [];
    store.observe(['messages'], () => messages.count(), (n) => counts.push(n));
    const otherCounts: number[] = [];
    otherTab.observe(['messages'], () => otherTab.collection('messages').count(), (n) => otherCounts.push(n));
    await waitFor(counts, (n) => n === 0);
    await waitFor(otherCounts, (n) => n === 0);
    await waitFor(opened, (id) => id === 'none');

    selected = undefined;
    await messages.put(mail(1));
    expect(await messages.get(mail(1).id)).to.deep.equal(mail(1));
    await waitFor(errors, (e) => e instanceof TypeError);
    await waitFor(counts, (n) => n === 1);
    await waitFor(otherCounts, (n) => n === 1);

    // The observer that threw is not stuck: it runs again on the next write.
    selected = { id: mail(1).id };
    await messages.put(mail(2));
    await waitFor(opened, (id) => id === mail(1).id);
    expect(errors).to.have.length(1);
  });
});
