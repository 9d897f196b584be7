import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { persistStorage } from '../runtime/store/storage.js';
import type { Store, SyncStatus } from '../runtime/index.js';
import type { SyncStatusLike } from './sync-status.js';
import { formatBytes, readBrowser, readStore, type BrowserSnapshot, type StoreSnapshot } from './inspector-data.js';
import { base } from './theme.js';
import { Subscription } from './subscription.js';

/** What the inspector asks of the service-worker client (`registerServiceWorker()`'s fits). */
export interface InspectorServiceWorker {
  version(): Promise<string | undefined>;
}

const time = (ms: number | undefined) => (ms ? new Date(ms).toLocaleString() : '—');

/**
 * A state page for developers and support, like a devtools panel: store collections and their
 * counts, outbox entries (pending) and rejected mutations, the sync state, cursor, client id and
 * last error, the service worker's version and caches, and the storage estimate and persistence
 * (with a button to ask the browser to keep the data). Store data is live; the browser section
 * re-reads on "Refresh".
 *
 * Properties: `store`, `sync` (optional, for its status), `sw` (optional, for its version),
 * `limit` (outbox rows shown, default 50).
 * Parts: `section`, `table`, `refresh-button`, `persist-button`.
 * Custom properties: `--outpost-inspector-mono` (the monospace font).
 *
 * @example
 * <outpost-inspector .store=${store} .sync=${sync} .sw=${sw}></outpost-inspector>
 */
@customElement('outpost-inspector')
export class OutpostInspector extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: block;
      }
      section {
        margin-bottom: 1.5rem;
      }
      h2 {
        font-size: 1.05rem;
        margin: 0 0 0.5rem;
      }
      table {
        border-collapse: collapse;
        min-width: 20rem;
      }
      th,
      td {
        text-align: left;
        padding: 0.2rem 0.75rem 0.2rem 0;
        border-bottom: 1px solid var(--outpost-color-border-subtle, #d8dee4);
        vertical-align: top;
      }
      td.mono,
      dd {
        font-family: var(--outpost-inspector-mono, ui-monospace, monospace);
        word-break: break-all;
      }
      dl {
        display: grid;
        grid-template-columns: max-content 1fr;
        gap: 0.2rem 1rem;
        margin: 0;
      }
      dd {
        margin: 0;
      }
      .error {
        color: var(--outpost-color-danger, #a40e26);
      }
    `,
  ];

  /** The store to inspect. */
  @property({ attribute: false }) accessor store: Store | undefined;

  /** The sync engine, for its status (optional). */
  @property({ attribute: false }) accessor sync: SyncStatusLike | undefined;

  /** The service-worker client, for its version (optional). */
  @property({ attribute: false }) accessor sw: InspectorServiceWorker | undefined;

  /** How many outbox and rejected entries to list. */
  @property({ type: Number }) accessor limit = 50;

  @state() accessor #store: StoreSnapshot | undefined;
  @state() accessor #browser: BrowserSnapshot | undefined;
  @state() accessor #status: SyncStatus | undefined;
  @state() accessor #swVersion: string | undefined;
  @state() accessor #error = '';

  constructor() {
    super();
    // Every collection of whichever store `.store` holds, and the status of `.sync`'s engine, while connected.
    new Subscription(
      this,
      () => [this.store, this.limit] as const,
      (store, limit) =>
        store?.observe(
          Object.keys(store.schema.collections),
          () => readStore(store, limit),
          (snapshot) => (this.#store = snapshot),
          (err) => (this.#error = `Could not read store '${store.name}': ${(err as Error)?.message ?? err}`),
        ),
    );
    new Subscription(
      this,
      () => [this.sync] as const,
      (sync) => sync?.subscribe((s) => (this.#status = s)),
    );
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.refresh();
  }

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('sw') && this.hasUpdated) void this.refresh();
  }

  /** Re-reads the service worker, caches and storage estimate. */
  async refresh(): Promise<void> {
    try {
      const [browser, version] = await Promise.all([readBrowser(), this.sw?.version().catch(() => undefined)]);
      this.#browser = browser;
      this.#swVersion = version;
    } catch (err) {
      this.#error = `Could not read caches or storage: ${(err as Error)?.message ?? err}`;
    }
  }

  async #persist(): Promise<void> {
    await persistStorage();
    await this.refresh();
  }

  #renderStore(s: StoreSnapshot | undefined) {
    if (!this.store) return html`<p>No store set.</p>`;
    if (!s) return html`<p>Reading…</p>`;
    return html`<table part="table" aria-labelledby="h-store">
      <thead><tr><th scope="col">Collection</th><th scope="col">Records</th></tr></thead>
      <tbody>${s.counts.map((c) => html`<tr><th scope="row">${c.name}</th><td>${c.count.toLocaleString()}</td></tr>`)}</tbody>
    </table>`;
  }

  #renderOutbox(s: StoreSnapshot | undefined) {
    if (!s) return nothing;
    const syncing = this.#status?.state === 'syncing' || this.#status?.state === 'connecting';
    const state = this.#status?.state;
    const pendingStatus = state === 'offline' ? 'waiting (offline)' : state === 'unreachable' ? 'waiting (server unreachable)' : syncing ? 'sending' : 'pending';
    const rows = [
      ...s.outbox.map((e) => ({ id: e.id, name: e.mutation.name, doc: e.doc || '(custom)', at: e.createdAt, status: pendingStatus, error: '' })),
      ...s.rejected.map((r) => ({ id: r.id, name: r.mutation.name, doc: 'collection' in r.mutation ? `${String(r.mutation.collection)}/${String((r.mutation as { key?: unknown }).key)}` : '(custom)', at: r.at, status: 'rejected', error: `${r.error.code}: ${r.error.message}` })),
    ];
    // The rows are the newest `limit`; the counts are of every record stored.
    const rejected = s.counts.find((c) => c.name === '$rejected')?.count ?? 0;
    return html`<p>${s.outboxTotal.toLocaleString()} pending, ${rejected.toLocaleString()} rejected, ${s.conflicts} conflicts.</p>
      ${rows.length
        ? html`<table part="table" aria-labelledby="h-outbox">
            <thead><tr><th scope="col">Id</th><th scope="col">Mutation</th><th scope="col">Document</th><th scope="col">Created</th><th scope="col">Status</th></tr></thead>
            <tbody>
              ${rows.map(
                (r) => html`<tr>
                  <td>${r.id}</td><td>${r.name}</td><td class="mono">${r.doc}</td><td>${time(r.at)}</td>
                  <td class=${r.error ? 'error' : ''}>${r.status}${r.error ? html`: ${r.error}` : nothing}</td>
                </tr>`,
              )}
            </tbody>
          </table>
          ${s.outboxTotal > s.outbox.length ? html`<p>… and ${(s.outboxTotal - s.outbox.length).toLocaleString()} more pending.</p>` : nothing}`
        : nothing}`;
  }

  #renderSync(s: StoreSnapshot | undefined) {
    const st = this.#status;
    return html`<dl>
      <dt>State</dt><dd>${st?.state ?? '—'}${st ? (st.leader ? ' (this tab talks to the server)' : ' (another tab talks to the server)') : ''}</dd>
      <dt>Pending</dt><dd>${st?.pending ?? s?.outboxTotal ?? '—'}</dd>
      <dt>Last synced</dt><dd>${time(st?.lastSyncedAt)}</dd>
      <dt>Last error</dt><dd class=${st?.lastError ? 'error' : ''}>${st?.lastError ? `${st.lastError.code}: ${st.lastError.message}` : 'none'}</dd>
      <dt>Cursor</dt><dd>${s?.cursor ?? 'none (first sync not done)'}</dd>
      <dt>Client id</dt><dd>${s?.clientId ?? '—'}</dd>
    </dl>`;
  }

  #renderBrowser(b: BrowserSnapshot | undefined) {
    if (!b) return html`<p>Reading…</p>`;
    const st = b.storage;
    return html`<dl>
        <dt>Service worker</dt><dd>${b.swScript ?? 'none controls this page'}</dd>
        <dt>Version</dt><dd>${this.#swVersion ?? 'unknown'}</dd>
        <dt>Storage used</dt><dd>${st ? `${formatBytes(st.usage)} of ${formatBytes(st.quota)}` : 'unknown in this browser'}</dd>
        <dt>Persistent</dt><dd>${st ? (st.persisted ? 'yes: the browser keeps this data under storage pressure' : 'no: the browser may evict this data under storage pressure') : 'unknown'}</dd>
      </dl>
      ${st && !st.persisted ? html`<p><button part="persist-button" @click=${this.#persist}>Ask the browser to keep this data</button></p>` : nothing}
      <h3>Caches</h3>
      ${b.caches === undefined
        ? html`<p>Cache Storage is not available here.</p>`
        : b.caches.length
          ? html`<table part="table" aria-label="Caches">
              <thead><tr><th scope="col">Cache</th><th scope="col">Entries</th></tr></thead>
              <tbody>${b.caches.map((c) => html`<tr><td class="mono">${c.name}</td><td>${c.entries}</td></tr>`)}</tbody>
            </table>`
          : html`<p>No caches.</p>`}`;
  }

  override render() {
    const s = this.#store;
    return html`
      ${this.#error ? html`<p class="error" role="alert">${this.#error}</p>` : nothing}
      <section part="section" aria-labelledby="h-store"><h2 id="h-store">Store${this.store ? `: ${this.store.name} (version ${this.store.schema.version})` : ''}</h2>${this.#renderStore(s)}</section>
      <section part="section" aria-labelledby="h-outbox"><h2 id="h-outbox">Outbox</h2>${this.#renderOutbox(s)}</section>
      <section part="section" aria-labelledby="h-sync"><h2 id="h-sync">Sync</h2>${this.#renderSync(s)}</section>
      <section part="section" aria-labelledby="h-browser">
        <h2 id="h-browser">Service worker and storage</h2>
        ${this.#renderBrowser(this.#browser)}
        <p><button part="refresh-button" @click=${() => this.refresh()}>Refresh</button></p>
      </section>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'outpost-inspector': OutpostInspector;
  }
}
