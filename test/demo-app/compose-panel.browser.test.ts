// The demo's compose panel: where a reply starts.
import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { draftFor } from '../../demo-app/app/drafts.js';
import type { MailMessage } from '../../demo-app/model.js';
import type { MailCompose } from '../../demo-app/ui/compose-panel.js';
import type { MailDraft } from '../../demo-app/app/mail-store.js';
import { deleteStore, openStore } from '../../runtime/store/index.js';
import { createSync, syncCollections } from '../../runtime/sync/index.js';
import { stubUrl } from '../../testing/commands.js';
import { mailCollections, MAIL_STORE_VERSION, syncedMailCollections } from '../../demo-app/app/mail-schema.js';
import { waitFor } from '../runtime/sync/helpers.js';
import { until } from '../components/helpers.js';
import '../../demo-app/ui/compose-panel.js';

const from = { name: 'Ada', email: 'ada@example.com' };
const message: MailMessage = { id: 'm1', threadId: 't1', from, to: [{ name: 'Me', email: 'me@example.com' }], cc: [], subject: 'Plans', snippet: 'Shall we?', text: 'Shall we meet?\nTuesday works.', date: 1_700_000_000_000, labels: ['INBOX'], attachments: [] };

describe('demo compose panel', () => {
  it('a reply opens with the caret above the quoted message: what is typed comes first', async () => {
    const compose = await fixture<MailCompose>(html`<mail-compose .draft=${draftFor('reply', 'me@example.com', message)}></mail-compose>`);
    const text = compose.shadowRoot!.querySelector('textarea')!;
    expect(compose.shadowRoot!.activeElement === text, 'focus in the message').to.equal(true);
    await sendKeys({ type: 'Tuesday it is.' });
    expect(text.value.startsWith('Tuesday it is.\n\nOn '), text.value).to.equal(true);
    expect(text.value.endsWith('> Shall we meet?\n> Tuesday works.'), 'the quote kept whole below').to.equal(true);
    expect(compose.draft!.text).to.equal(text.value);
  });

  it('a new message opens with the caret in To', async () => {
    const compose = await fixture<MailCompose>(html`<mail-compose .draft=${draftFor('new', 'me@example.com')}></mail-compose>`);
    expect(compose.shadowRoot!.activeElement === compose.shadowRoot!.querySelector('input[name=to]'), 'focus in To').to.equal(true);
  });

  it('another draft put in the panel before the last one was saved saves what was typed in the last one', async () => {
    const name = `compose-${Math.random().toString(36).slice(2)}`;
    const store = await openStore({ name, version: MAIL_STORE_VERSION, collections: { ...mailCollections, ...syncCollections } });
    // No token: the engine keeps its writes local, which is all a draft save needs here.
    const sync = await createSync({ store, url: await stubUrl(), auth: () => undefined, collections: syncedMailCollections, events: false });
    try {
      const first = draftFor('new', 'me@example.com');
      const compose = await fixture<MailCompose>(html`<mail-compose .session=${{ user: 'me', store, sync, close: () => undefined }} .draft=${first} autosaveMs="600000"></mail-compose>`);
      await sendKeys({ type: 'bob@example.com' });
      // Compose pressed again at once: a new draft in the same panel, the first one's autosave not due.
      compose.draft = draftFor('new', 'me@example.com');
      await compose.updateComplete;
      let saved: MailDraft | undefined;
      await waitFor(async () => !!(saved = await store.collection<MailDraft>('drafts').get(first.id)), 'the first draft saved');
      expect(saved!.to).to.equal('bob@example.com');
    } finally {
      sync.close();
      store.close();
      await deleteStore(name);
    }
  });

  it('a failed save of the last draft, when another is put in the panel, says so in the panel', async () => {
    const name = `compose-${Math.random().toString(36).slice(2)}`;
    const store = await openStore({ name, version: MAIL_STORE_VERSION, collections: { ...mailCollections, ...syncCollections } });
    const sync = await createSync({ store, url: await stubUrl(), auth: () => undefined, collections: syncedMailCollections, events: false });
    try {
      const compose = await fixture<MailCompose>(html`<mail-compose .session=${{ user: 'me', store, sync, close: () => undefined }} .draft=${{ ...draftFor('new', 'me@example.com'), subject: 'Lunch' }} autosaveMs="600000"></mail-compose>`);
      await sendKeys({ type: 'bob@example.com' });
      // The store closed (the account signing out): the save is refused.
      sync.close();
      store.close();
      compose.draft = draftFor('new', 'me@example.com');
      await until(() => compose.shadowRoot!.querySelector('.error'), 'the error in the panel');
      expect(compose.shadowRoot!.querySelector('.error')!.textContent).to.contain('The draft "Lunch" was not saved');
    } finally {
      sync.close();
      store.close();
      await deleteStore(name);
    }
  });
});
