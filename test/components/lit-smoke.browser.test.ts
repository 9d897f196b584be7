import { expect, fixture, html } from '@open-wc/testing';
import '../../demo-app/welcome.js';
import type { DemoWelcome } from '../../demo-app/welcome.js';

describe('Lit components in the browser', () => {
  it('renders its property and re-renders when the property changes', async () => {
    const el = await fixture<DemoWelcome>(html`<demo-welcome name="Inbox zero"></demo-welcome>`);
    expect(el.shadowRoot!.querySelector('h1')!.textContent).to.equal('Inbox zero');
    el.name = 'Outbox';
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('h1')!.textContent).to.equal('Outbox');
  });

  it('reacts to a click through its own state', async () => {
    const el = await fixture<DemoWelcome>(html`<demo-welcome></demo-welcome>`);
    const button = el.shadowRoot!.querySelector('button')!;
    button.click();
    button.click();
    await el.updateComplete;
    expect(el.clicks).to.equal(2);
    expect(button.textContent).to.contain('Clicked 2 times');
  });
});
