// The demo's sign-in page starts in its first field.
import { expect, fixture, html } from '@open-wc/testing';
import type { MailSignIn } from '../../demo-app/ui/sign-in-page.js';
import '../../demo-app/ui/sign-in-page.js';

describe('demo sign-in page', () => {
  it('opens with the caret in User name when nothing else has focus', async () => {
    (document.activeElement as HTMLElement | null)?.blur();
    const page = await fixture<MailSignIn>(html`<mail-sign-in></mail-sign-in>`);
    // Compared as booleans: chai's message for two elements that differ prints whole DOM trees.
    expect(document.activeElement === page, 'focus inside the page').to.equal(true);
    expect(page.shadowRoot!.activeElement === page.shadowRoot!.querySelector('input[name=user]'), 'focus in User name').to.equal(true);
  });

  it('leaves focus where the person put it', async () => {
    const other = await fixture<HTMLInputElement>(html`<input aria-label="elsewhere" />`);
    other.focus();
    await fixture<MailSignIn>(html`<mail-sign-in></mail-sign-in>`);
    expect(document.activeElement === other, 'focus still in the other field').to.equal(true);
  });
});
