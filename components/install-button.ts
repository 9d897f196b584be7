import { LitElement, css, html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { base } from './theme.js';

/** The outcome of an install prompt. */
export type InstallOutcome = 'accepted' | 'dismissed' | 'unavailable';

/**
 * What `<outpost-install-button>` needs: whether the browser offered installation (a kept
 * `beforeinstallprompt`), a way to show its prompt, and a `change` event when that changes.
 */
export interface InstallSource extends EventTarget {
  readonly installable: boolean;
  prompt(): Promise<InstallOutcome>;
}

/**
 * An "Install app" button, hidden (the host gets `hidden`) whenever the app cannot be installed.
 *
 * Properties: `install` ({@link InstallSource}). Slot: the button's label (default "Install app").
 * Events: `install-result` (detail `{ outcome }`).
 * Parts: `button`.
 *
 * @example
 * <outpost-install-button .install=${install}>Install Outpost Mail</outpost-install-button>
 */
@customElement('outpost-install-button')
export class OutpostInstallButton extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: inline-block;
      }
    `,
  ];

  /** The install source. */
  @property({ attribute: false }) accessor install: InstallSource | undefined;

  @state() accessor #busy = false;

  #listening: InstallSource | undefined;
  #onChange = () => this.#sync();

  override connectedCallback(): void {
    super.connectedCallback();
    this.#listen();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#listening?.removeEventListener('change', this.#onChange);
    this.#listening = undefined;
  }

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('install')) this.#listen();
  }

  #listen(): void {
    if (!this.isConnected || this.#listening === this.install) {
      this.#sync();
      return;
    }
    this.#listening?.removeEventListener('change', this.#onChange);
    this.#listening = this.install;
    this.install?.addEventListener('change', this.#onChange);
    this.#sync();
  }

  #sync(): void {
    this.hidden = !this.install?.installable;
  }

  async #prompt(): Promise<void> {
    if (!this.install) return;
    this.#busy = true;
    try {
      const outcome = await this.install.prompt();
      this.dispatchEvent(new CustomEvent('install-result', { detail: { outcome }, bubbles: true, composed: true }));
    } finally {
      this.#busy = false;
      this.#sync();
    }
  }

  override render() {
    return html`<button part="button" class="primary" ?disabled=${this.#busy} @click=${this.#prompt}><slot>Install app</slot></button>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'outpost-install-button': OutpostInstallButton;
  }
}
