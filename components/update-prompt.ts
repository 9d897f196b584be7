import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { FocusReturn } from './focus.js';
import { base } from './theme.js';

/**
 * What `<outpost-update-prompt>` needs from the service-worker client: whether a new version
 * waits, a way to switch to it, and an `update-available` event. `registerServiceWorker()`'s
 * client fits; so does a test double.
 */
export interface UpdateSource extends EventTarget {
  readonly updateAvailable: boolean;
  /** Activates the waiting version; the page reloads once it controls the tab. */
  applyUpdate(): Promise<void>;
}

/**
 * A banner offering to reload into a new app version once one is waiting.
 *
 * Properties: `sw` ({@link UpdateSource}), `message` (the banner text).
 * Events: `update-dismissed` (the user chose Later; the banner returns on the next update).
 * Parts: `banner`, `message`, `reload-button`, `dismiss-button`, `error`.
 * Custom properties: `--outpost-update-prompt-bg`, `--outpost-update-prompt-fg`.
 *
 * @example
 * const sw = await registerServiceWorker('/sw.js');
 * html`<outpost-update-prompt .sw=${sw}></outpost-update-prompt>`
 */
@customElement('outpost-update-prompt')
export class OutpostUpdatePrompt extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: block;
      }
      .banner {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.75rem;
        padding: 0.6rem 1rem;
        background: var(--outpost-update-prompt-bg, #1f2328);
        color: var(--outpost-update-prompt-fg, #ffffff);
        border-radius: var(--outpost-radius, 6px);
      }
      .message {
        flex: 1;
      }
      .error {
        flex-basis: 100%;
      }
    `,
  ];

  /** The service-worker client. */
  @property({ attribute: false }) accessor sw: UpdateSource | undefined;

  /** The banner's text. */
  @property() accessor message = 'A new version of this app is available.';

  @state() accessor #waiting = false;
  @state() accessor #applying = false;
  @state() accessor #error = '';

  #listening: UpdateSource | undefined;
  readonly #focusReturn = new FocusReturn();
  // The source whose waiting version the person put off with Later: the banner stays away when
  // the element is put back in the page (moved), until that source announces an update again.
  #dismissed: UpdateSource | undefined;
  #onUpdate = () => {
    this.#dismissed = undefined;
    this.#waiting = true;
    this.#error = '';
  };

  override connectedCallback(): void {
    super.connectedCallback();
    this.#listen();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#listening?.removeEventListener('update-available', this.#onUpdate);
    this.#listening = undefined;
  }

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('sw')) this.#listen();
  }

  #listen(): void {
    if (!this.isConnected || this.#listening === this.sw) return;
    this.#listening?.removeEventListener('update-available', this.#onUpdate);
    this.#listening = this.sw;
    this.sw?.addEventListener('update-available', this.#onUpdate);
    this.#waiting = !!this.sw?.updateAvailable && this.#dismissed !== this.sw;
  }

  async #reload(): Promise<void> {
    if (!this.sw) return;
    this.#applying = true;
    this.#error = '';
    try {
      await this.sw.applyUpdate();
    } catch (err) {
      this.#error = `The update could not be applied (${(err as Error)?.message ?? err}). Close other tabs of this app and try again.`;
    } finally {
      this.#applying = false;
    }
  }

  #dismiss(): void {
    this.#waiting = false;
    // Later goes with the banner: focus returns to where it was before it came to the banner.
    this.#focusReturn.restore(!!this.renderRoot.querySelector('.banner:focus-within'));
    const sw = (this.#dismissed = this.sw);
    // Heard out of the page too (#listening is not): a version announced while the element is
    // away is not the one put off, and shows when it is back.
    sw?.addEventListener('update-available', () => this.#dismissed === sw && (this.#dismissed = undefined), { once: true });
    this.dispatchEvent(new CustomEvent('update-dismissed', { bubbles: true, composed: true }));
  }

  override render() {
    // The live region stays in the DOM so the banner's arrival is announced.
    return html`<div role="status" aria-live="polite">
      ${this.#waiting
        ? html`<div class="banner" part="banner" @focusin=${(e: FocusEvent) => this.#focusReturn.entered(e, this.renderRoot)}>
            <span class="message" part="message">${this.message}</span>
            <button class="primary" part="reload-button" ?disabled=${this.#applying} @click=${this.#reload}>${this.#applying ? 'Reloading…' : 'Reload'}</button>
            <button part="dismiss-button" @click=${this.#dismiss}>Later</button>
            ${this.#error ? html`<span class="error" part="error" role="alert">${this.#error}</span>` : nothing}
          </div>`
        : nothing}
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'outpost-update-prompt': OutpostUpdatePrompt;
  }
}
