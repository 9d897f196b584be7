import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { StoredConflict, Sync } from '../runtime/index.js';
import { deepActiveElement } from './focus.js';
import { base } from './theme.js';
import { conflictRows, mergedValue, type Side } from './conflict-diff.js';
import { conflictDocument } from './conflict-document.js';
import { Subscription } from './subscription.js';

/** How a conflict was resolved. */
export type ConflictResolution = 'mine' | 'theirs' | 'merge';

/** Detail of the `conflict-resolved` event. */
export interface ConflictResolvedDetail {
  conflict: StoredConflict;
  resolution: ConflictResolution;
}

/** What the inbox needs from the sync engine: its conflicts API (live list and resolve). */
export type ConflictSync = Pick<Sync, 'conflicts'>;

/**
 * Lists the conflicts the sync engine could not settle (`sync.conflicts`: both sides edited the
 * same field, or one side deleted) with a field-by-field diff, and resolves each through
 * `sync.conflicts.resolve`: keep mine (my version is written again, or deleted when mine was a
 * delete), take theirs (the local document is already the server's, so only the conflict goes), or
 * merge (pick a side per field; the merged document is written). The list is live: conflicts
 * stored by another tab appear too.
 *
 * Properties: `sync` (the engine), `heading`, `describe` (a conflict's title: default
 * `collection / key`; an app names the document as a person knows it).
 * Events: `conflict-resolved` ({@link ConflictResolvedDetail}).
 * Parts: `heading`, `empty`, `conflict`, `diff`, `actions`, `merge`, `error`.
 * Custom properties: `--outpost-conflict-inbox-changed-bg` (rows both sides changed).
 *
 * @example
 * <outpost-conflict-inbox .sync=${sync}></outpost-conflict-inbox>
 */
@customElement('outpost-conflict-inbox')
export class OutpostConflictInbox extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: block;
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
        display: grid;
        gap: 1rem;
      }
      li {
        border: 1px solid var(--outpost-color-border-subtle, #d8dee4);
        border-radius: var(--outpost-radius, 6px);
        padding: 0.75rem 1rem;
      }
      h3 {
        margin: 0 0 0.25rem;
        font-size: 1rem;
      }
      table {
        border-collapse: collapse;
        width: 100%;
        margin: 0.5rem 0;
      }
      th,
      td {
        text-align: left;
        padding: 0.25rem 0.5rem;
        border-bottom: 1px solid var(--outpost-color-border-subtle, #d8dee4);
        vertical-align: top;
        word-break: break-word;
      }
      tr.both td {
        background: var(--outpost-conflict-inbox-changed-bg, #fff8c5);
      }
      .actions {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
      }
      fieldset {
        margin: 0.5rem 0;
      }
      .error {
        color: var(--outpost-color-danger, #a40e26);
      }
    `,
  ];

  /** The sync engine whose conflicts are listed and resolved. */
  @property({ attribute: false }) accessor sync: ConflictSync | undefined;

  /** The heading text (the count is appended). */
  @property() accessor heading = 'Conflicts';

  /** A conflict's title, e.g. `(c) => \`Label “${c.base?.name}”\``; default `collection / key`. */
  @property({ attribute: false }) accessor describe: (conflict: StoredConflict) => string = conflictDocument;

  @state() accessor #conflicts: StoredConflict[] = [];
  @state() accessor #merging: string | undefined;
  @state() accessor #picks = new Map<string, Side>();
  @state() accessor #busy: string | undefined;
  @state() accessor #error = '';

  // Where focus goes once an action took away the button it was on: Merge… and Cancel swap the
  // buttons for the merge form and back, and a resolved conflict leaves the list. Left there, focus
  // falls to the page and a keyboard or screen-reader user starts over from its top.
  #refocus: { id: string; to: 'merge' | 'actions' | 'next'; index: number } | undefined;

  constructor() {
    super();
    // The conflicts of whichever engine `.sync` holds, while connected.
    new Subscription(
      this,
      () => [this.sync] as const,
      (sync) => {
        this.#conflicts = [];
        return sync?.conflicts.observe(
          (list) => (this.#conflicts = list),
          (err) => (this.#error = `Could not read the stored conflicts: ${(err as Error)?.message ?? err}`),
        );
      },
    );
  }

  async #resolve(conflict: StoredConflict, resolution: ConflictResolution): Promise<void> {
    const { sync } = this;
    if (!sync) {
      this.#error = 'Set .sync on <outpost-conflict-inbox> to resolve conflicts.';
      return;
    }
    const index = this.#conflicts.findIndex((c) => c.id === conflict.id);
    this.#busy = conflict.id;
    this.#error = '';
    try {
      await sync.conflicts.resolve(conflict, resolution === 'merge' ? { merged: mergedValue(conflict, this.#picks) } : resolution);
      this.#merging = undefined;
      this.#refocus = { id: conflict.id, to: 'next', index };
      this.dispatchEvent(new CustomEvent<ConflictResolvedDetail>('conflict-resolved', { detail: { conflict, resolution }, bubbles: true, composed: true }));
    } catch (err) {
      this.#error = `Could not resolve the conflict on ${conflict.collection}/${conflict.key}: ${(err as Error)?.message ?? err}. Nothing was lost; try again.`;
    } finally {
      this.#busy = undefined;
    }
  }

  #startMerge(conflict: StoredConflict): void {
    this.#merging = conflict.id;
    this.#refocus = { id: conflict.id, to: 'merge', index: 0 };
    this.#picks = new Map(conflictRows(conflict).map((r) => [r.field, r.suggested]));
  }

  #cancelMerge(conflict: StoredConflict): void {
    this.#merging = undefined;
    this.#refocus = { id: conflict.id, to: 'actions', index: 0 };
  }

  protected override updated(): void {
    const refocus = this.#refocus;
    // A resolved conflict moves focus once it has left the list (the store's next read).
    if (!refocus || (refocus.to === 'next' && this.#conflicts.some((c) => c.id === refocus.id))) return;
    this.#refocus = undefined;
    if (!this.#focusHere()) return;
    const items = [...this.renderRoot.querySelectorAll<HTMLElement>('[part=conflict]')];
    let target: HTMLElement | null | undefined;
    if (refocus.to === 'next') {
      const next = items[Math.min(refocus.index, items.length - 1)];
      target = next ? next.querySelector<HTMLElement>('[part=actions] button') : this.renderRoot.querySelector<HTMLElement>('[part=heading]');
    } else {
      const item = items[this.#conflicts.findIndex((c) => c.id === refocus.id)];
      target = refocus.to === 'merge' ? item?.querySelector<HTMLElement>('[part=merge] input:checked') : item?.querySelector<HTMLElement>('[part=actions] button:last-child');
    }
    target?.focus();
  }

  // Whether focus is in this element or was dropped to an element around it (the body, a dialog):
  // not when the person has gone on to another control meanwhile.
  #focusHere(): boolean {
    const active = deepActiveElement();
    if (!active || this.shadowRoot!.contains(active)) return true;
    const up = (n: Node): Node | null => (n instanceof ShadowRoot ? n.host : ((n as Element).assignedSlot ?? n.parentNode));
    for (let n = up(this); n; n = up(n)) if (n === active) return true;
    return false;
  }

  #pick(field: string, side: Side): void {
    this.#picks = new Map(this.#picks).set(field, side);
  }

  #renderMerge(c: StoredConflict, i: number) {
    const rows = conflictRows(c);
    return html`<div part="merge">
      ${rows.map(
        (r, j) => html`<fieldset>
          <legend>${r.field}</legend>
          ${(['mine', 'theirs'] as const).map(
            (side) => html`<label>
              <input type="radio" name="pick-${i}-${j}" .checked=${this.#picks.get(r.field) === side} @change=${() => this.#pick(r.field, side)} />
              ${side === 'mine' ? 'Mine' : 'Theirs'}: ${r[side]}
            </label> `,
          )}
        </fieldset>`,
      )}
      <div class="actions" role="group" aria-label="Merge">
        <button class="primary" ?disabled=${!!this.#busy} @click=${() => this.#resolve(c, 'merge')}>Save merge</button>
        <button ?disabled=${!!this.#busy} @click=${() => this.#cancelMerge(c)}>Cancel</button>
      </div>
    </div>`;
  }

  #renderConflict(c: StoredConflict, i: number) {
    const rows = conflictRows(c);
    const title = this.describe(c);
    const what = !c.theirs ? 'Deleted on the server while you edited it.' : !c.mine ? 'Edited on the server while you deleted it.' : 'Edited on the server and by you.';
    const busy = !!this.#busy;
    return html`<li part="conflict" aria-labelledby="c${i}">
      <h3 id="c${i}">${title}</h3>
      <p>${what} <time datetime=${new Date(c.at).toISOString()}>${new Date(c.at).toLocaleString()}</time></p>
      <table part="diff">
        <caption class="visually-hidden">Differences in ${title}</caption>
        <thead>
          <tr><th scope="col">Field</th><th scope="col">Mine</th><th scope="col">Theirs</th></tr>
        </thead>
        <tbody>
          ${rows.map(
            (r) => html`<tr class=${r.both ? 'both' : ''}>
              <th scope="row">${r.field}${r.both ? html` <span class="visually-hidden">(changed on both sides)</span><span aria-hidden="true">⚠</span>` : nothing}</th>
              <td>${r.mine}</td>
              <td>${r.theirs}</td>
            </tr>`,
          )}
        </tbody>
      </table>
      ${this.#merging === c.id
        ? this.#renderMerge(c, i)
        : html`<div class="actions" part="actions" role="group" aria-labelledby="c${i}">
            <button ?disabled=${busy} @click=${() => this.#resolve(c, 'mine')}>Keep mine</button>
            <button ?disabled=${busy} @click=${() => this.#resolve(c, 'theirs')}>Take theirs</button>
            ${c.mine && c.theirs ? html`<button ?disabled=${busy} @click=${() => this.#startMerge(c)}>Merge…</button>` : nothing}
          </div>`}
    </li>`;
  }

  override render() {
    const n = this.#conflicts.length;
    return html`<section aria-labelledby="heading">
      <h2 id="heading" part="heading" tabindex="-1">${this.heading} (${n})</h2>
      ${this.#error ? html`<p class="error" part="error" role="alert">${this.#error}</p>` : nothing}
      ${n ? html`<ul>${this.#conflicts.map((c, i) => this.#renderConflict(c, i))}</ul>` : html`<p part="empty">No conflicts: every change has been reconciled.</p>`}
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'outpost-conflict-inbox': OutpostConflictInbox;
  }
}
