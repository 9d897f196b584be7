import { LitElement, css, html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { MailDraft, MailSession } from '../app/mail-store.js';
import { shortDate } from './format.js';

/** The Drafts mailbox: drafts newest first, live. Fires `open-draft` (detail: the draft). */
@customElement('mail-drafts-list')
export class MailDraftsList extends LitElement {
  static override styles = css`
    :host { display: block; overflow: auto; }
    ul { list-style: none; margin: 0; padding: 0; }
    button { display: grid; grid-template-columns: minmax(6rem, 12rem) 1fr auto; gap: 0.5rem; width: 100%; text-align: left; font: inherit; font-size: 0.9rem; padding: 0.5rem 0.75rem; border: 0; border-bottom: 1px solid #e0e0e0; background: #fff; color: #202124; cursor: pointer; }
    .draft { color: #b3261e; }
    .snippet { color: #5f6368; overflow: hidden; white-space: nowrap; text-overflow: ellipsis; }
    .empty { padding: 2rem; color: #5f6368; }
  `;

  /** The signed-in account. */
  @property({ attribute: false }) accessor session: MailSession | undefined;
  @state() accessor drafts: MailDraft[] | undefined;
  #stop: (() => void) | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    const session = this.session;
    if (!session) return;
    this.#stop = session.store.observe(['drafts'], () => session.store.collection<MailDraft>('drafts').query({ index: 'byUpdated', direction: 'prev' }), (d) => (this.drafts = d));
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#stop?.();
  }

  override render() {
    if (!this.drafts) return html`<p class="empty">Loading…</p>`;
    if (!this.drafts.length) return html`<p class="empty">No drafts.</p>`;
    return html`<ul aria-label="Drafts">${this.drafts.map(
      (d) => html`<li><button @click=${() => this.dispatchEvent(new CustomEvent('open-draft', { detail: d }))}>
        <span><span class="draft">Draft</span> ${d.to || '(no recipients)'}</span>
        <span class="snippet">${d.subject || '(no subject)'} — ${d.text.slice(0, 100)}</span>
        <span>${shortDate(d.updatedAt)}</span>
      </button></li>`,
    )}</ul>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'mail-drafts-list': MailDraftsList;
  }
}
