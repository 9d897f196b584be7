import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../../components/sync-progress.js';
import type { OutpostSyncProgress, SyncProgressDetail } from '../../components/sync-progress.js';
import { goOffline, goOnline } from '../../testing/commands.js';
import { client, closeAll, login, unique } from '../runtime/sync/helpers.js';
import { expectAccessible } from './helpers.js';

const progress = (detail: SyncProgressDetail) => new CustomEvent('progress', { detail });

describe('<outpost-sync-progress>', () => {
  afterEach(async () => {
    await goOnline();
    await closeAll();
  });

  it('shows a labelled bar while a real first sync pulls pages, then hides for good', async () => {
    const token = await login('bob');
    const writer = await client({ token });
    const prefix = unique('p');
    for (let i = 0; i < 40; i++) await writer.sync.put('notes', { id: `${prefix}-${i}`, i });
    await writer.sync.syncNow();

    // A new device that starts offline, so the component is listening before its first page.
    await goOffline();
    const device = await client({ token, sync: { pullLimit: 10 } });
    const el = await fixture<OutpostSyncProgress>(html`<outpost-sync-progress .sync=${device.sync} label="Downloading notes"></outpost-sync-progress>`);
    expect(el.hidden).to.equal(true);

    const seen: Array<{ received: number; bar: boolean; text: string }> = [];
    device.sync.addEventListener('progress', async (e) => {
      const { received, done } = (e as CustomEvent<SyncProgressDetail>).detail;
      if (done) return;
      await el.updateComplete;
      const bar = el.shadowRoot!.querySelector('progress');
      seen.push({ received, bar: !!bar && !el.hidden, text: el.shadowRoot!.textContent ?? '' });
    });
    const finished = oneEvent(el, 'sync-progress-done');
    await goOnline();
    await device.sync.syncNow();
    const done = ((await finished) as CustomEvent<SyncProgressDetail>).detail;

    expect(seen.length).to.be.greaterThan(2);
    expect(seen.every((s) => s.bar)).to.equal(true);
    expect(seen[0].text).to.contain('Downloading notes');
    expect(seen[0].text).to.contain('10 items received');
    expect(done.done).to.equal(true);
    expect(done.received).to.be.at.least(40);
    await el.updateComplete;
    expect(el.hidden).to.equal(true);
    expect(el.done).to.equal(true);

    // Later cycles are not a first sync: the bar stays hidden.
    device.sync.dispatchEvent(progress({ received: 10, pages: 1, done: false }));
    await el.updateComplete;
    expect(el.hidden).to.equal(true);
  });

  it('is determinate when the expected count is known, and passes axe', async () => {
    const source = new EventTarget();
    const el = await fixture<OutpostSyncProgress>(html`<outpost-sync-progress .sync=${source} expected="200"></outpost-sync-progress>`);
    source.dispatchEvent(progress({ received: 50, pages: 1, done: false }));
    await el.updateComplete;
    const bar = el.shadowRoot!.querySelector('progress')!;
    expect(bar.max).to.equal(200);
    expect(bar.value).to.equal(50);
    const labelId = bar.getAttribute('aria-labelledby')!;
    expect(el.shadowRoot!.getElementById(labelId)!.textContent).to.equal('Downloading your data');
    await expectAccessible(el);
  });

  it("given another engine (another account's, in the same page), shows that one's first sync", async () => {
    const first = new EventTarget();
    const el = await fixture<OutpostSyncProgress>(html`<outpost-sync-progress .sync=${first}></outpost-sync-progress>`);
    first.dispatchEvent(progress({ received: 20, pages: 2, done: true }));
    await el.updateComplete;
    expect(el.done).to.equal(true);

    const second = new EventTarget();
    el.sync = second;
    await el.updateComplete;
    expect(el.done).to.equal(false);
    second.dispatchEvent(progress({ received: 10, pages: 1, done: false }));
    await el.updateComplete;
    expect(el.hidden).to.equal(false);
    expect(el.shadowRoot!.textContent).to.contain('10 items received');
    const finished = oneEvent(el, 'sync-progress-done');
    second.dispatchEvent(progress({ received: 30, pages: 3, done: true }));
    expect(((await finished) as CustomEvent<SyncProgressDetail>).detail.received).to.equal(30);
    await el.updateComplete;
    expect(el.hidden).to.equal(true);

    // Set again after a gap (no engine while the next account's store opens), the same engine keeps its done.
    el.sync = undefined;
    await el.updateComplete;
    el.sync = second;
    await el.updateComplete;
    second.dispatchEvent(progress({ received: 10, pages: 1, done: false }));
    await el.updateComplete;
    expect(el.hidden).to.equal(true);
  });

  it('switched back to an engine whose first sync finished, stays hidden for its later cycles (accounts A, B, A)', async () => {
    const alice = new EventTarget();
    const el = await fixture<OutpostSyncProgress>(html`<outpost-sync-progress .sync=${alice}></outpost-sync-progress>`);
    alice.dispatchEvent(progress({ received: 20, pages: 2, done: true }));
    el.sync = new EventTarget();
    await el.updateComplete;
    el.sync = alice;
    await el.updateComplete;
    expect(el.done, "alice's first sync finished").to.equal(true);
    // A later cycle of alice's catching up over several pages.
    alice.dispatchEvent(progress({ received: 10, pages: 1, done: false }));
    await el.updateComplete;
    expect(el.hidden).to.equal(true);
  });
});
