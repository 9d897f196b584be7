import { LitElement, css, html, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { MailMessage } from '../model.js';
import { EMAIL_SANDBOX, isolatedEmailDocument, sanitizeEmailHtml } from '../mail/html-body.js';
import { linkify } from '../mail/linkify.js';
import { paperclip } from './icons.js';

/**
 * One message's body. HTML is sanitised and shown in a sandboxed iframe (no scripts, no
 * same-origin access, remote images held back until "Show images"); plain text is escaped by the
 * template and only http(s) URLs become links, opening in a new tab.
 */
@customElement('mail-message-body')
export class MailMessageBody extends LitElement {
  static override styles = css`
    :host { display: block; }
    .text { white-space: pre-wrap; overflow-wrap: anywhere; margin: 0; font: inherit; line-height: 1.5; }
    iframe { width: 100%; height: 22rem; border: 0; resize: vertical; display: block; background: #fff; }
    .images { display: flex; gap: 0.5rem; align-items: center; font-size: 0.85rem; color: #5f6368; margin-bottom: 0.5rem; }
    button { font: inherit; color: #0b57d0; background: none; border: 0; cursor: pointer; padding: 0; text-decoration: underline; }
    a { color: #0b57d0; }
    .attachments { display: flex; flex-wrap: wrap; gap: 0.5rem; margin: 0.75rem 0 0; padding: 0; list-style: none; }
    .attachment { border: 1px solid #dadce0; border-radius: 4px; padding: 0.25rem 0.5rem; font-size: 0.85rem; }
    .icon { vertical-align: -0.125em; color: #5f6368; }
  `;

  /** The message to show. */
  @property({ attribute: false }) accessor message: MailMessage | undefined;

  @state() accessor #showImages = false;

  protected override willUpdate(changed: PropertyValues<this>): void {
    // "Show images" is consent for one message: Lit reuses this element for another one (the
    // conversation's messages render by position, so one arriving earlier in it shifts them),
    // whose remote images, trackers included, must wait for their own click.
    if (changed.has('message') && (changed.get('message') as MailMessage | undefined)?.id !== this.message?.id) this.#showImages = false;
  }

  override render() {
    const m = this.message;
    if (!m) return '';
    const attachments = m.attachments.length
      ? html`<ul class="attachments" aria-label="Attachments">${m.attachments.map((a) => html`<li class="attachment">${paperclip} ${a.name} (${Math.ceil(a.size / 1024)} KB)</li>`)}</ul>`
      : '';
    if (m.html) {
      const safe = sanitizeEmailHtml(m.html, { showImages: this.#showImages });
      return html`${safe.blockedImages
          ? html`<div class="images">${safe.blockedImages} remote image(s) blocked. <button @click=${() => (this.#showImages = true)}>Show images</button></div>`
          : ''}
        <iframe title=${`Message: ${m.subject}`} sandbox=${EMAIL_SANDBOX} referrerpolicy="no-referrer" .srcdoc=${isolatedEmailDocument(safe.html, { showImages: this.#showImages })}></iframe>
        ${attachments}`;
    }
    return html`<p class="text">${linkify(m.text).map((part) => ('href' in part ? html`<a href=${part.href} target="_blank" rel="noopener noreferrer">${part.text}</a>` : part.text))}</p>${attachments}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'mail-message-body': MailMessageBody;
  }
}
