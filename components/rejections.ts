import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { StoredRejection } from '../runtime/index.js';
import { base } from './theme.js';
import { REJECTED, observeRejections, rejectionTitle, type RejectionStore } from './rejection-data.js';
import { Subscription } from './subscription.js';

/** Detail of the `rejection-dismissed` event. */
export interface RejectionDismissedDetail {
  /** The record dismissed, or for Dismiss all those that were listed. */
  rejections: StoredRejection[];
  /** Dismiss all: every record up to the newest listed was deleted, the older ones not listed too. */
  all: boolean;
}

/**
 * Lists the changes the sync server refused (the engine's `$rejected` records: a custom handler's
 * `ctx.reject`, a limit, a mutation the server does not know), newest first: what the change was,
 * the server's message and code, and when. The engine has already rolled each one back; this is
 * where the person learns why it vanished. **Dismiss** deletes one record, **Dismiss all** every
 * one, so the collection does not grow for good. The list is live: a rejection stored while it is
 * shown (in this tab or another) appears at once.
 *
 * Properties: `store` (the store the sync engine writes to), `heading`, `limit` (rows listed, 50),
 * `describe` (the title of a record; default `rejectionTitle`, e.g. "patch on notes / n1").
 * Events: `rejection-dismissed` ({@link RejectionDismissedDetail}).
 * Parts: `heading`, `empty`, `rejection`, `reason`, `dismiss-button`, `dismiss-all-button`, `more`, `error`.
 * Custom properties: `--outpost-rejections-mark` (the bar beside each refused change).
 *
 * @example
 * <outpost-rejections .store=${store}></outpost-rejections>
 */
@customElement('outpost-rejections')
export class OutpostRejections extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: block;
      }
      header {
        display: flex;
        flex-wrap: wrap;
        align-items: baseline;
        justify-content: space-between;
        gap: 0.5rem;
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
        display: grid;
        gap: 0.75rem;
      }
      li {
        border: 1px solid var(--outpost-color-border-subtle, #d8dee4);
        border-left: 4px solid var(--outpost-rejections-mark, var(--outpost-color-danger, #a40e26));
        border-radius: var(--outpost-radius, 6px);
        padding: 0.75rem 1rem;
      }
      h3 {
        margin: 0 0 0.25rem;
        font-size: 1rem;
        word-break: break-word;
      }
      p {
        margin: 0 0 0.5rem;
      }
      code {
        font-size: 0.875em;
      }
      .error {
        color: var(--outpost-color-danger, #a40e26);
      }
    `,
  ];

  /** The store the sync engine writes `$rejected` to (`createSync({ store })`'s). */
  @property({ attribute: false }) accessor store: RejectionStore | undefined;

  /** The heading text (the count is appended). */
  @property() accessor heading = 'Refused changes';

  /** How many records are listed, newest first; the heading still counts them all. */
  @property({ type: Number }) accessor limit = 50;

  /** The title of one record; the default names the mutation and, for a built-in, its document. */
  @property({ attribute: false }) accessor describe: (rejection: StoredRejection) => string = rejectionTitle;

  @state() accessor #list: StoredRejection[] = [];
  @state() accessor #total = 0;
  @state() accessor #busy = false;
  @state() accessor #error = '';

  // Where focus goes once a dismissed record has left the list: the button it was on is gone.
  #refocus: { gone: Set<number>; index: number } | undefined;

  constructor() {
    super();
    // The newest records of whichever store `.store` holds, while connected.
    new Subscription(
      this,
      () => [this.store, this.limit] as const,
      (store, limit) => {
        this.#list = [];
        this.#total = 0;
        this.#error = '';
        if (!store) return;
        return observeRejections(
          store,
          limit,
          ({ newest, total }) => {
            this.#list = newest;
            this.#total = total;
          },
          (err) => (this.#error = `Could not read the refused changes: ${(err as Error)?.message ?? err}`),
        );
      },
    );
  }

  async #dismiss(rejections: StoredRejection[], all: boolean, index: number): Promise<void> {
    const { store } = this;
    if (!store) return;
    this.#busy = true;
    this.#error = '';
    this.#refocus = { gone: new Set(rejections.map((r) => r.id)), index };
    try {
      const collection = store.collection<StoredRejection>(REJECTED);
      // Dismiss all takes what was listed and the older ones the limit hid, not a refusal stored
      // since (ids only grow) that the person has not seen yet.
      const ids = all ? (await collection.query({ between: [0, rejections[0].id] })).map((r) => r.id) : [rejections[0].id];
      await collection.bulkDelete(ids);
      this.dispatchEvent(new CustomEvent<RejectionDismissedDetail>('rejection-dismissed', { detail: { rejections, all }, bubbles: true, composed: true }));
    } catch (err) {
      this.#refocus = undefined;
      const what = all ? 'the refused changes' : `the refused change "${this.describe(rejections[0])}"`;
      this.#error = `Could not dismiss ${what}: ${(err as Error)?.message ?? err}. It is still stored; try again.`;
    } finally {
      this.#busy = false;
    }
  }

  protected override updated(): void {
    const refocus = this.#refocus;
    if (!refocus || this.#list.some((r) => refocus.gone.has(r.id))) return;
    this.#refocus = undefined;
    const buttons = this.renderRoot.querySelectorAll<HTMLElement>('[part=dismiss-button]');
    (buttons[Math.min(refocus.index, buttons.length - 1)] ?? this.renderRoot.querySelector<HTMLElement>('h2'))?.focus();
  }

  #renderRejection(r: StoredRejection, i: number) {
    const title = this.describe(r);
    const at = new Date(r.at);
    return html`<li part="rejection" aria-labelledby="r${r.id}">
      <h3 id="r${r.id}">${title}</h3>
      <p part="reason">The server refused this change: ${r.error.message} <code>(${r.error.code})</code></p>
      <p><time datetime=${at.toISOString()}>${at.toLocaleString()}</time></p>
      <button part="dismiss-button" ?disabled=${this.#busy} @click=${() => this.#dismiss([r], false, i)}>Dismiss<span class="visually-hidden"> ${title}</span></button>
    </li>`;
  }

  override render() {
    const n = this.#total;
    const hidden = n - this.#list.length;
    return html`<section aria-labelledby="heading">
      <header>
        <h2 id="heading" part="heading" tabindex="-1">${this.heading} (${n})</h2>
        ${n > 1 ? html`<button part="dismiss-all-button" ?disabled=${this.#busy} @click=${() => this.#dismiss(this.#list, true, 0)}>Dismiss all</button>` : nothing}
      </header>
      ${this.#error ? html`<p class="error" part="error" role="alert">${this.#error}</p>` : nothing}
      ${this.#list.length
        ? html`<ul>${this.#list.map((r, i) => this.#renderRejection(r, i))}</ul>`
        : this.#error ? nothing : html`<p part="empty">No refused changes.</p>`}
      ${hidden > 0 ? html`<p part="more">${hidden} older not shown.</p>` : nothing}
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'outpost-rejections': OutpostRejections;
  }
}
