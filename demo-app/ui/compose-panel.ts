import { LitElement, css, html, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { parseRecipients } from '../app/drafts.js';
import { OWN_KEYS_ATTRIBUTE } from '../mail/shortcuts.js';
import type { MailDraft, MailSession } from '../app/mail-store.js';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * The compose panel. Every keystroke updates the draft; the draft is saved to the synced `drafts`
 * collection shortly after typing pauses (`autosaveMs`), on close and when the page goes hidden,
 * so it survives reloads and reaches other devices. Fires `draft-change` (detail: the edited
 * draft) on every edit, for the owner to bind back; `send-draft` (detail: the draft) when the user
 * sends; `close` when done.
 */
@customElement('mail-compose')
export class MailCompose extends LitElement {
  static override styles = css`
    :host { position: fixed; right: 1rem; bottom: 0; z-index: 10; width: min(34rem, calc(100vw - 2rem)); background: #fff; border: 1px solid #dadce0; border-radius: 8px 8px 0 0; box-shadow: 0 4px 16px rgb(0 0 0 / 0.25); }
    header { display: flex; align-items: center; justify-content: space-between; padding: 0.5rem 0.75rem; background: #f2f6fc; border-radius: 8px 8px 0 0; }
    h2 { font-size: 0.95rem; margin: 0; }
    form { display: grid; gap: 0.25rem; padding: 0.5rem 0.75rem 0.75rem; }
    label { display: grid; grid-template-columns: 4.5rem 1fr; align-items: center; font-size: 0.85rem; color: #3c4043; border-bottom: 1px solid #e0e0e0; }
    input, textarea { font: inherit; border: 0; padding: 0.4rem 0; outline-offset: 2px; }
    textarea { min-height: 12rem; resize: vertical; grid-column: 1 / 3; }
    .body { grid-template-columns: 1fr; }
    .row { display: flex; gap: 0.5rem; align-items: center; margin-top: 0.5rem; }
    .send { font: inherit; padding: 0.45rem 1.25rem; border: 0; border-radius: 1rem; background: #0b57d0; color: #fff; cursor: pointer; }
    .plain { font: inherit; background: none; border: 0; color: #3c4043; cursor: pointer; padding: 0.4rem; }
    .saved { margin-left: auto; font-size: 0.8rem; color: #5f6368; }
    .error { color: #b3261e; font-size: 0.85rem; margin: 0; }
    @media (max-width: 640px) { :host { right: 0; width: 100vw; height: 100dvh; border-radius: 0; } }
  `;

  /** The account writing. */
  @property({ attribute: false }) accessor session: MailSession | undefined;
  /** The draft being edited (its id stays the same across saves). */
  @property({ attribute: false }) accessor draft: MailDraft | undefined;

  /** How long typing pauses before the draft is saved, in ms. */
  @property({ type: Number }) accessor autosaveMs = 600;

  @state() accessor #saved: 'saved' | 'saving' | '' = '';
  @state() accessor #error = '';
  @query('input[name=to]') accessor #to: HTMLInputElement | null = null;
  #timer: ReturnType<typeof setTimeout> | undefined;

  // A page going hidden may never run again (closed, or discarded in the background): what was
  // typed since the last save is saved now rather than after the pause.
  #onHidden = () => {
    if (document.visibilityState === 'hidden') void this.flush();
  };

  override connectedCallback(): void {
    super.connectedCallback();
    // Its keys are its own: `e` on the Send button must not archive the conversation behind it.
    this.setAttribute(OWN_KEYS_ATTRIBUTE, '');
    document.addEventListener('visibilitychange', this.#onHidden);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener('visibilitychange', this.#onHidden);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    const was = changed.get('draft') as MailDraft | undefined;
    // Another draft in the panel (Compose pressed again, a reply): what was typed in the last one
    // since its last save is saved now; its autosave would have saved the new draft instead.
    if (was && was.id !== this.draft?.id && this.#saved === 'saving' && this.session) {
      // A failure says so in the panel (the text is not lost from view: it was the last draft's).
      this.#put(this.session, was).catch((err: unknown) => (this.#error = `The draft "${was.subject || 'New message'}" was not saved: ${(err as Error).message}`));
      this.#saved = '';
    }
  }

  override firstUpdated(): void {
    const text = this.renderRoot.querySelector('textarea');
    if (!this.draft?.to || !text) return this.#to?.focus();
    // A reply is written above the quoted message, as in Gmail; setting the value left the caret
    // at its end, under the quote.
    text.focus();
    text.setSelectionRange(0, 0);
    text.scrollTop = 0;
  }

  #edit(field: 'to' | 'cc' | 'subject' | 'text', value: string) {
    if (!this.draft) return;
    this.draft = { ...this.draft, [field]: value, updatedAt: Date.now() };
    // The owner's binding sets `draft` again on each of its renders (Lit sets an object-valued
    // property every time): it must hold this edit, or a render (a navigation, new labels) would
    // put back the draft as it was opened, and the next save would store that.
    this.dispatchEvent(new CustomEvent<MailDraft>('draft-change', { detail: this.draft }));
    this.#saved = 'saving';
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.save(), this.autosaveMs);
  }

  /** Saves the draft now (autosave calls this after a pause in typing). */
  async save(): Promise<void> {
    if (!this.session || !this.draft) return;
    await this.#put(this.session, this.draft);
    this.#saved = 'saved';
  }

  /** Writes `draft` to the synced drafts, ending the autosave wait. */
  #put(session: MailSession, draft: MailDraft) {
    clearTimeout(this.#timer);
    return session.sync.put('drafts', { ...draft });
  }

  /** Saves what was typed since the last save, if anything (into the session it was given). */
  async flush(): Promise<void> {
    if (this.#saved === 'saving') await this.save();
  }

  async #close() {
    await this.flush();
    this.dispatchEvent(new CustomEvent('close'));
  }

  async #discard() {
    clearTimeout(this.#timer);
    if (this.session && this.draft) {
      const existing = await this.session.store.collection('drafts').get(this.draft.id);
      if (existing) await this.session.sync.delete('drafts', this.draft.id);
    }
    this.dispatchEvent(new CustomEvent('close'));
  }

  async #send(e: SubmitEvent) {
    e.preventDefault();
    const draft = this.draft;
    if (!draft) return;
    const to = parseRecipients(draft.to);
    const bad = [...to, ...parseRecipients(draft.cc)].filter((a) => !EMAIL.test(a));
    if (!to.length) return void (this.#error = 'Add at least one recipient in To, e.g. bob@outpost.test.');
    if (bad.length) return void (this.#error = `These are not email addresses: ${bad.join(', ')}. Fix them or remove them.`);
    await this.save();
    this.dispatchEvent(new CustomEvent<MailDraft>('send-draft', { detail: draft }));
  }

  override render() {
    const d = this.draft;
    if (!d) return '';
    return html`<section aria-labelledby="compose-title">
      <header>
        <h2 id="compose-title">${d.subject || 'New message'}</h2>
        <button class="plain" aria-label="Save draft and close" @click=${this.#close}>✕</button>
      </header>
      <form @submit=${this.#send}>
        <label>To <input name="to" .value=${d.to} @input=${(e: InputEvent) => this.#edit('to', (e.target as HTMLInputElement).value)} autocomplete="off" /></label>
        <label>Cc <input name="cc" .value=${d.cc} @input=${(e: InputEvent) => this.#edit('cc', (e.target as HTMLInputElement).value)} autocomplete="off" /></label>
        <label>Subject <input name="subject" .value=${d.subject} @input=${(e: InputEvent) => this.#edit('subject', (e.target as HTMLInputElement).value)} /></label>
        <label class="body"><span class="visually-hidden" hidden>Message</span><textarea name="text" aria-label="Message" .value=${d.text} @input=${(e: InputEvent) => this.#edit('text', (e.target as HTMLTextAreaElement).value)}></textarea></label>
        ${this.#error ? html`<p class="error" role="alert">${this.#error}</p>` : ''}
        <div class="row">
          <button class="send" type="submit">Send</button>
          <button class="plain" type="button" @click=${this.#discard}>Discard</button>
          <span class="saved" aria-live="polite">${this.#saved === 'saved' ? 'Draft saved' : this.#saved === 'saving' ? 'Saving…' : ''}</span>
        </div>
      </form>
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'mail-compose': MailCompose;
  }
}
