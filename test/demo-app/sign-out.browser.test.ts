import { expect, fixture, html } from '@open-wc/testing';
import '../../demo-app/ui/mail-shell.js';
import type { MailShell } from '../../demo-app/ui/mail-shell.js';
import { openMailSession } from '../../demo-app/app/mail-store.js';
import { deleteStore } from '../../runtime/store/index.js';

/** Replaces window.confirm for one test: records each question and answers `answer`. */
function answering(answer: boolean): { asked: string[]; restore: () => void } {
  const original = window.confirm;
  const asked: string[] = [];
  window.confirm = (message?: string) => (asked.push(String(message)), answer);
  return { asked, restore: () => (window.confirm = original) };
}

describe('mail shell: signing out', () => {
  let dialog: ReturnType<typeof answering> | undefined;
  afterEach(() => dialog?.restore());

  it('before the store has opened on a cold start, asks first (changes of the last visit may not be sent) and Cancel keeps the account', async () => {
    const shell = await fixture<MailShell>(html`<mail-shell .accounts=${[{ user: 'alice', token: 't' }]} .account=${0}></mail-shell>`);
    const signedOut: string[] = [];
    shell.addEventListener('sign-out', (e) => signedOut.push((e as CustomEvent<string>).detail));
    dialog = answering(false);
    await shell.signOut();
    expect(dialog.asked).to.have.length(1);
    expect(dialog.asked[0]).to.match(/Whether alice has changes .* is not known: its mail on this device is still opening/);
    expect(signedOut).to.deep.equal([]);
    dialog.restore();
    dialog = answering(true);
    await shell.signOut();
    expect(signedOut).to.deep.equal(['alice']);
  });

  it('when the changes not yet sent cannot be counted (the store failing), asks rather than counting none', async () => {
    const user = `signout-${Math.random().toString(36).slice(2)}`;
    // Port 9 (discard) on this machine answers nothing: the session stays offline.
    const session = await openMailSession({ user, server: 'http://127.0.0.1:9', token: () => 't' });
    const shell = await fixture<MailShell>(html`<mail-shell .accounts=${[{ user, token: 't' }]} .account=${0} .session=${session}></mail-shell>`);
    const signedOut: string[] = [];
    shell.addEventListener('sign-out', (e) => signedOut.push((e as CustomEvent<string>).detail));
    // Closed under the shell: the count's transaction fails.
    session.close();
    dialog = answering(false);
    await shell.signOut();
    expect(dialog.asked).to.have.length(1);
    expect(dialog.asked[0]).to.match(new RegExp(`Whether ${user} has changes .* is not known: they could not be counted: `));
    expect(signedOut).to.deep.equal([]);
    shell.remove();
    await deleteStore(session.store.name);
  });
});
