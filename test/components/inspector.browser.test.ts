import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../components/inspector.js';
import type { OutpostInspector } from '../../components/inspector.js';
import { goOffline, goOnline } from '../../testing/commands.js';
import { client, closeAll, unique } from '../runtime/sync/helpers.js';
import { expectAccessible, until } from './helpers.js';

const section = (el: OutpostInspector, id: string) => el.shadowRoot!.querySelector(`section[aria-labelledby=${id}]`)!;
const text = (el: OutpostInspector, id: string) => section(el, id).textContent!.replace(/\s+/g, ' ');
/** The description list of a section as `term value` lines. */
const facts = (el: OutpostInspector, id: string) => [...section(el, id).querySelectorAll('dt')].map((dt) => `${dt.textContent} ${dt.nextElementSibling!.textContent}`).join('\n');
const cell = (el: OutpostInspector, row: string) => [...section(el, 'h-store').querySelectorAll('tbody tr')].find((tr) => tr.querySelector('th')!.textContent === row)?.querySelector('td')?.textContent;

describe('<outpost-inspector>', () => {
  const cacheName = unique('inspector-cache');
  before(async () => {
    await (await caches.open(cacheName)).put('/hello', new Response('hi'));
  });
  after(async () => {
    await caches.delete(cacheName);
    await goOnline();
    await closeAll();
  });
  // A test that fails while offline must not leave the next one offline.
  afterEach(() => goOnline());

  it('shows live collection counts, pending outbox entries, sync cursor, caches and storage; passes axe', async () => {
    const c = await client();
    const id = unique('n');
    await (await c.sync.put('notes', { id: `${id}-a`, title: 'synced' })).acked;
    await c.sync.syncNow();
    const sw = { version: async () => '2024.06.1' };
    const el = await fixture<OutpostInspector>(html`<outpost-inspector .store=${c.store} .sync=${c.sync} .sw=${sw}></outpost-inspector>`);
    await until(() => text(el, 'h-browser').includes(cacheName), 'the caches to be listed');
    await until(() => cell(el, '$meta'), 'the collection counts');

    expect(text(el, 'h-store')).to.contain(`Store: ${c.name} (version 1)`);
    const notes = await c.store.collection('notes').count();
    expect(cell(el, 'notes')).to.equal(notes.toLocaleString());
    expect(cell(el, '$outbox')).to.equal('0');
    // A focus or timer-triggered cycle may be running: wait for it to settle.
    const sync = await until(() => facts(el, 'h-sync').includes('State idle (this tab talks to the server)') && facts(el, 'h-sync'), 'the idle state');
    const cursor = (await c.store.collection('$meta').get('cursor'))!.value as string;
    expect(sync).to.contain(cursor);
    expect(sync).to.contain(c.sync.clientId);
    const browser = facts(el, 'h-browser');
    expect(browser).to.contain('Version 2024.06.1');
    expect(browser).to.match(/Storage used [\d.]+ [KMGT]?B of [\d.]+ [KMGT]?B/);
    expect(browser).to.match(/Persistent (yes|no)/);
    const cacheRow = [...section(el, 'h-browser').querySelectorAll('tbody tr')].find((tr) => tr.textContent!.includes(cacheName))!;
    expect(cacheRow.querySelectorAll('td')[1].textContent).to.equal('1');
    await expectAccessible(el);

    // Offline writes show up live as pending outbox entries.
    await goOffline();
    await until(() => facts(el, 'h-sync').includes('State offline'), 'the offline state');
    await c.sync.put('notes', { id: `${id}-b`, title: 'offline' });
    await c.sync.delete('notes', `${id}-a`);
    await until(() => cell(el, '$outbox') === '2', 'two outbox entries');
    const outboxRows = () => [...section(el, 'h-outbox').querySelectorAll('tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent!.trim()));
    // The writes start a cycle ("sending") that fails offline; then the entries wait.
    await until(() => outboxRows().length === 2 && outboxRows().every((r) => r[4] === 'waiting (offline)'), 'the entries to wait for the network');
    expect(outboxRows().map((r) => [r[1], r[2], r[4]])).to.deep.equal([
      ['put', `notes/${id}-b`, 'waiting (offline)'],
      ['delete', `notes/${id}-a`, 'waiting (offline)'],
    ]);
    expect(text(el, 'h-outbox')).to.contain('2 pending, 0 rejected, 0 conflicts.');
    expect(cell(el, 'notes')).to.equal(notes.toLocaleString());
    await expectAccessible(el);

    await goOnline();
    await c.sync.syncNow();
    await until(() => cell(el, '$outbox') === '0', 'the outbox to drain');
  });

  it('shows the last sync error, and Refresh (keyboard) re-reads the caches', async () => {
    const c = await client({ token: 'expired-token' });
    await c.sync.syncNow();
    const el = await fixture<OutpostInspector>(html`<outpost-inspector .store=${c.store} .sync=${c.sync}></outpost-inspector>`);
    await until(() => facts(el, 'h-sync').includes(c.sync.clientId), 'the store snapshot');
    await until(() => facts(el, 'h-sync').includes('Sign in again'), 'the last error');
    expect(facts(el, 'h-sync')).to.contain('State error');
    expect(facts(el, 'h-sync')).to.contain('Cursor none (first sync not done)');
    await until(() => text(el, 'h-browser').includes(cacheName), 'the caches');
    const extra = unique('extra-cache');
    await caches.open(extra);
    el.shadowRoot!.querySelector<HTMLButtonElement>('[part=refresh-button]')!.focus();
    await sendKeys({ press: 'Enter' });
    await until(() => text(el, 'h-browser').includes(extra), 'the new cache after Refresh');
    await caches.delete(extra);
  });

  it('counts every rejected change stored, not only the `limit` it lists', async () => {
    const c = await client();
    // The default stub has no 'pin' handler: the server refuses each (unknown-mutation).
    for (let i = 0; i < 3; i++) expect((await (await c.sync.custom('pin', { key: unique('p') })).acked).status).to.equal('rejected');
    const el = await fixture<OutpostInspector>(html`<outpost-inspector .store=${c.store} .sync=${c.sync} limit="2"></outpost-inspector>`);
    await until(() => cell(el, '$rejected') === '3', 'the $rejected count');
    const rows = [...section(el, 'h-outbox').querySelectorAll('tbody tr')];
    expect(rows.length).to.equal(2);
    expect(text(el, 'h-outbox')).to.contain('0 pending, 3 rejected, 0 conflicts.');
  });
});
