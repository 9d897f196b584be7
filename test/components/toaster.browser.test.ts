import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../components/toaster.js';
import type { OutpostToaster } from '../../components/toaster.js';
import { deepActive, expectAccessible, focusedName, until } from './helpers.js';

const text = (el: OutpostToaster) => el.shadowRoot!.querySelector('[part=message]')?.textContent ?? null;

describe('<outpost-toaster>', () => {
  it('shows toasts one at a time from a queue in a polite status region', async () => {
    const el = await fixture<OutpostToaster>(html`<outpost-toaster></outpost-toaster>`);
    const region = el.shadowRoot!.querySelector('[part=region]')!;
    expect(region.getAttribute('role')).to.equal('status');
    const first = el.show({ message: 'Archived', timeoutMs: 0 });
    const second = el.show({ message: 'Moved to Spam', timeoutMs: 20 });
    await el.updateComplete;
    expect(text(el)).to.equal('Archived');
    expect(el.queued).to.equal(1);
    await expectAccessible(el);

    first.dismiss();
    expect(await first.closed).to.equal('dismissed');
    await el.updateComplete;
    expect(text(el)).to.equal('Moved to Spam');
    expect(await second.closed).to.equal('timeout');
    await el.updateComplete;
    expect(text(el)).to.equal(null);
  });

  it('replace shows a toast at once in place of the one on screen, even one focus holds; queued toasts still follow', async () => {
    const el = await fixture<OutpostToaster>(html`<outpost-toaster></outpost-toaster>`);
    const first = el.show({ message: 'Archived', action: { label: 'Undo', run: () => undefined }, timeoutMs: 0 });
    const queued = el.show({ message: 'Message sent', timeoutMs: 0 });
    await el.updateComplete;
    el.shadowRoot!.querySelector<HTMLButtonElement>('[part=action-button]')!.focus();
    const closes: string[] = [];
    el.addEventListener('toast-close', (e) => closes.push(`${(e as CustomEvent<{ id: number; reason: string }>).detail.id}:${(e as CustomEvent<{ id: number; reason: string }>).detail.reason}`));
    const second = el.show({ message: 'Moved to Spam', timeoutMs: 0, replace: true });
    expect(await first.closed).to.equal('replaced');
    expect(closes).to.deep.equal([`${first.id}:replaced`]);
    await el.updateComplete;
    expect(text(el)).to.equal('Moved to Spam');
    expect(el.queued).to.equal(1);
    second.dismiss();
    await el.updateComplete;
    expect(text(el)).to.equal('Message sent');
    queued.dismiss();
    // With nothing on screen, replace simply shows it.
    el.show({ message: 'Alone', timeoutMs: 0, replace: true });
    await el.updateComplete;
    expect(text(el)).to.equal('Alone');
    expect(el.queued).to.equal(0);
  });

  it('runs the action (Undo) from the keyboard and closes the toast', async () => {
    const el = await fixture<OutpostToaster>(html`<outpost-toaster></outpost-toaster>`);
    let undone = 0;
    const toast = el.show({ message: 'Deleted 3 notes', action: { label: 'Undo', run: () => undone++ }, timeoutMs: 0 });
    await el.updateComplete;
    const action = el.shadowRoot!.querySelector<HTMLButtonElement>('[part=action-button]')!;
    expect(action.textContent).to.equal('Undo');
    const closeEvent = oneEvent(el, 'toast-close');
    action.focus();
    await sendKeys({ press: 'Enter' });
    expect(await toast.closed).to.equal('action');
    expect((await closeEvent).detail).to.deep.equal({ id: toast.id, reason: 'action' });
    expect(undone).to.equal(1);
  });

  it('keeps a toast while focus is on it, and Escape dismisses it', async () => {
    const el = await fixture<OutpostToaster>(html`<outpost-toaster></outpost-toaster>`);
    const toast = el.show({ message: 'Sent', action: { label: 'Undo', run: () => undefined }, timeoutMs: 30 });
    await el.updateComplete;
    el.shadowRoot!.querySelector<HTMLButtonElement>('[part=action-button]')!.focus();
    let settled: string | undefined;
    void toast.closed.then((r) => (settled = r));
    // Well past its timeout: it must still be shown because focus holds it.
    await new Promise((r) => setTimeout(r, 150));
    expect(settled).to.equal(undefined);
    expect(text(el)).to.equal('Sent');
    const dismiss = el.shadowRoot!.querySelector<HTMLButtonElement>('[part=dismiss-button]')!;
    expect(dismiss.getAttribute('aria-label')).to.equal('Dismiss');
    expect(deepActive()?.getAttribute('part')).to.equal('action-button');
    await sendKeys({ press: 'Escape' });
    expect(await toast.closed).to.equal('dismissed');
  });

  it('a toast shown where focus still is (the last one dismissed from the keyboard) is held by it too', async () => {
    const el = await fixture<OutpostToaster>(html`<outpost-toaster></outpost-toaster>`);
    const first = el.show({ message: 'Archived', action: { label: 'Undo', run: () => undefined }, timeoutMs: 0 });
    const second = el.show({ message: 'Moved to Spam', action: { label: 'Undo', run: () => undefined }, timeoutMs: 30 });
    await el.updateComplete;
    el.shadowRoot!.querySelector<HTMLButtonElement>('[part=action-button]')!.focus();
    await sendKeys({ press: 'Escape' });
    expect(await first.closed).to.equal('dismissed');
    await el.updateComplete;
    expect(text(el)).to.equal('Moved to Spam');
    // Focus stayed on the Undo button, now the second toast's.
    expect(deepActive()?.getAttribute('part')).to.equal('action-button');
    let settled: string | undefined;
    void second.closed.then((r) => (settled = r));
    // Well past its timeout: focus holds it.
    await new Promise((r) => setTimeout(r, 150));
    expect(settled).to.equal(undefined);
    await sendKeys({ press: 'Escape' });
    expect(await second.closed).to.equal('dismissed');
  });

  it('focus goes back to where it came from when the toast it moved to goes (Escape, ×, the action), not to the page start', async () => {
    const root = await fixture<HTMLDivElement>(html`<div><button id="archive">Archive</button><outpost-toaster></outpost-toaster></div>`);
    const el = root.querySelector('outpost-toaster')!;
    const archive = root.querySelector<HTMLButtonElement>('#archive')!;
    for (const [part, close] of [['action-button', () => sendKeys({ press: 'Enter' })], ['dismiss-button', () => sendKeys({ press: 'Enter' })], ['action-button', () => sendKeys({ press: 'Escape' })]] as const) {
      archive.focus();
      const toast = el.show({ message: 'Archived', action: { label: 'Undo', run: () => undefined }, timeoutMs: 0 });
      await el.updateComplete;
      el.shadowRoot!.querySelector<HTMLButtonElement>(`[part=${part}]`)!.focus();
      await close();
      await toast.closed;
      await el.updateComplete;
      expect(focusedName(), `closed from its ${part}`).to.equal('button#archive');
    }
    // Two toasts, the second drawn under the focus the first had: focus goes back after the second.
    archive.focus();
    const [first, second] = [el.show({ message: 'Archived', timeoutMs: 0 }), el.show({ message: 'Moved', timeoutMs: 0 })];
    await el.updateComplete;
    el.shadowRoot!.querySelector<HTMLButtonElement>('[part=dismiss-button]')!.focus();
    await sendKeys({ press: 'Escape' });
    await first.closed;
    await el.updateComplete;
    expect(text(el)).to.equal('Moved');
    await sendKeys({ press: 'Escape' });
    await second.closed;
    await el.updateComplete;
    expect(focusedName(), 'after the toast drawn under the focus').to.equal('button#archive');
    // Moved into the toast from nowhere (nothing had focus), it is left where the page puts it.
    (document.activeElement as HTMLElement | null)?.blur();
    const toast = el.show({ message: 'Sent', timeoutMs: 0 });
    await el.updateComplete;
    el.shadowRoot!.querySelector<HTMLButtonElement>('[part=dismiss-button]')!.focus();
    await sendKeys({ press: 'Escape' });
    await toast.closed;
    expect(focusedName()).to.not.equal('button#archive');
  });

  it('counts a toast down again once the toaster is moved in the page (disconnected, then put back)', async () => {
    const root = await fixture<HTMLDivElement>(html`<div><outpost-toaster></outpost-toaster><section></section></div>`);
    const el = root.querySelector('outpost-toaster')!;
    const toast = el.show({ message: 'Archived', timeoutMs: 50 });
    await el.updateComplete;
    let settled: string | undefined;
    void toast.closed.then((r) => (settled = r));
    root.querySelector('section')!.append(el);
    await until(() => settled, 'the moved toast to time out');
    expect(settled).to.equal('timeout');
    // Not shown in the page, a toast does not count down; it starts once the toaster is put in.
    const detached = document.createElement('outpost-toaster');
    const later = detached.show({ message: 'Sent', timeoutMs: 20 });
    let laterSettled: string | undefined;
    void later.closed.then((r) => (laterSettled = r));
    await new Promise((r) => setTimeout(r, 100));
    expect(laterSettled).to.equal(undefined);
    root.append(detached);
    await until(() => laterSettled, 'the toast to time out once shown');
    detached.remove();
  });
});
