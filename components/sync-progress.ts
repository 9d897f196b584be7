import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { base } from './theme.js';
import { Subscription } from './subscription.js';

/** Detail of the sync engine's `progress` event (one per pulled page). */
export interface SyncProgressDetail {
  received: number;
  pages: number;
  done: boolean;
}

/**
 * A progress bar for the first, possibly long, sync: it appears while pages arrive and hides
 * once the engine reports `done`. Later sync cycles never show it again. Indeterminate unless
 * `expected` (the number of changes the app expects) is set.
 *
 * Properties: `sync` (the sync engine, or any EventTarget firing `progress`), `expected`, `label`.
 * Events: `sync-progress-done` (detail {@link SyncProgressDetail}).
 * Parts: `container`, `label`, `bar`, `count`.
 * Custom properties: `--outpost-sync-progress-color`, `--outpost-sync-progress-height`.
 *
 * @example
 * <outpost-sync-progress .sync=${sync} label="Downloading your mail"></outpost-sync-progress>
 */
@customElement('outpost-sync-progress')
export class OutpostSyncProgress extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: block;
      }
      .container {
        display: grid;
        gap: 0.25rem;
        padding: 0.5rem 0;
      }
      progress {
        width: 100%;
        height: var(--outpost-sync-progress-height, 0.5rem);
        accent-color: var(--outpost-sync-progress-color, #0b57d0);
      }
      .count {
        font-size: 0.875rem;
      }
    `,
  ];

  /** The sync engine (fires `progress`). */
  @property({ attribute: false }) accessor sync: EventTarget | undefined;

  /** How many changes the first sync is expected to bring, for a determinate bar (optional). */
  @property({ type: Number }) accessor expected: number | undefined;

  /** The bar's label. */
  @property() accessor label = 'Downloading your data';

  @state() accessor #received = 0;
  @state() accessor #running = false;

  /** Whether the first sync has finished (the bar never shows again for this engine). */
  @state() accessor done = false;

  // The engine `done` and the count are of, and those whose first sync finished (an account
  // switched back to keeps its engine, whose later cycles must not show the bar).
  #engine: EventTarget | undefined;
  readonly #finished = new WeakSet<EventTarget>();

  #onProgress = (e: Event) => {
    if (this.done) return;
    const detail = (e as CustomEvent<SyncProgressDetail>).detail;
    this.#received = detail.received;
    this.#running = !detail.done;
    if (detail.done) {
      this.done = true;
      this.#finished.add(e.target!);
      this.dispatchEvent(new CustomEvent<SyncProgressDetail>('sync-progress-done', { detail, bubbles: true, composed: true }));
    }
  };

  constructor() {
    super();
    // The progress events of whichever engine `.sync` holds, while connected.
    new Subscription(
      this,
      () => [this.sync] as const,
      (sync) => {
        sync?.addEventListener('progress', this.#onProgress);
        return () => sync?.removeEventListener('progress', this.#onProgress);
      },
    );
  }

  protected override willUpdate(): void {
    // Given another engine (an account switched to in the same page), that one's first sync is
    // still to come: the last one's end must not hide it, nor its count show meanwhile.
    if (this.sync && this.sync !== this.#engine) {
      this.done = this.#finished.has(this.sync);
      this.#running = false;
      this.#received = 0;
      this.#engine = this.sync;
    }
    this.hidden = !this.#running;
  }

  override render() {
    if (!this.#running) return nothing;
    const count = `${this.#received.toLocaleString()} ${this.#received === 1 ? 'item' : 'items'} received`;
    const max = this.expected && this.expected > 0 ? this.expected : undefined;
    return html`<div class="container" part="container">
      <span id="label" part="label">${this.label}</span>
      ${max
        ? html`<progress part="bar" aria-labelledby="label" aria-describedby="count" max=${max} .value=${Math.min(this.#received, max)}></progress>`
        : html`<progress part="bar" aria-labelledby="label" aria-describedby="count"></progress>`}
      <span id="count" class="count" part="count">${count}</span>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'outpost-sync-progress': OutpostSyncProgress;
  }
}
