// The mail shell acting for one account while another is shown: an action belongs to the account
// whose rows it was taken on, whichever session the shell holds when it runs or ends.
import { expect, fixture, html } from '@open-wc/testing';
import '../../demo-app/ui/mail-shell.js';
import type { MailShell } from '../../demo-app/ui/mail-shell.js';
import { openMailSession, type MailSession } from '../../demo-app/app/mail-store.js';
import { ACTIONS } from '../../demo-app/app/actions.js';
import type { MailMessage } from '../../demo-app/model.js';
import { deleteStore } from '../../runtime/store/index.js';

const message = (id: string): MailMessage => ({ id, threadId: `t-${id}`, from: { name: 'Ada', email: 'ada@example.com' }, to: [], cc: [], subject: 'Hello', snippet: 'Hi', text: 'Hi', date: 1_700_000_000_000, labels: ['INBOX'], attachments: [] });

describe('mail shell: an action and an account switch', () => {
  const sessions: MailSession[] = [];
  // Port 9 (discard) answers nothing here: the sessions stay offline, their changes queued.
  const open = async (user: string) => {
    const session = await openMailSession({ user, server: 'http://127.0.0.1:9', token: () => 't' });
    sessions.push(session);
    return session;
  };
  afterEach(async () => {
    for (const s of sessions.splice(0)) {
      s.close();
      await deleteStore(s.store.name);
    }
  });

  it("an action on the last visit's rows, taken before the store opens, runs in that account's store when it opens, not in another account opened first", async () => {
    const tag = Math.random().toString(36).slice(2);
    const [alice, bob] = [await open(`alice-${tag}`), await open(`bob-${tag}`)];
    const m = message(`m-${tag}`);
    await alice.store.collection<MailMessage>('messages').put(m);
    const shell = await fixture<MailShell>(html`<mail-shell .accounts=${[{ user: alice.user, token: 't' }, { user: bob.user, token: 't' }]} .account=${0}></mail-shell>`);
    // Cold start: alice's rows painted from the snapshot, her store not open yet.
    const archived = shell.act(ACTIONS.archive, false, [m.threadId], [m]);
    // The person switches to bob, whose store opens first, then back to alice.
    shell.account = 1;
    shell.session = bob;
    await shell.updateComplete;
    shell.account = 0;
    shell.session = alice;
    await archived;
    expect(await bob.store.collection('messages').get(m.id), "alice's archive written into bob's store").to.equal(undefined);
    expect((await alice.store.collection<MailMessage>('messages').get(m.id))?.labels).to.deep.equal([]);
  });

  it("an action ending after a switch to another account offers no Undo in that account's toast (it would undo that account's last action)", async () => {
    const tag = Math.random().toString(36).slice(2);
    const [alice, bob] = [await open(`alice-${tag}`), await open(`bob-${tag}`)];
    const m = message(`m-${tag}`);
    await alice.store.collection<MailMessage>('messages').put(m);
    const shell = await fixture<MailShell>(html`<mail-shell .accounts=${[{ user: alice.user, token: 't' }, { user: bob.user, token: 't' }]} .account=${0} .session=${alice}></mail-shell>`);
    const archived = shell.act(ACTIONS.archive, false, [m.threadId], [m]);
    // Switched before the archive's write is in.
    shell.account = 1;
    shell.session = bob;
    await archived;
    await shell.toasts.updateComplete;
    const toast = shell.toasts.shadowRoot!;
    expect(toast.querySelector('[part~="message"]')?.textContent).to.contain(alice.user);
    expect(toast.querySelector('[part~="action-button"]'), 'an Undo button').to.equal(null);
  });

  it("an action waiting for an account's store ends, writing nothing, when that account signs out before it opens", async () => {
    const tag = Math.random().toString(36).slice(2);
    const bob = await open(`bob-${tag}`);
    const alice = `alice-${tag}`;
    const m = message(`m-${tag}`);
    const shell = await fixture<MailShell>(html`<mail-shell .accounts=${[{ user: alice, token: 't' }, { user: bob.user, token: 't' }]} .account=${0}></mail-shell>`);
    // Cold start: alice's rows painted from the snapshot, her store not open; she signs out.
    const archived = shell.act(ACTIONS.archive, false, [m.threadId], [m]);
    shell.accounts = [{ user: bob.user, token: 't' }];
    shell.account = 0;
    shell.session = bob;
    await archived;
    await shell.toasts.updateComplete;
    expect(shell.toasts.shadowRoot!.querySelector('[part~="message"]')?.textContent).to.match(new RegExp(`${alice}: the action was not done: ${alice} signed out`));
    expect(await bob.store.collection<MailMessage>('messages').get(m.id)).to.equal(undefined);
  });
});
