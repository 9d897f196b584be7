import { LitElement, css, html, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { MailLabel, MailMessage } from '../model.js';
import type { MailSession, StoredMessage } from '../app/mail-store.js';
import { relabel } from '../app/actions.js';
import { cssColor, longDate } from './format.js';
import './message-body.js';

/** What "reply", "reply all" and "forward" ask the compose panel for. */
export interface ComposeRequest {
  kind: 'new' | 'reply' | 'reply-all' | 'forward';
  message?: MailMessage;
}

/**
 * One conversation, oldest message first, read live from the store. The newest and the unread
 * messages start expanded; a header click toggles one. Opening the thread marks it read.
 * Fires `compose` (detail: {@link ComposeRequest}) for reply / reply all / forward.
 */
@customElement('mail-thread-view')
export class MailThreadView extends LitElement {
  static override styles = css`
    :host { display: block; overflow: auto; padding: 0 1rem 2rem; }
    h1 { font-size: 1.3rem; font-weight: 400; margin: 1rem 0; display: flex; gap: 0.5rem; align-items: baseline; flex-wrap: wrap; }
    .chip { font-size: 0.75rem; padding: 0 0.35rem; border-radius: 4px; background: #f1f3f4; color: #202124; border-left: 4px solid var(--chip, #5f6368); }
    article { border-top: 1px solid #dadce0; padding: 0.5rem 0; }
    .head { display: flex; gap: 0.75rem; align-items: baseline; width: 100%; text-align: left; background: none; border: 0; font: inherit; padding: 0.25rem 0; cursor: pointer; color: #202124; }
    .from { font-weight: 600; }
    .snippet, .date, .to { color: #5f6368; font-size: 0.85rem; }
    .snippet { overflow: hidden; white-space: nowrap; text-overflow: ellipsis; flex: 1; }
    .date { margin-left: auto; white-space: nowrap; }
    .actions { display: flex; gap: 0.5rem; margin-top: 1rem; flex-wrap: wrap; }
    .actions button { font: inherit; padding: 0.4rem 1rem; border: 1px solid #747775; border-radius: 1rem; background: #fff; color: #202124; cursor: pointer; }
    .pending { font-size: 0.75rem; background: #fef7e0; color: #7a4100; padding: 0 0.35rem; border-radius: 4px; }
  `;

  /** The signed-in account. */
  @property({ attribute: false }) accessor session: MailSession | undefined;
  /** The conversation to show. */
  @property() accessor threadId = '';
  /** The account's user labels. */
  @property({ attribute: false }) accessor labels: MailLabel[] = [];

  /**
   * The conversation's messages as the list held them when it was opened (any order): painted at
   * once, until the store's read replaces them. Ignored unless they are of `threadId`.
   */
  @property({ attribute: false }) accessor known: MailMessage[] | undefined;
  @state() accessor messages: MailMessage[] | undefined;
  @state() accessor #expanded = new Set<string>();
  @state() accessor #pending = new Set<string>();
  /** Why the conversation could not be read, shown instead of a silent "Loading…". */
  @state() accessor #error: string | undefined;
  /** The ids shown so far: a message opens (unread, or the newest) only when first seen. */
  #seen = new Set<string>();
  #stop: (() => void) | undefined;
  #markedRead = '';

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#stop?.();
    this.#stop = undefined;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.session && this.threadId && !this.#stop) this.#watch();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('session') || changed.has('threadId')) this.#watch();
  }

  #watch() {
    this.#stop?.();
    this.messages = undefined;
    this.#error = undefined;
    this.#seen = new Set();
    this.#expanded = new Set();
    const session = this.session;
    const threadId = this.threadId;
    if (!session || !threadId || !this.isConnected) return;
    const known = this.known?.length && this.known.every((m) => m.threadId === threadId) ? [...this.known].sort((a, b) => a.date - b.date) : undefined;
    if (known) this.#show(known);
    this.#stop = session.store.observe(
      ['messages', '$outbox'],
      () => session.store.collection<StoredMessage>('messages').query({ index: 'byThread', between: [[threadId, -Infinity], [threadId, Infinity]] }),
      (messages) => {
        this.#show(messages);
        if (this.#markedRead !== threadId && messages.some((m) => m.labels.includes('UNREAD'))) {
          this.#markedRead = threadId;
          void relabel(session, [threadId], [], ['UNREAD']);
        }
        // The "Syncing" badges are read after the messages paint (asked together: read-only
        // transactions run side by side); a newer result supersedes them.
        void Promise.all(messages.map((m) => session.sync.pendingFor('messages', m.id))).then((counts) => {
          if (this.messages === messages) this.#pending = new Set(messages.filter((_, i) => counts[i]).map((m) => m.id));
        }, (err: unknown) => console.error(err));
      },
      (err) => {
        console.error(err);
        this.#error = `This conversation could not be read from this device's storage (${(err as Error)?.message ?? err}). Reload the page to try again.`;
      },
    );
  }

  /**
   * Shows `messages` (oldest first), opening each one seen for the first time that is unread or
   * the newest: the conversation may be read before all of it is here (a deep link during the
   * first sync, the list's few held messages), and one arriving while it is open opens as in any
   * mail client. A message already seen keeps the state the reader gave it.
   */
  #show(messages: MailMessage[]): void {
    const newest = messages.at(-1);
    const opened = messages.filter((m) => !this.#seen.has(m.id) && (m === newest || m.labels.includes('UNREAD')));
    for (const m of messages) this.#seen.add(m.id);
    if (opened.length) this.#expanded = new Set([...this.#expanded, ...opened.map((m) => m.id)]);
    this.messages = messages;
  }

  #toggle(id: string) {
    const next = new Set(this.#expanded);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    this.#expanded = next;
  }

  /** Asks for a reply, reply all or forward of the newest message. */
  compose(kind: ComposeRequest['kind']): void {
    const message = this.messages?.at(-1);
    this.dispatchEvent(new CustomEvent<ComposeRequest>('compose', { detail: { kind, message }, bubbles: true, composed: true }));
  }

  override render() {
    const messages = this.messages;
    const labels = [...new Set((messages ?? []).flatMap((m) => m.labels))].map((id) => this.labels.find((l) => l.id === id)).filter((l): l is MailLabel => !!l);
    // The heading is there from the first render, before the messages are read: the router moves
    // focus to it after the navigation, and it keeps focus when the subject fills it in.
    return html`
      <h1>${messages?.length ? html`${messages[0].subject || '(no subject)'} ${labels.map((l) => html`<span class="chip" style="--chip:${cssColor(l.color)}">${l.name}</span>`)}` : 'Conversation'}</h1>
      ${this.#error
        ? html`<p role="alert">${this.#error}</p>`
        : !messages
          ? html`<p>Loading…</p>`
          : !messages.length
            ? html`<p>This conversation is not here any more (deleted, or not synced yet).</p>`
            : this.#renderMessages(messages)}
    `;
  }

  #renderMessages(messages: MailMessage[]) {
    return html`
      ${messages.map((m) => {
        const open = this.#expanded.has(m.id);
        return html`<article aria-label=${`Message from ${m.from.name}`}>
          <button class="head" aria-expanded=${open} @click=${() => this.#toggle(m.id)}>
            <span class="from">${m.from.name}</span>
            ${this.#pending.has(m.id) ? html`<span class="pending">${m.labels.includes('SENT') ? 'Queued' : 'Syncing'}</span>` : ''}
            ${open ? html`<span class="to">to ${[...m.to, ...m.cc].map((a) => a.name).join(', ')}</span>` : html`<span class="snippet">${m.snippet}</span>`}
            <span class="date">${longDate(m.date)}</span>
          </button>
          ${open ? html`<mail-message-body .message=${m}></mail-message-body>` : ''}
        </article>`;
      })}
      <div class="actions">
        <button @click=${() => this.compose('reply')}>Reply</button>
        <button @click=${() => this.compose('reply-all')}>Reply all</button>
        <button @click=${() => this.compose('forward')}>Forward</button>
      </div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'mail-thread-view': MailThreadView;
  }
}
