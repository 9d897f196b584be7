import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { VERSION } from 'outpost';

/** Placeholder landing page of the demo: names the app and counts clicks. */
@customElement('demo-welcome')
export class DemoWelcome extends LitElement {
  static override styles = css`
    :host { display: block; padding: 2rem; }
    h1 { margin-top: 0; }
  `;

  /** Who the page greets. */
  @property() accessor name = 'Outpost Mail';

  @property({ type: Number }) accessor clicks = 0;

  override render() {
    return html`
      <h1>${this.name}</h1>
      <p>Built on Outpost ${VERSION}. The mail client is on its way.</p>
      <button @click=${() => this.clicks++}>Clicked ${this.clicks} times</button>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'demo-welcome': DemoWelcome;
  }
}
