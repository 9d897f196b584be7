// The demo marks a conversation with attachments, in the list and in the message, with a drawn
// paperclip: the 📎 emoji showed as an empty box on machines without a colour emoji font.
import { expect, fixture, html } from '@open-wc/testing';
import type { ThreadSummary } from '../../demo-app/mail/threads.js';
import type { MailMessage } from '../../demo-app/model.js';
import type { MailThreadRow } from '../../demo-app/ui/thread-row.js';
import type { MailMessageBody } from '../../demo-app/ui/message-body.js';
import '../../demo-app/ui/thread-row.js';
import '../../demo-app/ui/message-body.js';

const thread = (hasAttachment: boolean): ThreadSummary => ({ threadId: 't1', subject: 'Invoice', senders: ['Ada'], snippet: 'Attached.', date: 1_700_000_000_000, unread: false, starred: false, hasAttachment, labels: ['INBOX'], messageIds: ['m1'] });

/** The smaller side of an element as drawn, in CSS pixels (0 when absent). */
const drawn = (el: Element | null | undefined) => {
  const box = el?.getBoundingClientRect();
  return box ? Math.min(box.width, box.height) : 0;
};

describe('demo attachment mark', () => {
  it('a thread row with an attachment shows a drawn paperclip named "Has attachment"; one without shows none', async () => {
    const row = await fixture<MailThreadRow>(html`<mail-thread-row .thread=${thread(true)}></mail-thread-row>`);
    const mark = row.shadowRoot!.querySelector('[role="img"][aria-label="Has attachment"]');
    expect(mark, 'the labelled mark').to.not.equal(null);
    expect(drawn(mark!.querySelector('svg')), 'the paperclip drawn as SVG, at the size of the text').to.be.greaterThan(8);
    expect(mark!.textContent!.trim(), 'no glyph a font may lack').to.equal('');

    const plain = await fixture<MailThreadRow>(html`<mail-thread-row .thread=${thread(false)}></mail-thread-row>`);
    expect(plain.shadowRoot!.querySelector('[aria-label="Has attachment"]')).to.equal(null);
  });

  it('each attachment of a message is listed with a drawn paperclip beside its name and size', async () => {
    const from = { name: 'Ada', email: 'ada@example.com' };
    const message: MailMessage = { id: 'm1', threadId: 't1', from, to: [from], cc: [], subject: 'Invoice', snippet: 'Attached.', text: 'Attached.', date: 1_700_000_000_000, labels: ['INBOX'], attachments: [{ name: 'invoice.pdf', size: 2048, mime: 'application/pdf' }] };
    const body = await fixture<MailMessageBody>(html`<mail-message-body .message=${message}></mail-message-body>`);
    const item = body.shadowRoot!.querySelector('[aria-label="Attachments"] li');
    expect(item?.textContent?.trim()).to.equal('invoice.pdf (2 KB)');
    expect(drawn(item!.querySelector('svg')), 'the paperclip drawn as SVG').to.be.greaterThan(8);
  });
});

describe('demo label colours', () => {
  it("a synced label's colour that is not a colour (more CSS declarations) is left out of the chip's style, so nothing it names loads", async () => {
    const chips = [
      { id: 'l1', name: 'Evil', color: 'red;background-image:url(https://tracker.example.com/x.gif)' },
      { id: 'l2', name: 'Work', color: '#1a73e8' },
    ];
    const row = await fixture<MailThreadRow>(html`<mail-thread-row .thread=${thread(false)} .chips=${chips}></mail-thread-row>`);
    const [evil, work] = row.shadowRoot!.querySelectorAll<HTMLElement>('.chip');
    expect(evil.style.backgroundImage).to.equal('');
    expect(evil.getAttribute('style')).to.not.contain('url(');
    expect(work.style.getPropertyValue('--chip').trim()).to.equal('#1a73e8');
  });
});
