import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { FocusReturn } from './focus.js';
import { base } from './theme.js';

/** A toast to show. */
export interface ToastOptions {
  message: string;
  /** One action, e.g. `{ label: 'Undo', run: () => sync.put(...) }`; running it closes the toast. */
  action?: { label: string; run: () => unknown };
  /** How long the toast stays, in ms (default 5000); 0 keeps it until dismissed. */
  timeoutMs?: number;
  /**
   * Shows it now in place of the toast on screen, which closes (`'replaced'`), rather than after
   * it: for a message that supersedes the last, as a new action's Undo supersedes the previous
   * one's. Toasts already queued still follow.
   */
  replace?: boolean;
}

/** Why a toast closed. */
export type ToastCloseReason = 'timeout' | 'action' | 'dismissed' | 'replaced';

/** A shown (or queued) toast. */
export interface ToastHandle {
  readonly id: number;
  /** Resolves when the toast closes. */
  readonly closed: Promise<ToastCloseReason>;
  /** Closes it now (or drops it from the queue). */
  dismiss(): void;
}

interface Toast extends ToastOptions {
  id: number;
  resolve: (reason: ToastCloseReason) => void;
}

/**
 * Short messages with an optional action (Undo), one at a time from a queue, in a polite live
 * region. The timer pauses while the pointer or focus is on the toast, so it never vanishes
 * under someone reading it or reaching for its button; Escape dismisses it, and focus goes back
 * to where it was before it entered the toast.
 *
 * Methods: `show(options)` → {@link ToastHandle}.
 * Events: `toast-close` (detail `{ id, reason }`).
 * Parts: `region`, `toast`, `message`, `action-button`, `dismiss-button`.
 * Custom properties: `--outpost-toaster-bg`, `--outpost-toaster-fg`, `--outpost-toaster-inset`.
 *
 * @example
 * const toast = toaster.show({ message: 'Archived', action: { label: 'Undo', run: () => unarchive(id) } });
 * await toast.closed; // 'timeout' | 'action' | 'dismissed'
 */
@customElement('outpost-toaster')
export class OutpostToaster extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        position: fixed;
        inset: auto auto var(--outpost-toaster-inset, 1rem) var(--outpost-toaster-inset, 1rem);
        z-index: 1000;
      }
      .toast {
        display: flex;
        align-items: center;
        gap: 0.75rem;
        padding: 0.6rem 0.75rem 0.6rem 1rem;
        background: var(--outpost-toaster-bg, #1f2328);
        color: var(--outpost-toaster-fg, #ffffff);
        border-radius: var(--outpost-radius, 6px);
        box-shadow: 0 4px 12px rgb(0 0 0 / 0.25);
      }
      .toast button {
        background: transparent;
        color: inherit;
        border-color: transparent;
      }
      .toast button.action {
        font-weight: 600;
        text-decoration: underline;
      }
    `,
  ];

  /** The label of each toast's dismiss (×) button. */
  @property({ attribute: 'dismiss-label' }) accessor dismissLabel = 'Dismiss';

  @state() accessor #current: Toast | undefined;
  readonly #queue: Toast[] = [];
  #nextId = 1;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #remaining = 0;
  #startedAt = 0;
  #hovered = false;
  #focused = false;
  readonly #focusReturn = new FocusReturn();

  /** Toasts waiting behind the one shown. */
  get queued(): number {
    return this.#queue.length;
  }

  /** Shows a toast now, or after those already queued (with `replace`, now in place of the one shown). */
  show(options: ToastOptions): ToastHandle {
    let resolve!: (r: ToastCloseReason) => void;
    const closed = new Promise<ToastCloseReason>((r) => (resolve = r));
    const toast: Toast = { ...options, id: this.#nextId++, resolve };
    // Held by the pointer or focus, the toast on screen would keep a queued one waiting: a toast
    // that supersedes it (an action's Undo after another's) must not wait behind it.
    if (options.replace && this.#current) {
      this.#queue.unshift(toast);
      this.#close(this.#current, 'replaced');
    } else {
      this.#queue.push(toast);
      if (!this.#current) this.#next();
    }
    return { id: toast.id, closed, dismiss: () => this.#close(toast, 'dismissed') };
  }

  #next(): void {
    this.#current = this.#queue.shift();
    if (!this.#current) return;
    this.#remaining = this.#current.timeoutMs ?? 5000;
    this.#resume();
  }

  #close(toast: Toast, reason: ToastCloseReason): void {
    const queued = this.#queue.indexOf(toast);
    if (queued >= 0) this.#queue.splice(queued, 1);
    else if (toast !== this.#current) return;
    toast.resolve(reason);
    this.dispatchEvent(new CustomEvent('toast-close', { detail: { id: toast.id, reason }, bubbles: true, composed: true }));
    if (toast === this.#current) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
      this.#hovered = this.#focused = false;
      const focused = !!this.renderRoot.querySelector('.toast:focus-within');
      this.#next();
      // A next toast is drawn in the same element, under the focus, and keeps the place to return
      // to; without one, the focused button goes and focus would fall to the page's start.
      if (!this.#current) this.#focusReturn.restore(focused);
    }
  }

  #pause(): void {
    if (this.#timer === undefined) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#remaining -= Date.now() - this.#startedAt;
  }

  #resume(): void {
    const toast = this.#current;
    if (!toast || !this.isConnected || this.#hovered || this.#focused || toast.timeoutMs === 0 || this.#timer !== undefined) return;
    this.#startedAt = Date.now();
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#close(toast, 'timeout');
    }, Math.max(0, this.#remaining));
  }

  #hold(kind: 'hover' | 'focus', on: boolean): void {
    if (kind === 'hover') this.#hovered = on;
    else this.#focused = on;
    if (on) this.#pause();
    else this.#resume();
  }

  async #act(toast: Toast): Promise<void> {
    this.#close(toast, 'action');
    await toast.action?.run();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Put back (moved in the page), the toast on screen counts down what it had left.
    this.#resume();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#pause();
    // Out of the page no pointer or focus can hold it, and no leave or blur may follow to release it.
    this.#hovered = this.#focused = false;
  }

  protected override updated(): void {
    // The next toast is drawn in the element of the last, where focus may still be (Escape or ×
    // pressed there): it is held as the last one was, not timed out under the focus (Enter there
    // would act on it). A pointer left at rest where a click closed the last one does not hold it.
    const el = this.renderRoot.querySelector('.toast');
    if (el) this.#hold('focus', el.matches(':focus-within'));
  }

  override render() {
    const t = this.#current;
    return html`<div part="region" role="status" aria-live="polite" aria-atomic="true">
      ${t
        ? html`<div
            class="toast"
            part="toast"
            @pointerenter=${() => this.#hold('hover', true)}
            @pointerleave=${() => this.#hold('hover', false)}
            @focusin=${(e: FocusEvent) => (this.#focusReturn.entered(e, this.renderRoot), this.#hold('focus', true))}
            @focusout=${() => this.#hold('focus', false)}
            @keydown=${(e: KeyboardEvent) => e.key === 'Escape' && this.#close(t, 'dismissed')}
          >
            <span part="message">${t.message}</span>
            ${t.action ? html`<button class="action" part="action-button" @click=${() => this.#act(t)}>${t.action.label}</button>` : nothing}
            <button part="dismiss-button" aria-label=${this.dismissLabel} @click=${() => this.#close(t, 'dismissed')}>×</button>
          </div>`
        : nothing}
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'outpost-toaster': OutpostToaster;
  }
}
