import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../components/install-button.js';
import type { InstallOutcome, InstallSource, OutpostInstallButton } from '../../components/install-button.js';
import { expectAccessible } from './helpers.js';

/** A stand-in for the app's install source (real install prompts need a user gesture and a manifest). */
class FakeInstall extends EventTarget implements InstallSource {
  installable = false;
  prompts = 0;
  constructor(private readonly answer: InstallOutcome) {
    super();
  }
  set(installable: boolean): void {
    this.installable = installable;
    this.dispatchEvent(new Event('change'));
  }
  async prompt(): Promise<InstallOutcome> {
    this.prompts++;
    if (this.answer === 'accepted') this.set(false);
    return this.answer;
  }
}

describe('<outpost-install-button>', () => {
  it('is hidden until installable and hides again after an accepted install', async () => {
    const install = new FakeInstall('accepted');
    const el = await fixture<OutpostInstallButton>(html`<outpost-install-button .install=${install}></outpost-install-button>`);
    expect(el.hidden).to.equal(true);
    expect(getComputedStyle(el).display).to.equal('none');
    install.set(true);
    expect(el.hidden).to.equal(false);
    await expectAccessible(el);
    const button = el.shadowRoot!.querySelector('button')!;
    button.focus();
    const result = oneEvent(el, 'install-result');
    await sendKeys({ press: 'Enter' });
    expect((await result).detail).to.deep.equal({ outcome: 'accepted' });
    expect(install.prompts).to.equal(1);
    expect(el.hidden).to.equal(true);
  });

  it('stays available after a dismissed prompt and takes its label from the slot', async () => {
    const install = new FakeInstall('dismissed');
    install.installable = true;
    const el = await fixture<OutpostInstallButton>(html`<outpost-install-button .install=${install}>Install Outpost Mail</outpost-install-button>`);
    expect(el.hidden).to.equal(false);
    const button = el.shadowRoot!.querySelector('button')!;
    expect(button.querySelector('slot')!.assignedNodes()[0].textContent).to.equal('Install Outpost Mail');
    const result = oneEvent(el, 'install-result');
    button.click();
    expect((await result).detail).to.deep.equal({ outcome: 'dismissed' });
    expect(el.hidden).to.equal(false);
    await expectAccessible(el);
  });

  it('is hidden without an install source', async () => {
    const el = await fixture<OutpostInstallButton>(html`<outpost-install-button></outpost-install-button>`);
    expect(el.hidden).to.equal(true);
  });
});
