import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { MailLabel } from '../model.js';
import type { ThreadSummary } from '../mail/threads.js';
import { cssColor, shortDate } from './format.js';
import { paperclip } from './icons.js';

/**
 * One row of the thread list. Rows render inside `<outpost-virtual-list>`'s shadow root, where the
 * list's own styles cannot reach, so each row is an element that carries its styles.
 *
 * The check box and star are pointer shortcuts, gmail style: clicking them fires `row-select` or
 * `row-star` (detail: thread id) instead of opening the conversation. They are not buttons: a list
 * option may not hold controls, and keyboard users have x and s for the same.
 */
@customElement('mail-thread-row')
export class MailThreadRow extends LitElement {
  static override styles = css`
    :host { display: block; }
    .row { display: grid; grid-template-columns: 1.2rem 1.2rem minmax(6rem, 12rem) 1fr auto; gap: 0.5rem; align-items: baseline; font-size: 0.9rem; color: #3c4043; }
    .row.unread { font-weight: 700; color: #202124; }
    .star, .check { color: #5f6368; cursor: pointer; }
    .star.on { color: #b06000; }
    .senders, .text { overflow: hidden; white-space: nowrap; text-overflow: ellipsis; }
    .count, .snippet { color: #5f6368; font-weight: 400; }
    .date { font-size: 0.8rem; white-space: nowrap; }
    .chip { display: inline-block; font-size: 0.75rem; font-weight: 500; padding: 0 0.35rem; margin-right: 0.25rem; border-radius: 4px; background: #f1f3f4; color: #202124; border-left: 4px solid var(--chip, #5f6368); }
    .badge { display: inline-block; font-size: 0.75rem; font-weight: 500; padding: 0 0.35rem; border-radius: 4px; background: #fef7e0; color: #7a4100; margin-right: 0.25rem; }
    .clip { color: #5f6368; }
    .icon { vertical-align: -0.125em; }
    .sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
    @media (max-width: 640px) {
      .row { grid-template-columns: 1.2rem 1.2rem 1fr auto; }
      .text { grid-column: 3 / 5; }
    }
  `;

  /** The conversation shown. */
  @property({ attribute: false }) accessor thread: ThreadSummary | undefined;
  /** Its user labels, for the chips. */
  @property({ attribute: false }) accessor chips: MailLabel[] = [];
  /** Whether the row is selected (the list box announces it; this draws the check box). */
  @property({ type: Boolean }) accessor selected = false;
  /** Sync state of its messages: a queued `send`, other unacknowledged changes, or none. */
  @property() accessor pending: 'send' | 'change' | '' = '';

  #fire(type: 'row-select' | 'row-star') {
    return (e: Event) => {
      // Handled here: the list would otherwise open the conversation.
      e.stopPropagation();
      this.dispatchEvent(new CustomEvent(type, { detail: this.thread?.threadId, bubbles: true, composed: true }));
    };
  }

  override render() {
    const t = this.thread;
    if (!t) return nothing;
    return html`<div class="row ${t.unread ? 'unread' : ''}" data-thread=${t.threadId} data-unread=${t.unread} data-starred=${t.starred}>
      <span class="check" aria-hidden="true" title=${this.selected ? 'Deselect' : 'Select'} @click=${this.#fire('row-select')}>${this.selected ? '☑' : '☐'}</span>
      <span class="star ${t.starred ? 'on' : ''}" aria-label=${t.starred ? 'Starred' : 'Not starred'} role="img" title=${t.starred ? 'Unstar' : 'Star'} @click=${this.#fire('row-star')}>${t.starred ? '★' : '☆'}</span>
      <span class="senders">${t.unread ? html`<span class="sr">Unread, </span>` : nothing}${t.senders.join(', ')}${t.messageIds.length > 1 ? html` <span class="count">${t.messageIds.length}</span>` : nothing}</span>
      <span class="text">
        ${this.pending ? html`<span class="badge" title="Not on the server yet">${this.pending === 'send' ? 'Queued' : 'Syncing'}</span>` : nothing}
        ${this.chips.map((l) => html`<span class="chip" style="--chip:${cssColor(l.color)}">${l.name}</span>`)}
        <span class="subject">${t.subject || '(no subject)'}</span>
        <span class="snippet"> — ${t.snippet}</span>
      </span>
      <span class="date">${t.hasAttachment ? html`<span class="clip" role="img" aria-label="Has attachment">${paperclip}</span> ` : nothing}${shortDate(t.date)}</span>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'mail-thread-row': MailThreadRow;
  }
}
