import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../../components/sync-status.js';
import type { OutpostSyncStatus } from '../../components/sync-status.js';
import { goOffline, goOnline, killStub, startStubAgain } from '../../testing/commands.js';
import { client, closeAll, unique } from '../runtime/sync/helpers.js';
import { expectAccessible, until } from './helpers.js';
import { conflicted } from './conflicts.js';

const label = (el: OutpostSyncStatus) => el.shadowRoot!.querySelector('[part=label]')!.textContent!.trim();
const live = (el: OutpostSyncStatus) => el.shadowRoot!.querySelector('[role=status]')!;

describe('<outpost-sync-status>', () => {
  afterEach(async () => {
    await goOnline();
    await closeAll();
  });

  it('follows a real sync engine: up to date, offline with pending changes, back in sync', async () => {
    const c = await client();
    await c.sync.syncNow();
    const el = await fixture<OutpostSyncStatus>(html`<outpost-sync-status .sync=${c.sync}></outpost-sync-status>`);
    await until(() => label(el) === 'Up to date', '"Up to date"');
    expect(el.getAttribute('state')).to.equal('idle');
    expect(live(el).getAttribute('aria-live')).to.equal('polite');
    expect(live(el).textContent).to.contain('All changes synced.');
    await expectAccessible(el);

    await goOffline();
    // Firefox does not always fire `offline` under emulation; a failed cycle tells the engine too.
    // Not awaited: under Firefox's request interception the cycle's fetch may never settle.
    void c.sync.syncNow();
    await until(() => el.state === 'offline', 'the offline state');
    const id = unique('n');
    await c.sync.put('notes', { id, title: 'written offline' });
    await until(() => label(el) === 'Offline · 1 pending', '"Offline · 1 pending"');
    expect(el.getAttribute('pending')).to.equal('1');
    expect(live(el).textContent).to.contain('1 change will sync when you are back online.');
    await expectAccessible(el);

    await goOnline();
    await c.sync.syncNow();
    await until(() => label(el) === 'Up to date', '"Up to date" again');
    expect(live(el).textContent).to.contain('All changes synced.');
  });

  it('tells a server that cannot be reached (network up) apart from being offline', async () => {
    const c = await client();
    await c.sync.syncNow();
    const el = await fixture<OutpostSyncStatus>(html`<outpost-sync-status .sync=${c.sync}></outpost-sync-status>`);
    await until(() => label(el) === 'Up to date', '"Up to date"');
    await killStub();
    try {
      await c.sync.put('notes', { id: unique('u'), title: 'written while the server is down' });
      await until(() => label(el) === 'Server unreachable · 1 pending', '"Server unreachable · 1 pending"');
      // Read from the engine's own state, not derived in the component.
      expect(c.sync.status.state).to.equal('unreachable');
      expect(el.getAttribute('state')).to.equal('unreachable');
      expect(live(el).textContent).to.contain('The server cannot be reached. 1 change will sync when it answers.');
    } finally {
      await startStubAgain();
    }
  });

  it('shows the engine\'s error with its message when the server refuses the token', async () => {
    const c = await client({ token: 'not-a-valid-token' });
    const el = await fixture<OutpostSyncStatus>(html`<outpost-sync-status .sync=${c.sync}></outpost-sync-status>`);
    await c.sync.syncNow();
    await until(() => el.state === 'error', 'the error state');
    await el.updateComplete;
    expect(label(el)).to.equal('Sync error');
    const error = el.shadowRoot!.querySelector('[part=error]')!.textContent!;
    expect(error).to.contain('Sign in again');
    expect(live(el).textContent).to.contain('Sync error:');
    await expectAccessible(el);
  });

  it('given the store, counts the changes the server refused, live, announces a new one with its reason and offers to show them', async () => {
    const c = await client();
    // One refused before the badge shows: counted, not announced.
    expect((await (await c.sync.custom('pin', { key: unique('p') })).acked).status).to.equal('rejected');
    const el = await fixture<OutpostSyncStatus>(html`<outpost-sync-status .sync=${c.sync} .store=${c.store}></outpost-sync-status>`);
    const refused = () => el.shadowRoot!.querySelector<HTMLButtonElement>('[part=rejected-button]');
    await until(() => refused()?.textContent === '1 change refused', '"1 change refused"');
    expect(el.getAttribute('rejected')).to.equal('1');
    const said = () => [...el.shadowRoot!.querySelectorAll('[role=status]')].map((r) => r.textContent).join(' ');
    expect(said()).not.to.contain('refused');

    const id = unique('r');
    await (await c.sync.put('notes', { id, labels: 'not-a-list' })).acked;
    expect((await (await c.sync.addToSet('notes', id, 'labels', ['x'])).acked).status).to.equal('rejected');
    await until(() => refused()?.textContent === '2 changes refused', '"2 changes refused" without a reload');
    const [stored] = (await c.store.collection('$rejected').query({ direction: 'prev', limit: 1 })) as Array<{ error: { message: string } }>;
    await until(() => said().includes(`The server refused a change (addToSet on notes / ${id}): ${stored.error.message} 2 refused changes to review.`), 'the refusal announced with its reason');
    await expectAccessible(el);

    const shown = oneEvent(el, 'show-rejections');
    refused()!.click();
    expect((await shown).detail).to.deep.equal({ count: 2 });

    await c.store.collection('$rejected').clear();
    await until(() => !refused(), 'the button gone once every refusal is dismissed');
    expect(el.getAttribute('rejected')).to.equal('0');

    // Moved in the page (removed, put back): it follows the store again.
    const parent = el.parentElement!;
    el.remove();
    parent.append(el);
    expect((await (await c.sync.custom('pin', { key: unique('p') })).acked).status).to.equal('rejected');
    await until(() => refused()?.textContent === '1 change refused', '"1 change refused" after being moved');

    // An app names what was refused as a person knows it.
    el.describeRejection = (r) => `Pin #${r.id}`;
    const { id: pinId } = await c.sync.custom('pin', { key: unique('p') });
    await until(() => said().includes(`The server refused a change (Pin #${pinId}):`), 'the refusal announced by the app\'s name for it');
  });

  it('counts the sync conflicts, live, announces a new one with its document and fields and offers to show them', async () => {
    let el!: OutpostSyncStatus;
    const said = () => [...el.shadowRoot!.querySelectorAll('[role=status]')].map((r) => r.textContent).join(' ');
    const button = () => el.shadowRoot!.querySelector<HTMLButtonElement>('[part=conflicts-button]');
    const { id, b } = await conflicted(async (client) => {
      el = await fixture<OutpostSyncStatus>(html`<outpost-sync-status .sync=${client.sync}></outpost-sync-status>`);
      await until(() => label(el) !== 'Sync not started', 'the status');
      expect(button() === null).to.equal(true);
    });
    await until(() => button()?.textContent === '1 conflict', '"1 conflict" without a reload');
    expect(el.getAttribute('conflicts')).to.equal('1');
    await until(() => said().includes(`Your change to notes / ${id} conflicts with one made elsewhere (title): the other version shows until you choose. 1 sync conflict to resolve.`), 'the conflict announced');
    await expectAccessible(el);

    const shown = oneEvent(el, 'show-conflicts');
    button()!.click();
    expect((await shown).detail).to.deep.equal({ count: 1 });

    // One stored before the badge showed: counted, not announced.
    const later = await fixture<OutpostSyncStatus>(html`<outpost-sync-status .sync=${b.sync}></outpost-sync-status>`);
    await until(() => later.shadowRoot!.querySelector('[part=conflicts-button]')?.textContent === '1 conflict', 'the second badge to count it');
    expect([...later.shadowRoot!.querySelectorAll('[role=status]')].map((r) => r.textContent).join(' ')).not.to.contain('conflict');

    await b.sync.conflicts.resolve((await b.sync.conflicts.list())[0], 'theirs');
    await until(() => !button(), 'the button gone once the conflict is resolved');
    expect(el.getAttribute('conflicts')).to.equal('0');
  });

  it('does not announce the periodic syncing blip, and stops listening when removed', async () => {
    let push!: (s: { state: 'idle' | 'syncing'; pending: number; leader: boolean }) => void;
    let subscribed = 0;
    const source = {
      subscribe(fn: typeof push) {
        subscribed++;
        push = fn;
        fn({ state: 'idle', pending: 0, leader: true });
        return () => subscribed--;
      },
    };
    const el = await fixture<OutpostSyncStatus>(html`<outpost-sync-status .sync=${source}></outpost-sync-status>`);
    expect(subscribed).to.equal(1);
    push({ state: 'syncing', pending: 0, leader: true });
    await el.updateComplete;
    expect(label(el)).to.equal('Syncing…');
    expect(live(el).textContent).to.equal('All changes synced.');
    el.remove();
    expect(subscribed).to.equal(0);
  });
});
