import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { SyncStatus, SyncStatusSource } from '../runtime/index.js';
import { base } from './theme.js';

/** What `<outpost-sync-status>` reads: the sync engine, or anything with the same two members. */
export type SyncStatusLike = SyncStatusSource & { readonly status?: SyncStatus };

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/** The visible text for a status. */
function describe(s: SyncStatus): string {
  switch (s.state) {
    case 'offline':
    case 'unreachable': {
      // The engine tells the two apart: no network on this device, or a server that does not answer.
      const where = s.state === 'unreachable' ? 'Server unreachable' : 'Offline';
      return s.pending ? `${where} · ${s.pending} pending` : where;
    }
    case 'error':
      return 'Sync error';
    case 'connecting':
    case 'syncing':
      return 'Syncing…';
    default:
      return s.pending ? `${s.pending} pending` : 'Up to date';
  }
}

/**
 * What a screen reader hears. Deliberately coarser than the badge: the periodic
 * idle → syncing → idle cycle is not announced, only a change a person cares about.
 */
function announcement(s: SyncStatus): string {
  if (s.state === 'unreachable') return s.pending ? `The server cannot be reached. ${plural(s.pending, 'change')} will sync when it answers.` : 'The server cannot be reached. Changes you make will sync when it answers.';
  if (s.state === 'offline') return s.pending ? `Offline. ${plural(s.pending, 'change')} will sync when you are back online.` : 'Offline. Changes you make will sync later.';
  if (s.state === 'error') return `Sync error: ${s.lastError?.message ?? 'unknown error'}`;
  if (s.pending) return `${plural(s.pending, 'change')} pending.`;
  return s.state === 'idle' ? 'All changes synced.' : '';
}

/**
 * A badge showing the sync engine's state: offline, server unreachable, syncing, "n pending", error or up to date,
 * with changes announced politely (aria-live) to screen-reader users.
 *
 * Properties: `sync` (the object `createSync()` returns, or any {@link SyncStatusLike}).
 * Attributes (reflected, for styling): `state` (`offline|unreachable|connecting|syncing|idle|error`), `pending`.
 * Parts: `badge`, `dot`, `label`, `error`.
 * Custom properties: `--outpost-sync-status-idle`, `--outpost-sync-status-syncing`,
 * `--outpost-sync-status-offline`, `--outpost-sync-status-error` (the dot colours).
 *
 * @example
 * <outpost-sync-status .sync=${sync}></outpost-sync-status>
 */
@customElement('outpost-sync-status')
export class OutpostSyncStatus extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: inline-block;
        font-size: 0.875rem;
      }
      .badge {
        display: inline-flex;
        align-items: center;
        gap: 0.4em;
      }
      .dot {
        width: 0.6em;
        height: 0.6em;
        border-radius: 50%;
        background: var(--outpost-sync-status-idle, #1a7f37);
      }
      :host([state='syncing']) .dot,
      :host([state='connecting']) .dot {
        background: var(--outpost-sync-status-syncing, #0b57d0);
      }
      :host([state='offline']) .dot,
      :host([state='unreachable']) .dot {
        background: var(--outpost-sync-status-offline, #8c959f);
      }
      :host([state='error']) .dot {
        background: var(--outpost-sync-status-error, #cf222e);
      }
      .error {
        color: var(--outpost-color-danger, #a40e26);
      }
    `,
  ];

  /** The sync engine (or anything with `subscribe(fn)` for its status). */
  @property({ attribute: false }) accessor sync: SyncStatusLike | undefined;

  /** The current state, reflected for styling. */
  @property({ reflect: true }) accessor state: SyncStatus['state'] | undefined;

  /** Mutations waiting for the server, reflected for styling. */
  @property({ type: Number, reflect: true }) accessor pending = 0;

  @state() accessor #status: SyncStatus | undefined;
  @state() accessor #announced = '';

  #unsubscribe: (() => void) | undefined;
  #subscribedTo: SyncStatusLike | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    this.#resubscribe();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#unsubscribe?.();
    this.#unsubscribe = this.#subscribedTo = undefined;
  }

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('sync')) this.#resubscribe();
  }

  #resubscribe(): void {
    if (!this.isConnected || this.#subscribedTo === this.sync) return;
    this.#unsubscribe?.();
    this.#subscribedTo = this.sync;
    this.#unsubscribe = this.sync?.subscribe((s) => {
      this.#status = s;
      this.state = s.state;
      this.pending = s.pending;
      const said = announcement(s);
      // Keep the live region's text while syncing so a transient state says nothing.
      if (said) this.#announced = said;
    });
  }

  override render() {
    const s = this.#status;
    const title = s?.lastSyncedAt ? `Last synced ${new Date(s.lastSyncedAt).toLocaleString()}` : nothing;
    return html`
      <span class="badge" part="badge" title=${title}>
        <span class="dot" part="dot" aria-hidden="true"></span>
        <span part="label">${s ? describe(s) : 'Sync not started'}</span>
        ${s?.state === 'error' && s.lastError ? html`<span class="visually-hidden">:</span><span class="error" part="error">${s.lastError.message}</span>` : nothing}
      </span>
      <span class="visually-hidden" role="status" aria-live="polite" aria-atomic="true">${this.#announced}</span>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'outpost-sync-status': OutpostSyncStatus;
  }
}
