// The anchor of the cold offline start benchmark: a blank Lit page that renders a few static rows,
// installed and served by a service worker built from the same building blocks as the demo's.
import { LitElement, css, html } from 'lit';
import { registerServiceWorker } from 'outpost';

/** One static row, an element with its own shadow root like the demo's thread rows. */
class BlankRow extends LitElement {
  static override properties = { text: {} };
  static override styles = css`:host { display: block; padding: 0.45rem 0.75rem; }`;
  declare text: string;
  constructor() {
    super();
    this.text = '';
  }
  override render() {
    return html`<div class="row">${this.text}</div>`;
  }
}

class BlankApp extends LitElement {
  override render() {
    return html`${Array.from({ length: 20 }, (_, i) => html`<blank-row .text=${`Row ${i}`}></blank-row>`)}`;
  }
}

customElements.define('blank-row', BlankRow);
customElements.define('blank-app', BlankApp);
void registerServiceWorker('/sw.js');
