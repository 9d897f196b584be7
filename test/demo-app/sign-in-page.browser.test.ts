// The demo's sign-in page starts in its first field.
import { expect, fixture, html } from '@open-wc/testing';
import type { MailSignIn } from '../../demo-app/ui/sign-in-page.js';
import '../../demo-app/ui/sign-in-page.js';

describe('demo sign-in page', () => {
  it('opens with the caret in User name when nothing else has focus', async () => {
    (document.activeElement as HTMLElement | null)?.blur();
    const page = await fixture<MailSignIn>(html`<mail-sign-in></mail-sign-in>`);
    expect(document.activeElement, 'focus inside the page').to.equal(page);
    expect(page.shadowRoot!.activeElement).to.equal(page.shadowRoot!.querySelector('input[name=user]'));
  });

  it('leaves focus where the person put it', async () => {
    const other = await fixture<HTMLInputElement>(html`<input aria-label="elsewhere" />`);
    other.focus();
    await fixture<MailSignIn>(html`<mail-sign-in></mail-sign-in>`);
    expect(document.activeElement).to.equal(other);
  });
});
