import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { StoredConflict, StoredRejection, SyncStatus, SyncStatusSource } from '../runtime/index.js';
import { base } from './theme.js';
import { Subscription } from './subscription.js';
import { observeRejections, rejectionTitle, type RejectionList, type RejectionStore } from './rejection-data.js';
import { conflictDocument } from './conflict-document.js';

/** The live list of stored conflicts, as the sync engine's `conflicts` has it. */
export interface ConflictsSource {
  observe(fn: (conflicts: StoredConflict[]) => void, onError?: (err: unknown) => void): () => void;
}

/** What `<outpost-sync-status>` reads: the sync engine, or anything with the same members. */
export type SyncStatusLike = SyncStatusSource & { readonly status?: SyncStatus; readonly conflicts?: ConflictsSource };

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
 * What is said when refusals arrive: the one refused and why, or how many; then how many wait to
 * be reviewed, which also makes a second identical refusal new text for the live region.
 */
function refusal(added: number, { newest, total }: RejectionList, title: (r: StoredRejection) => string): string {
  const what = added === 1 ? `The server refused a change (${title(newest[0])}): ${newest[0].error.message}` : `The server refused ${plural(added, 'change')}.`;
  return `${what} ${plural(total, 'refused change')} to review.`;
}

/**
 * What is said when conflicts arrive: the document and the fields both sides changed, or how
 * many; then how many wait to be resolved. Until then the document shows the other side's version.
 */
function conflicted(added: StoredConflict[], total: number, title: (c: StoredConflict) => string): string {
  const [c] = added;
  const what = added.length === 1 ? `Your change to ${title(c)} conflicts with one made elsewhere (${c.fields.join(', ')}): the other version shows until you choose.` : `${plural(added.length, 'change')} of yours conflict with changes made elsewhere.`;
  return `${what} ${plural(total, 'sync conflict')} to resolve.`;
}

/**
 * A badge showing the sync engine's state: offline, server unreachable, syncing, "n pending", error or up to date,
 * with changes announced politely (aria-live) to screen-reader users. Given the `store` too, it
 * shows how many changes the server refused (the engine's `$rejected` records, live) as a button
 * that fires `show-rejections`, and announces each new refusal with the server's reason. The
 * conflicts the engine's policy could not settle (`sync.conflicts`, live) show the same way: a
 * button that fires `show-conflicts`, and each new one announced.
 *
 * Properties: `sync` (the object `createSync()` returns, or any {@link SyncStatusLike}), `store`
 * (optional: the store the engine writes to), `describeRejection` and `describeConflict` (how an
 * announcement names a refused change or a conflict's document, as the lists' `describe`).
 * Attributes (reflected, for styling): `state` (`offline|unreachable|connecting|syncing|idle|error`), `pending`, `rejected`, `conflicts`.
 * Events: `show-rejections` (`{ count }`: open `<outpost-rejections>` on it), `show-conflicts`
 * (`{ count }`: open `<outpost-conflict-inbox>` on it).
 * Parts: `badge`, `dot`, `label`, `error`, `rejected-button`, `conflicts-button`.
 * Custom properties: `--outpost-sync-status-idle`, `--outpost-sync-status-syncing`,
 * `--outpost-sync-status-offline`, `--outpost-sync-status-error` (the dot colours; the last also
 * marks the refused-changes and conflicts buttons).
 *
 * @example
 * <outpost-sync-status .sync=${sync} .store=${store} @show-rejections=${() => (rejectionsOpen = true)} @show-conflicts=${() => (conflictsOpen = true)}></outpost-sync-status>
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
      button {
        font-size: inherit;
        padding: 0.1em 0.6em;
        margin-inline-start: 0.4em;
        border-color: var(--outpost-sync-status-error, #cf222e);
      }
    `,
  ];

  /** The sync engine (or anything with `subscribe(fn)` for its status). */
  @property({ attribute: false }) accessor sync: SyncStatusLike | undefined;

  /** The current state, reflected for styling. */
  @property({ reflect: true }) accessor state: SyncStatus['state'] | undefined;

  /** Mutations waiting for the server, reflected for styling. */
  @property({ type: Number, reflect: true }) accessor pending = 0;

  /** The store the sync engine writes to: set, the badge also counts the changes the server refused. */
  @property({ attribute: false }) accessor store: RejectionStore | undefined;

  /** Refused changes still stored (0 without `store`), reflected for styling. */
  @property({ type: Number, reflect: true }) accessor rejected = 0;

  /** What a refused change is called when announced (as `<outpost-rejections>`'s `describe`). */
  @property({ attribute: false }) accessor describeRejection: (rejection: StoredRejection) => string = rejectionTitle;

  /** What a conflict's document is called when announced (as `<outpost-conflict-inbox>`'s `describe`). */
  @property({ attribute: false }) accessor describeConflict: (conflict: StoredConflict) => string = conflictDocument;

  /** Conflicts waiting for a person's choice (0 when `sync` has no `conflicts`), reflected for styling. */
  @property({ type: Number, reflect: true }) accessor conflicts = 0;

  @state() accessor #status: SyncStatus | undefined;
  @state() accessor #announced = '';
  // Refusals and conflicts as they arrive: news, apart from the status's own live region.
  @state() accessor #news = '';

  constructor() {
    super();
    // The status of whichever engine `.sync` holds, while connected.
    new Subscription(
      this,
      () => [this.sync] as const,
      (sync) =>
        sync?.subscribe((s) => {
          this.#status = s;
          this.state = s.state;
          this.pending = s.pending;
          const said = announcement(s);
          // Keep the live region's text while syncing so a transient state says nothing.
          if (said) this.#announced = said;
        }),
    );
    // The refused changes of whichever store `.store` holds, while connected.
    new Subscription(
      this,
      () => [this.store] as const,
      (store) => {
        this.rejected = 0;
        if (!store) return;
        // Records there before the badge showed are counted, not announced: only a new refusal is news.
        let seen: number | undefined;
        return observeRejections(
          store,
          1,
          (list) => {
            const newest = list.newest[0]?.id ?? 0;
            // Record ids are mutation ids, which only grow: a newer newest is a new refusal. A dismissal
            // in the same change may hide how many came; one at least did.
            if (seen !== undefined && newest > seen) this.#news = refusal(Math.max(list.total - this.rejected, 1), list, this.describeRejection);
            seen = Math.max(seen ?? 0, newest);
            this.rejected = list.total;
          },
          console.error,
        );
      },
    );
    // The conflicts of whichever engine `.sync` holds: those stored before it showed are counted,
    // not announced.
    new Subscription(
      this,
      () => [this.sync] as const,
      (sync) => {
        this.conflicts = 0;
        let seen: Set<string> | undefined;
        return sync?.conflicts?.observe((list) => {
          const added = seen ? list.filter((c) => !seen!.has(c.id)) : [];
          if (added.length) this.#news = conflicted(added, list.length, this.describeConflict);
          seen = new Set(list.map((c) => c.id));
          this.conflicts = list.length;
        }, console.error);
      },
    );
  }

  #showRejections(): void {
    this.dispatchEvent(new CustomEvent<{ count: number }>('show-rejections', { detail: { count: this.rejected }, bubbles: true, composed: true }));
  }

  #showConflicts(): void {
    this.dispatchEvent(new CustomEvent<{ count: number }>('show-conflicts', { detail: { count: this.conflicts }, bubbles: true, composed: true }));
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
      ${this.rejected ? html`<button part="rejected-button" @click=${this.#showRejections}>${plural(this.rejected, 'change')} refused</button>` : nothing}
      ${this.conflicts ? html`<button part="conflicts-button" @click=${this.#showConflicts}>${plural(this.conflicts, 'conflict')}</button>` : nothing}
      <span class="visually-hidden" role="status" aria-live="polite" aria-atomic="true">${this.#announced}</span>
      <span class="visually-hidden" role="status" aria-live="polite" aria-atomic="true">${this.#news}</span>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'outpost-sync-status': OutpostSyncStatus;
  }
}
