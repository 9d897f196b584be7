import { LitElement, css, html, type TemplateResult } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { virtualize, virtualizerRef, type VirtualizerHostElement } from '@lit-labs/virtualizer/virtualize.js';
import type { RangeChangedEvent, VisibilityChangedEvent } from '@lit-labs/virtualizer/events.js';
// Named, not left to the virtualizer's default: that one loads with a dynamic import after the
// first items arrive, one more round trip before the first rows paint.
import { FlowLayout, type flow } from '@lit-labs/virtualizer/layouts/flow.js';
import { base } from './theme.js';

/** Detail of the `open` event: the item the user opened (Enter or click). */
export interface VirtualListOpenDetail<T> {
  item: T;
  index: number;
  key: unknown;
}

/** Detail of the `selection-change` event: the keys now selected. */
export interface VirtualListSelectionDetail {
  selection: Set<unknown>;
}

/** Detail of the `visible-range-change` event: indexes of the first and last rows in view. */
export interface VirtualListRangeDetail {
  first: number;
  last: number;
}

/** The flow layout, told what an unmeasured row is guessed to measure (its own guess is 100 px). */
class EstimatedFlow extends FlowLayout {
  set estimatedRowHeight(px: number) {
    this._itemSize = { width: px, height: px };
  }
}

/**
 * A keyboard-operable, virtualized list box on `@lit-labs/virtualizer`: only the rows near the
 * viewport are in the DOM, so 100k items scroll smoothly.
 *
 * Keyboard (roving tabindex: the list is one Tab stop): ArrowUp/ArrowDown, Home/End, PageUp/PageDown
 * move focus; Space or `x` toggles the focused row's selection; Enter opens it; Ctrl/⌘+A selects all.
 * Mouse: click focuses and opens a row, Ctrl/⌘+click toggles its selection.
 *
 * Items are keyed (`keyFunction`): when `items` changes, each row keeps its DOM, and a row whose
 * item is the same object gets the same values, so Lit writes nothing to it (a row element given
 * the item does not update). A list patched from a write (the rows of `collection.observe` or of
 * a `LiveQueryController` on a collection keep the objects of rows that did not change) thus
 * updates only the rows that changed; the selection and the active row follow their keys, and a
 * focused row's focus goes with it (or, when its item left, to the row now in its place).
 *
 * Rows are `role="option"` with `aria-selected`, `aria-setsize` and `aria-posinset` (screen readers
 * learn the full length although few rows exist). What `renderItem` returns is the option's
 * content: keep it non-interactive (no buttons or links inside an option).
 *
 * Events: `open` ({@link VirtualListOpenDetail}), `selection-change` ({@link VirtualListSelectionDetail}),
 * `visible-range-change` ({@link VirtualListRangeDetail}; e.g. to load the next page near the end).
 * Parts: `list`, `option` (plus `selected` and `active` on those rows).
 * Custom properties: `--outpost-virtual-list-height` (default 100%), `--outpost-virtual-list-row-padding`,
 * `--outpost-virtual-list-selected-bg`, `--outpost-virtual-list-active-bg`.
 *
 * @example
 * <outpost-virtual-list label="Inbox" style="height: 70vh"
 *   .items=${messages}
 *   .keyFunction=${(m) => m.id}
 *   .renderItem=${(m) => html`<strong>${m.from}</strong> ${m.subject}`}
 *   @open=${(e) => router.go(`/mail/${e.detail.key}`)}
 *   @selection-change=${(e) => (this.selected = e.detail.selection)}
 * ></outpost-virtual-list>
 */
@customElement('outpost-virtual-list')
export class OutpostVirtualList<T = unknown> extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: block;
        height: var(--outpost-virtual-list-height, 100%);
        min-height: 0;
      }
      [role='listbox'] {
        height: 100%;
        outline: none;
      }
      [role='listbox']:focus-visible {
        outline: 2px solid var(--outpost-focus-ring, #0b57d0);
        outline-offset: -2px;
      }
      [role='option'] {
        display: block;
        width: 100%;
        padding: var(--outpost-virtual-list-row-padding, 0.5rem 0.75rem);
        border-bottom: 1px solid var(--outpost-color-border-subtle, #d8dee4);
        cursor: default;
      }
      [role='option'][aria-selected='true'] {
        background: var(--outpost-virtual-list-selected-bg, #d3e3fd);
      }
      [role='option'].active {
        background: var(--outpost-virtual-list-active-bg, #eef3fc);
      }
      [role='option'][aria-selected='true'].active {
        background: var(--outpost-virtual-list-selected-bg, #d3e3fd);
      }
      [role='option']:focus-visible {
        outline: 2px solid var(--outpost-focus-ring, #0b57d0);
        outline-offset: -2px;
      }
    `,
  ];

  /** The items, in display order. */
  @property({ attribute: false }) accessor items: T[] = [];

  /** Renders one item's content (inside its `role="option"` row). */
  @property({ attribute: false }) accessor renderItem: (item: T, index: number) => TemplateResult | string = (item) => String(item);

  /** A stable key per item: used to keep rows and the selection across changes of `items`. */
  @property({ attribute: false }) accessor keyFunction: (item: T, index: number) => unknown = (item) => item;

  /** The list's accessible name (e.g. "Inbox"). */
  @property() accessor label = 'Items';

  /** Keys of the selected items. Replace the Set (do not mutate it) to change the selection. */
  @property({ attribute: false }) accessor selection: Set<unknown> = new Set();

  /**
   * What a row is guessed to measure, in px, until rows are measured (the virtualizer's own guess:
   * 100). Set it at or a little over the rows' height: the frame that fills the list then renders
   * the rows it needs in one pass. Guessed too tall, it renders too few, measures them and renders
   * the rest in a second pass (in Firefox a mail list's first rows took a 50–66 ms frame so);
   * guessed too short, it renders too many and the browser reports a (benign) "ResizeObserver loop"
   * error.
   */
  @property({ type: Number, attribute: 'estimated-row-height' }) accessor estimatedRowHeight = 100;

  /** Index of the row that holds the Tab stop (the focused row while the list has focus). */
  @state() accessor activeIndex = 0;

  // Whether the active row is rendered: when it is not, the list box itself takes the Tab stop.
  @state() accessor #activeRendered = true;

  @query('[role=listbox]') accessor #listbox!: VirtualizerHostElement;

  #visible = { first: 0, last: 0 };
  #rendered = { first: 0, last: -1 };

  /** The element that scrolls the rows (e.g. a router's `scrollContainer`, to keep the position per history entry). */
  get scroller(): HTMLElement | null {
    return this.#listbox ?? null;
  }

  /** Moves focus to the row at `index` (clamped), scrolling it into view. */
  async focusIndex(index: number): Promise<void> {
    if (!this.items.length) return;
    const i = Math.max(0, Math.min(this.items.length - 1, index));
    this.activeIndex = i;
    await this.updateComplete;
    const row = this.#row(i);
    if (row && this.#inView(row)) {
      row.focus();
      return;
    }
    this.#listbox[virtualizerRef]?.element(i)?.scrollIntoView({ block: 'nearest' });
    // The virtualizer renders the target row after it scrolls; wait for it (a few frames at most).
    for (let frame = 0; frame < 60; frame++) {
      await new Promise((r) => requestAnimationFrame(r));
      const target = this.#row(i);
      if (target) {
        target.focus({ preventScroll: this.#inView(target) });
        return;
      }
    }
  }

  #row(index: number): HTMLElement | null {
    return this.renderRoot.querySelector<HTMLElement>(`[data-index="${index}"]`);
  }

  #inView(row: HTMLElement): boolean {
    const list = this.#listbox.getBoundingClientRect();
    const r = row.getBoundingClientRect();
    return r.top >= list.top - 1 && r.bottom <= list.bottom + 1;
  }

  #toggle(index: number): void {
    const key = this.keyFunction(this.items[index], index);
    const next = new Set(this.selection);
    if (next.has(key)) next.delete(key);
    else next.add(key);
    this.#select(next);
  }

  #select(next: Set<unknown>): void {
    this.selection = next;
    this.dispatchEvent(new CustomEvent<VirtualListSelectionDetail>('selection-change', { detail: { selection: next }, bubbles: true, composed: true }));
  }

  #open(index: number): void {
    const item = this.items[index];
    this.dispatchEvent(new CustomEvent<VirtualListOpenDetail<T>>('open', { detail: { item, index, key: this.keyFunction(item, index) }, bubbles: true, composed: true }));
  }

  #onKeyDown = (e: KeyboardEvent) => {
    if (!this.items.length) return;
    const page = Math.max(1, this.#visible.last - this.#visible.first);
    const moves: Record<string, number> = {
      ArrowDown: this.activeIndex + 1,
      ArrowUp: this.activeIndex - 1,
      Home: 0,
      End: this.items.length - 1,
      PageDown: this.activeIndex + page,
      PageUp: this.activeIndex - page,
    };
    if (e.key in moves && !e.altKey) {
      e.preventDefault();
      void this.focusIndex(moves[e.key]);
    } else if (e.key === ' ' || e.key === 'x') {
      e.preventDefault();
      this.#toggle(this.activeIndex);
    } else if (e.key === 'Enter') {
      e.preventDefault();
      this.#open(this.activeIndex);
    } else if (e.key === 'a' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      this.#select(new Set(this.items.map((item, i) => this.keyFunction(item, i))));
    }
  };

  #onClick = (e: MouseEvent) => {
    const row = (e.target as Element).closest<HTMLElement>('[role=option]');
    if (!row) return;
    const index = Number(row.dataset.index);
    this.activeIndex = index;
    row.focus();
    if (e.ctrlKey || e.metaKey) this.#toggle(index);
    else this.#open(index);
  };

  #onFocusIn = (e: FocusEvent) => {
    const target = e.target as HTMLElement;
    // Tab landed on the list box itself (the active row is scrolled away): bring the row back.
    if (target === this.#listbox) void this.focusIndex(this.activeIndex);
    // However a row got focus (keys, click, script), it now holds the Tab stop.
    else if (target.dataset.index !== undefined) this.activeIndex = Number(target.dataset.index);
  };

  #onRange = (e: RangeChangedEvent) => {
    this.#rendered = { first: e.first, last: e.last };
    this.#activeRendered = this.activeIndex >= e.first && this.activeIndex <= e.last;
    // The virtualizer renders the new rows right after this listener. When `items` changed, a
    // focused row whose item left goes with them (a moved one is taken out and put back), and the
    // browser drops focus to the page: a keyboard or screen-reader user of a live list loses
    // their place. It goes to the row holding the Tab stop, which willUpdate kept with its item or
    // put in its place, when that row is rendered (a row scrolled away keeps the Tab stop alone).
    const root = this.renderRoot as ShadowRoot;
    if (root.activeElement && root.activeElement !== this.#listbox) {
      queueMicrotask(() => {
        if (!root.activeElement && (document.activeElement ?? document.body) === document.body) this.#row(this.activeIndex)?.focus({ preventScroll: true });
      });
    }
  };

  #onVisibility = (e: VisibilityChangedEvent) => {
    this.#visible = { first: e.first, last: e.last };
    this.dispatchEvent(new CustomEvent<VirtualListRangeDetail>('visible-range-change', { detail: { ...this.#visible }, bubbles: true, composed: true }));
  };

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    const was = (changed.get('items') as T[] | undefined)?.[this.activeIndex];
    if (was !== undefined && this.items[this.activeIndex] !== was) {
      // The active row stays with its item when rows come or go above it (a live list patched
      // from a write); an item that left hands the Tab stop to the row now in its place.
      const key = this.keyFunction(was, this.activeIndex);
      const at = this.items.findIndex((item, i) => this.keyFunction(item, i) === key);
      if (at >= 0) this.activeIndex = at;
    }
    if (changed.has('items') && this.activeIndex >= this.items.length) this.activeIndex = Math.max(0, this.items.length - 1);
    if (changed.has('activeIndex') || changed.has('items')) {
      this.#activeRendered = this.activeIndex >= this.#rendered.first && this.activeIndex <= this.#rendered.last;
    }
  }

  // The virtualizer can render once more with its previous range after `items` shrank (a host
  // update between the new items and its new range): the indexes past the end have no item.
  #key = (item: T | undefined, index: number) => (item === undefined ? index : this.keyFunction(item, index));

  #renderRow = (item: T | undefined, index: number) => {
    if (item === undefined) return html``;
    const selected = this.selection.has(this.keyFunction(item, index));
    const active = index === this.activeIndex;
    return html`<div
      role="option"
      part="option${selected ? ' selected' : ''}${active ? ' active' : ''}"
      class=${active ? 'active' : ''}
      data-index=${index}
      tabindex=${active ? 0 : -1}
      aria-selected=${selected ? 'true' : 'false'}
      aria-setsize=${this.items.length}
      aria-posinset=${index + 1}
    >${this.renderItem(item, index)}</div>`;
  };

  // The config the virtualizer hands its layout on every render (a layout of the same type is
  // kept). Built in a variable: the virtualizer's config type names none of a layout's options.
  #layout(): ReturnType<typeof flow> {
    const layout = { type: EstimatedFlow, estimatedRowHeight: this.estimatedRowHeight };
    return layout;
  }

  override render() {
    return html`<div
      role="listbox"
      part="list"
      aria-label=${this.label}
      aria-multiselectable="true"
      tabindex=${this.#activeRendered || !this.items.length ? -1 : 0}
      @keydown=${this.#onKeyDown}
      @click=${this.#onClick}
      @focusin=${this.#onFocusIn}
      @rangeChanged=${this.#onRange}
      @visibilityChanged=${this.#onVisibility}
    >
      ${virtualize({ scroller: true, layout: this.#layout(), items: this.items, renderItem: this.#renderRow, keyFunction: this.#key })}
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'outpost-virtual-list': OutpostVirtualList;
  }
}
