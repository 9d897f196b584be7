import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../components/update-prompt.js';
import type { OutpostUpdatePrompt, UpdateSource } from '../../components/update-prompt.js';
import { expectAccessible, focusedName } from './helpers.js';

/** A service-worker client stand-in: the component only needs this structural shape. */
class FakeUpdates extends EventTarget implements UpdateSource {
  updateAvailable = false;
  applied = 0;
  failWith: Error | undefined;
  async applyUpdate(): Promise<void> {
    this.applied++;
    if (this.failWith) throw this.failWith;
  }
  arrive(): void {
    this.updateAvailable = true;
    this.dispatchEvent(new Event('update-available'));
  }
}

const banner = (el: OutpostUpdatePrompt) => el.shadowRoot!.querySelector('[part=banner]');
const button = (el: OutpostUpdatePrompt, part: string) => el.shadowRoot!.querySelector<HTMLButtonElement>(`[part=${part}]`)!;

describe('<outpost-update-prompt>', () => {
  it('shows nothing until an update waits, then a banner whose Reload applies it', async () => {
    const sw = new FakeUpdates();
    const el = await fixture<OutpostUpdatePrompt>(html`<outpost-update-prompt .sw=${sw}></outpost-update-prompt>`);
    expect(banner(el)).to.equal(null);
    sw.arrive();
    await el.updateComplete;
    expect(banner(el)!.textContent).to.contain('A new version of this app is available.');
    expect(el.shadowRoot!.querySelector('[role=status]')!.contains(banner(el))).to.equal(true);
    await expectAccessible(el);
    button(el, 'reload-button').focus();
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    expect(sw.applied).to.equal(1);
  });

  it('shows the banner at once when the update was already waiting', async () => {
    const sw = new FakeUpdates();
    sw.updateAvailable = true;
    const el = await fixture<OutpostUpdatePrompt>(html`<outpost-update-prompt .sw=${sw}></outpost-update-prompt>`);
    expect(banner(el)).to.not.equal(null);
  });

  it('Later hides it and fires update-dismissed; a failed update shows an actionable error', async () => {
    const sw = new FakeUpdates();
    sw.failWith = new Error('no waiting worker');
    sw.updateAvailable = true;
    const el = await fixture<OutpostUpdatePrompt>(html`<outpost-update-prompt .sw=${sw}></outpost-update-prompt>`);
    button(el, 'reload-button').click();
    await sw.applyUpdate().catch(() => undefined);
    await el.updateComplete;
    await el.updateComplete;
    const error = el.shadowRoot!.querySelector('[part=error]')!;
    expect(error.textContent).to.contain('no waiting worker');
    expect(error.textContent).to.contain('try again');
    await expectAccessible(el);

    const dismissed = oneEvent(el, 'update-dismissed');
    button(el, 'dismiss-button').click();
    await dismissed;
    await el.updateComplete;
    expect(banner(el)).to.equal(null);
  });

  it('Later from the keyboard gives focus back to where it was before the banner, not to the page start', async () => {
    const sw = new FakeUpdates();
    const root = await fixture<HTMLDivElement>(html`<div><button id="compose">Compose</button><outpost-update-prompt .sw=${sw}></outpost-update-prompt></div>`);
    const el = root.querySelector('outpost-update-prompt')!;
    root.querySelector<HTMLButtonElement>('#compose')!.focus();
    sw.arrive();
    await el.updateComplete;
    button(el, 'dismiss-button').focus();
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    expect(banner(el)).to.equal(null);
    expect(focusedName()).to.equal('button#compose');
  });

  it('Later holds when the prompt is moved in the page; the next update shows it again', async () => {
    const sw = new FakeUpdates();
    sw.updateAvailable = true;
    const root = await fixture<HTMLDivElement>(html`<div><outpost-update-prompt .sw=${sw}></outpost-update-prompt><section></section></div>`);
    const el = root.querySelector('outpost-update-prompt')!;
    button(el, 'dismiss-button').click();
    await el.updateComplete;
    expect(!!banner(el)).to.equal(false);
    // A layout that re-parents it disconnects and connects it again.
    root.querySelector('section')!.append(el);
    await el.updateComplete;
    expect(!!banner(el), 'the update the person put off').to.equal(false);
    sw.arrive();
    await el.updateComplete;
    expect(!!banner(el)).to.equal(true);
  });

  it('Later, then out of the page while a newer update arrives: put back, it shows that update', async () => {
    const sw = new FakeUpdates();
    sw.updateAvailable = true;
    const root = await fixture<HTMLDivElement>(html`<div><outpost-update-prompt .sw=${sw}></outpost-update-prompt></div>`);
    const el = root.querySelector('outpost-update-prompt')!;
    button(el, 'dismiss-button').click();
    await el.updateComplete;
    // Out of the page (a view that does not show it) while the next version is deployed.
    el.remove();
    sw.arrive();
    root.append(el);
    await el.updateComplete;
    expect(!!banner(el), 'the newer update').to.equal(true);
  });
});
