import { LitElement, css, html } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import { deepActiveElement } from './focus.js';
import { base } from './theme.js';

/**
 * A modal dialog on the native `<dialog>` element: `showModal()` gives focus trapping, the inert
 * background and Escape for free. Labelled by its heading (`label` or the `title` slot).
 *
 * Events: `close` (detail `{ returnValue }`) after it closes, however it closed (removed from
 * the page while open too, with an empty return value).
 * Parts: `dialog`, `header`, `title`, `close-button`, `body`, `actions`.
 * Custom properties: `--outpost-dialog-width`, `--outpost-dialog-backdrop`, `--outpost-color-bg`.
 *
 * @example
 * <outpost-dialog label="Discard draft?">
 *   <p>The draft is deleted on every device.</p>
 *   <button slot="actions" @click=${() => dialog.close('discard')}>Discard</button>
 * </outpost-dialog>
 * dialog.show();
 */
@customElement('outpost-dialog')
export class OutpostDialog extends LitElement {
  static override styles = [
    base,
    css`
      dialog {
        width: var(--outpost-dialog-width, min(32rem, calc(100vw - 2rem)));
        border: 1px solid var(--outpost-color-border, #8c959f);
        border-radius: var(--outpost-radius, 6px);
        background: var(--outpost-color-bg, #ffffff);
        color: inherit;
        padding: 1rem 1.25rem;
      }
      dialog::backdrop {
        background: var(--outpost-dialog-backdrop, rgb(0 0 0 / 0.4));
      }
      header {
        display: flex;
        align-items: start;
        justify-content: space-between;
        gap: 1rem;
      }
      h2 {
        margin: 0 0 0.75rem;
        font-size: 1.15rem;
      }
      .actions {
        display: flex;
        justify-content: end;
        gap: 0.5rem;
        margin-top: 1rem;
      }
    `,
  ];

  /** The dialog's heading and accessible name (the `title` slot overrides the text). */
  @property() accessor label = '';

  /** Whether the dialog is open; setting it opens (modally) or closes it. */
  @property({ type: Boolean, reflect: true }) accessor open = false;

  /** The accessible label of the close (×) button. */
  @property({ attribute: 'close-label' }) accessor closeLabel = 'Close';

  /** The value `close()` was last called with ('' when closed by Escape or the × button). */
  returnValue = '';

  /**
   * Whether the dialog is on screen right now. `open` follows a close only when the `close` event
   * fires, a task after Escape or `close()`; code that must not act "behind" the dialog in
   * between (a keyboard shortcut pressed right after Escape) asks this instead.
   */
  get showing(): boolean {
    return this.#dialog?.open ?? false;
  }

  @query('dialog') accessor #dialog!: HTMLDialogElement;

  // Where focus was before opening, so it goes back there when the dialog closes.
  #opener: HTMLElement | null = null;

  /** Opens the dialog modally. */
  show(): void {
    this.open = true;
  }

  /** Closes the dialog with an optional return value. */
  close(returnValue = ''): void {
    if (this.#dialog?.open) this.#dialog.close(returnValue);
    else this.open = false;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    // Removed while open, a <dialog> leaves the top layer with no close event: an app waiting for
    // `close` would wait for good, and the dialog, put back, would show without being modal.
    if (this.#dialog?.open) this.#dialog.close();
  }

  protected override updated(): void {
    const dialog = this.#dialog;
    if (this.open && !dialog.open) {
      this.#opener = deepActiveElement();
      // A <dialog> keeps its returnValue across showModal(), and a close with no value (Escape,
      // `open = false`, removal) leaves it: a dialog once closed with 'discard' would report
      // 'discard' again for an Escape.
      dialog.returnValue = '';
      dialog.showModal();
    } else if (!this.open && dialog.open) {
      dialog.close();
    }
  }

  #onClose = () => {
    this.returnValue = this.#dialog.returnValue;
    this.open = false;
    // Browsers differ in restoring focus after a modal closes; do it ourselves when focus was lost.
    const lost = !deepActiveElement() || deepActiveElement() === document.body;
    if (lost && this.#opener?.isConnected) this.#opener.focus();
    this.#opener = null;
    this.dispatchEvent(new CustomEvent('close', { detail: { returnValue: this.returnValue } }));
  };

  override render() {
    return html`
      <dialog part="dialog" aria-labelledby="title" @close=${this.#onClose}>
        <header part="header">
          <h2 id="title" part="title"><slot name="title">${this.label}</slot></h2>
          <button part="close-button" aria-label=${this.closeLabel} @click=${() => this.close()}>×</button>
        </header>
        <div part="body"><slot></slot></div>
        <div class="actions" part="actions"><slot name="actions"></slot></div>
      </dialog>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'outpost-dialog': OutpostDialog;
  }
}
