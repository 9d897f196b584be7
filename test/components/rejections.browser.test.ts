import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../components/rejections.js';
import type { OutpostRejections } from '../../components/rejections.js';
import { openStore, deleteStore } from '../../runtime/store/index.js';
import type { StoredRejection } from '../../runtime/sync/index.js';
import { client, closeAll, unique, type Client } from '../runtime/sync/helpers.js';
import { deepActive, expectAccessible, until } from './helpers.js';

/** A real refusal of a built-in mutation: the stub answers not-a-set to addToSet on a string field. */
async function refuseAddToSet(c: Client): Promise<string> {
  const id = unique('r');
  await (await c.sync.put('notes', { id, labels: 'not-a-list' })).acked;
  const outcome = await (await c.sync.addToSet('notes', id, 'labels', ['x'])).acked;
  expect(outcome.status).to.equal('rejected');
  return id;
}

/** A real refusal of a custom mutation: the default stub has no 'pin' handler (unknown-mutation). */
async function refusePin(c: Client): Promise<void> {
  expect((await (await c.sync.custom('pin', { key: unique('p') })).acked).status).to.equal('rejected');
}

const items = (el: OutpostRejections) => [...el.shadowRoot!.querySelectorAll('[part=rejection]')];
const heading = (el: OutpostRejections) => el.shadowRoot!.querySelector('h2')!.textContent!.trim();
const part = (el: OutpostRejections, name: string) => el.shadowRoot!.querySelector<HTMLButtonElement>(`[part=${name}]`)!;

describe('<outpost-rejections>', () => {
  afterEach(() => closeAll());

  it('lists a change the server refused, with what it was, the server\'s message and code, and passes axe', async () => {
    const c = await client();
    const id = await refuseAddToSet(c);
    const el = await fixture<OutpostRejections>(html`<outpost-rejections .store=${c.store}></outpost-rejections>`);
    await until(() => items(el).length === 1, 'the stored rejection to be listed');
    expect(heading(el)).to.equal('Refused changes (1)');
    const item = items(el)[0];
    expect(item.querySelector('h3')!.textContent).to.equal(`addToSet on notes / ${id}`);
    const reason = item.querySelector('[part=reason]')!.textContent!;
    expect(reason).to.contain('The server refused this change:');
    expect(reason).to.contain('(not-a-set)');
    const [stored] = (await c.store.collection('$rejected').query()) as Array<{ error: { message: string }; at: number }>;
    expect(reason).to.contain(stored.error.message);
    expect(item.querySelector('time')!.getAttribute('datetime')).to.equal(new Date(stored.at).toISOString());
    await expectAccessible(el);
  });

  it('shows a refusal stored while it is on screen, without a reload', async () => {
    const c = await client();
    const el = await fixture<OutpostRejections>(html`<outpost-rejections .store=${c.store}></outpost-rejections>`);
    await until(() => el.shadowRoot!.querySelector('[part=empty]'), 'the empty state');
    expect(heading(el)).to.equal('Refused changes (0)');
    await refusePin(c);
    await until(() => items(el).length === 1, 'the new rejection to appear');
    expect(items(el)[0].querySelector('h3')!.textContent).to.equal('pin');
    expect(items(el)[0].querySelector('[part=reason]')!.textContent).to.contain("no handler for mutation 'pin'");
    expect(el.shadowRoot!.querySelector('[part=empty]')).to.equal(null);
  });

  it('Dismiss (keyboard) deletes the record from the store and the view, and Dismiss all deletes the rest', async () => {
    const c = await client();
    await refuseAddToSet(c);
    await refusePin(c);
    await refusePin(c);
    const el = await fixture<OutpostRejections>(html`<outpost-rejections .store=${c.store}></outpost-rejections>`);
    await until(() => items(el).length === 3, 'three rejections listed');
    // Newest first: the last pin, then the first pin, then the addToSet.
    const newest = Number(items(el)[0].getAttribute('aria-labelledby')!.slice(1));
    // Its name says which change it dismisses.
    expect(part(el, 'dismiss-button').textContent!.replace(/\s+/g, ' ').trim()).to.equal(`Dismiss ${items(el)[0].querySelector('h3')!.textContent}`);
    part(el, 'dismiss-button').focus();
    const dismissed = oneEvent(el, 'rejection-dismissed');
    await sendKeys({ press: 'Enter' });
    expect((await dismissed).detail).to.deep.include({ all: false });
    expect((await dismissed).detail.rejections.map((r: { id: number }) => r.id)).to.deep.equal([newest]);
    expect(await c.store.collection('$rejected').get(newest)).to.equal(undefined);
    expect(await c.store.collection('$rejected').count()).to.equal(2);
    await until(() => items(el).length === 2, 'the dismissed rejection to leave the list');
    expect(heading(el)).to.equal('Refused changes (2)');
    // Focus stays in the list, on the next record's Dismiss, not lost with the removed button.
    await until(() => deepActive() === el.shadowRoot!.querySelector('[part=dismiss-button]'), 'focus on the next Dismiss');

    part(el, 'dismiss-all-button').click();
    await until(() => el.shadowRoot!.querySelector('[part=empty]'), 'the empty state');
    expect(await c.store.collection('$rejected').count()).to.equal(0);
    expect(heading(el)).to.equal('Refused changes (0)');
    await until(() => deepActive() === el.shadowRoot!.querySelector('h2'), 'focus on the heading');
    await expectAccessible(el);
  });

  it('Dismiss all leaves a refusal stored after the list was drawn, which the person has not seen', async () => {
    const c = await client();
    await refusePin(c);
    await refusePin(c);
    const el = await fixture<OutpostRejections>(html`<outpost-rejections .store=${c.store}></outpost-rejections>`);
    await until(() => items(el).length === 2, 'two rejections listed');
    const rejected = c.store.collection<StoredRejection>('$rejected');
    const [newest] = await rejected.query({ direction: 'prev', limit: 1 });
    // Stored as push-results.ts stores one, under a later mutation id.
    const late: StoredRejection = { ...newest, id: newest.id + 1, mutation: { ...newest.mutation, id: newest.id + 1 }, at: Date.now() };
    await rejected.put(late);
    // The click comes before the list re-read the store: the person saw two.
    expect(items(el).length).to.equal(2);
    part(el, 'dismiss-all-button').click();
    await until(() => items(el).length === 1 && !el.shadowRoot!.querySelector('[part=dismiss-all-button]'), 'only the late refusal listed');
    expect((await rejected.query()).map((r) => r.id)).to.deep.equal([late.id]);
  });

  it('lists the newest `limit`, says how many older ones it does not show, and Dismiss all deletes those too', async () => {
    const c = await client();
    await refusePin(c);
    await refusePin(c);
    const el = await fixture<OutpostRejections>(html`<outpost-rejections .store=${c.store} limit="1"></outpost-rejections>`);
    await until(() => el.shadowRoot!.querySelector('[part=more]'), 'the "older not shown" line');
    expect(items(el).length).to.equal(1);
    expect(heading(el)).to.equal('Refused changes (2)');
    expect(el.shadowRoot!.querySelector('[part=more]')!.textContent).to.equal('1 older not shown.');
    // Dismiss all takes the hidden one too.
    part(el, 'dismiss-all-button').click();
    await until(() => el.shadowRoot!.querySelector('[part=empty]'), 'the empty state');
    expect(await c.store.collection('$rejected').count()).to.equal(0);
  });

  it('names the fix when the store was opened without the sync collections', async () => {
    const name = unique('plain');
    const store = await openStore({ name, version: 1, collections: { notes: { keyPath: 'id' } } });
    try {
      const el = await fixture<OutpostRejections>(html`<outpost-rejections .store=${store}></outpost-rejections>`);
      const error = await until(() => el.shadowRoot!.querySelector('[part=error]'), 'the error');
      expect(error.textContent).to.contain(`Store '${name}' has no '$rejected' collection`);
      expect(error.textContent).to.contain('...syncCollections');
    } finally {
      store.close();
      await deleteStore(name);
    }
  });
});
