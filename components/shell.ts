import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { base } from './theme.js';

/**
 * The responsive app frame: a top bar, a navigation drawer and the main area. Below `breakpoint`
 * pixels wide the drawer collapses behind a menu button (with `aria-expanded`); opened, it
 * overlays the main area, which is inert meanwhile (Tab cannot reach what the overlay hides),
 * Escape or choosing a link closes it and focus returns to the button.
 *
 * Slots: `top` (top bar content), `nav` (drawer content, e.g. links), default (main content).
 * Properties: `navLabel` (the navigation landmark's name), `menuLabel` (the button's name),
 * `breakpoint` (px, default 720), `drawerOpen`. Reflected attributes: `narrow`, `drawer-open`.
 * Events: `drawer-toggle` (detail `{ open }`).
 * Parts: `top-bar`, `menu-button`, `drawer`, `main`.
 * Custom properties: `--outpost-shell-drawer-width`, `--outpost-shell-top-bar-height`,
 * `--outpost-shell-top-bar-bg`, `--outpost-shell-drawer-bg`, `--outpost-color-bg`.
 *
 * @example
 * <outpost-shell nav-label="Folders">
 *   <span slot="top">Outpost Mail <outpost-sync-status .sync=${sync}></outpost-sync-status></span>
 *   <nav-links slot="nav"></nav-links>
 *   <mail-list></mail-list>
 * </outpost-shell>
 */
@customElement('outpost-shell')
export class OutpostShell extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: grid;
        grid-template-columns: var(--outpost-shell-drawer-width, 16rem) 1fr;
        grid-template-rows: var(--outpost-shell-top-bar-height, 3.5rem) 1fr;
        grid-template-areas: 'top top' 'drawer main';
        height: 100%;
        min-height: 0;
        background: var(--outpost-color-bg, #ffffff);
        position: relative;
      }
      header {
        grid-area: top;
        display: flex;
        align-items: center;
        gap: 0.5rem;
        padding: 0 1rem;
        background: var(--outpost-shell-top-bar-bg, #f6f8fa);
        border-bottom: 1px solid var(--outpost-color-border-subtle, #d8dee4);
        min-width: 0;
      }
      .menu-button {
        display: none;
        border-color: transparent;
        background: transparent;
        font-size: 1.25rem;
        line-height: 1;
        padding: 0.25em 0.4em;
      }
      .top {
        flex: 1;
        min-width: 0;
      }
      nav {
        grid-area: drawer;
        overflow: auto;
        background: var(--outpost-shell-drawer-bg, #ffffff);
        border-right: 1px solid var(--outpost-color-border-subtle, #d8dee4);
      }
      main {
        grid-area: main;
        overflow: auto;
        min-width: 0;
        min-height: 0;
      }
      :host([narrow]) {
        grid-template-columns: 1fr;
        grid-template-areas: 'top' 'main';
      }
      :host([narrow]) .menu-button {
        display: inline-block;
      }
      :host([narrow]) nav {
        display: none;
      }
      :host([narrow][drawer-open]) nav {
        display: block;
        position: absolute;
        z-index: 10;
        top: var(--outpost-shell-top-bar-height, 3.5rem);
        bottom: 0;
        left: 0;
        width: min(var(--outpost-shell-drawer-width, 16rem), 85%);
        box-shadow: 4px 0 12px rgb(0 0 0 / 0.2);
      }
    `,
  ];

  /** The navigation landmark's accessible name. */
  @property({ attribute: 'nav-label' }) accessor navLabel = 'Main navigation';

  /** The menu button's accessible name. */
  @property({ attribute: 'menu-label' }) accessor menuLabel = 'Menu';

  /** Below this width (px) the drawer collapses behind the menu button. */
  @property({ type: Number }) accessor breakpoint = 720;

  /** Whether the collapsed drawer is open (ignored while wide). */
  @property({ type: Boolean, reflect: true, attribute: 'drawer-open' }) accessor drawerOpen = false;

  /** True while narrower than `breakpoint` (set by the component). */
  @property({ type: Boolean, reflect: true }) accessor narrow = false;

  #media: MediaQueryList | undefined;
  #onMedia = () => {
    this.narrow = !!this.#media?.matches;
    if (!this.narrow) this.drawerOpen = false;
  };

  override connectedCallback(): void {
    super.connectedCallback();
    this.#watch();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#media?.removeEventListener('change', this.#onMedia);
    this.#media = undefined;
  }

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('breakpoint') && changed.get('breakpoint') !== undefined) this.#watch();
  }

  #watch(): void {
    this.#media?.removeEventListener('change', this.#onMedia);
    this.#media = matchMedia(`(max-width: ${this.breakpoint - 0.02}px)`);
    this.#media.addEventListener('change', this.#onMedia);
    this.#onMedia();
  }

  /** Opens or closes the collapsed drawer; opening moves focus into it, closing back to the button. */
  async toggleDrawer(open = !this.drawerOpen): Promise<void> {
    if (!this.narrow || open === this.drawerOpen) return;
    this.drawerOpen = open;
    this.dispatchEvent(new CustomEvent('drawer-toggle', { detail: { open }, bubbles: true, composed: true }));
    await this.updateComplete;
    if (open) this.renderRoot.querySelector<HTMLElement>('nav')!.focus();
    else this.renderRoot.querySelector<HTMLElement>('.menu-button')!.focus();
  }

  // On the drawer and on the button that opened it (Shift+Tab from the drawer's first link lands there).
  #onNavKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape' && this.narrow && this.drawerOpen) {
      e.stopPropagation();
      void this.toggleDrawer(false);
    }
  };

  #onNavClick = (e: MouseEvent) => {
    // Choosing a destination closes the overlay so the new view is visible.
    if (this.narrow && this.drawerOpen && e.composedPath().some((n) => n instanceof HTMLAnchorElement)) void this.toggleDrawer(false);
  };

  override render() {
    return html`
      <header part="top-bar">
        <button class="menu-button" part="menu-button" aria-label=${this.menuLabel} aria-controls="drawer" aria-expanded=${this.drawerOpen ? 'true' : 'false'} @click=${() => this.toggleDrawer()} @keydown=${this.#onNavKeyDown}>☰</button>
        <div class="top"><slot name="top"></slot></div>
      </header>
      <nav id="drawer" part="drawer" aria-label=${this.navLabel} tabindex="-1" @keydown=${this.#onNavKeyDown} @click=${this.#onNavClick}><slot name="nav"></slot></nav>
      <main part="main" ?inert=${this.narrow && this.drawerOpen}><slot></slot></main>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'outpost-shell': OutpostShell;
  }
}
