// The demo's compose panel: where a reply starts.
import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { draftFor } from '../../demo-app/app/drafts.js';
import type { MailMessage } from '../../demo-app/model.js';
import type { MailCompose } from '../../demo-app/ui/compose-panel.js';
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
});
