import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../components/conflict-inbox.js';
import '../../components/dialog.js';
import type { OutpostConflictInbox } from '../../components/conflict-inbox.js';
import type { OutpostDialog } from '../../components/dialog.js';
import { closeAll, serverDocs, type Client } from '../runtime/sync/helpers.js';
import { conflicted } from './conflicts.js';
import { deepActive, expectAccessible, until } from './helpers.js';

async function inbox(b: Client) {
  const el = await fixture<OutpostConflictInbox>(html`<outpost-conflict-inbox .sync=${b.sync}></outpost-conflict-inbox>`);
  await until(() => el.shadowRoot!.querySelector('[part=conflict]'), 'the stored conflict to be listed');
  return el;
}

const button = (el: OutpostConflictInbox, text: string) => [...el.shadowRoot!.querySelectorAll('button')].find((b) => b.textContent!.trim() === text)!;
const emptyShown = (el: OutpostConflictInbox) => !!el.shadowRoot!.querySelector('[part=empty]');

describe('<outpost-conflict-inbox>', () => {
  afterEach(() => closeAll());

  it('lists a stored conflict with a mine/theirs field diff and passes axe', async () => {
    const { id, b } = await conflicted();
    const el = await inbox(b);
    expect(el.shadowRoot!.querySelector('h2')!.textContent).to.equal('Conflicts (1)');
    expect(el.shadowRoot!.querySelector('h3')!.textContent).to.equal(`notes / ${id}`);
    const rows = [...el.shadowRoot!.querySelectorAll('tbody tr')].map((tr) => [...tr.children].map((c) => c.textContent!.trim()));
    expect(rows).to.deep.equal([
      ['title (changed on both sides)⚠', 'mine', 'theirs'],
      ['body', 'mine body', 'base'],
      ['color', 'red', 'blue'],
    ]);
    expect(el.shadowRoot!.querySelector('tbody tr')!.classList.contains('both')).to.equal(true);
    // An app names the document as a person knows it.
    el.describe = (c) => `Note “${(c.base as { title: string }).title}”`;
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('h3')!.textContent).to.equal('Note “base”');
    await expectAccessible(el);
  });

  it('keep mine (keyboard) puts my version through sync and clears the conflict', async () => {
    const { id, b } = await conflicted();
    const el = await inbox(b);
    button(el, 'Keep mine').focus();
    const resolved = oneEvent(el, 'conflict-resolved');
    await sendKeys({ press: 'Enter' });
    expect((await resolved).detail.resolution).to.equal('mine');
    await b.sync.syncNow();
    expect((await serverDocs(id)).get(`notes/${id}`)!.value).to.deep.equal({ id, title: 'mine', body: 'mine body', color: 'red' });
    expect(await b.store.collection('$conflicts').count()).to.equal(0);
    await until(() => emptyShown(el), 'the empty state');
    expect(el.shadowRoot!.querySelector('h2')!.textContent).to.equal('Conflicts (0)');
  });

  it('take theirs drops the conflict and leaves the server version', async () => {
    const { id, b } = await conflicted();
    const el = await inbox(b);
    const resolved = oneEvent(el, 'conflict-resolved');
    button(el, 'Take theirs').click();
    expect((await resolved).detail.resolution).to.equal('theirs');
    await b.sync.syncNow();
    const server = (await serverDocs(id)).get(`notes/${id}`)!;
    expect(server.value).to.deep.equal({ id, title: 'theirs', body: 'base', color: 'blue' });
    expect(await b.store.collection('notes').get(id)).to.deep.equal(server.value);
    expect(await b.store.collection('$outbox').count()).to.equal(0);
    await until(() => emptyShown(el), 'the empty state');
  });

  it('merge lets me pick a side per field and puts the merged document', async () => {
    const { id, b } = await conflicted();
    const el = await inbox(b);
    button(el, 'Merge…').click();
    await el.updateComplete;
    const fieldsets = [...el.shadowRoot!.querySelectorAll('fieldset')];
    expect(fieldsets.map((f) => f.querySelector('legend')!.textContent)).to.deep.equal(['title', 'body', 'color']);
    // Suggested: the side that changed a field; theirs where both did.
    const checked = fieldsets.map((f) => [...f.querySelectorAll('input')].findIndex((i) => i.checked));
    expect(checked).to.deep.equal([1, 0, 1]);
    await expectAccessible(el);
    // Keyboard: focus the title's "Theirs" radio and arrow to "Mine".
    fieldsets[0].querySelectorAll('input')[1].focus();
    await sendKeys({ press: 'ArrowUp' });
    await el.updateComplete;
    expect(fieldsets[0].querySelectorAll('input')[0].checked).to.equal(true);
    const resolved = oneEvent(el, 'conflict-resolved');
    button(el, 'Save merge').click();
    expect((await resolved).detail.resolution).to.equal('merge');
    await b.sync.syncNow();
    expect((await serverDocs(id)).get(`notes/${id}`)!.value).to.deep.equal({ id, title: 'mine', body: 'mine body', color: 'blue' });
    expect(await b.store.collection('$conflicts').count()).to.equal(0);
  });

  it('keeps keyboard focus in the inbox (in a dialog, as an app shows it): Merge… moves it into the form, Cancel back to Merge…, resolving the last conflict to the heading', async () => {
    const { b } = await conflicted();
    const dialog = await fixture<OutpostDialog>(html`<outpost-dialog label="Sync conflicts"><outpost-conflict-inbox .sync=${b.sync}></outpost-conflict-inbox></outpost-dialog>`);
    const el = dialog.querySelector('outpost-conflict-inbox')!;
    dialog.show();
    await until(() => el.shadowRoot!.querySelector('[part=conflict]'), 'the stored conflict to be listed');
    button(el, 'Merge…').focus();
    await sendKeys({ press: 'Enter' });
    // The title's radio pre-set to theirs (both sides changed it).
    const titleTheirs = () => el.shadowRoot!.querySelectorAll('fieldset')[0]?.querySelectorAll('input')[1];
    await until(() => titleTheirs() && deepActive() === titleTheirs(), 'focus on the merge form\'s first choice');
    button(el, 'Cancel').focus();
    await sendKeys({ press: 'Enter' });
    await until(() => deepActive() === button(el, 'Merge…'), 'focus back on Merge…');
    const resolved = oneEvent(el, 'conflict-resolved');
    button(el, 'Keep mine').focus();
    await sendKeys({ press: 'Enter' });
    await resolved;
    await until(() => emptyShown(el) && deepActive() === el.shadowRoot!.querySelector('[part=heading]'), 'focus on the heading of the emptied list');
    await expectAccessible(el);
  });
});
