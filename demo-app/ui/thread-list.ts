import { LitElement, css, html, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import 'outpost/components/virtual-list.js';
import type { OutpostVirtualList, VirtualListOpenDetail, VirtualListRangeDetail, VirtualListSelectionDetail } from 'outpost/components';
import { addressOf, type MailLabel, type MailMessage } from '../model.js';
import { groupThreads, type ThreadSummary } from '../mail/threads.js';
import type { MailSession } from '../app/mail-store.js';
import { listSourceOf, mailboxThreads, pendingKeys, type MailboxPage } from '../app/queries.js';
import { relabeled, type LabelChange } from '../app/actions.js';
import { watchThreads, type ThreadsWatch } from '../app/live-threads.js';
import { sameMailbox, type Mailbox } from '../app/routes.js';
import { SNAPSHOT_ROWS, listSnapshot, rowsToSave, save } from '../app/snapshots.js';
import './thread-row.js';

/**
 * Conversations read at first (two screens, so the first paint waits for little), and added each
 * time the user scrolls within half a page of the end of them.
 */
const PAGE = 50;

/**
 * A row's height guessed before rows are measured, px: just over a one-line row (33.4 in Firefox,
 * 31.4 in Chromium), so the frame that fills the list renders its first page in one pass.
 */
const ROW_HEIGHT = 34;

/**
 * A mailbox as a list of conversations, read through live queries: it follows every local write,
 * pulled change and other tab's edit. It reads the newest {@link PAGE} conversations and the next
 * page as the user scrolls near the end, so opening a 50k mailbox reads a few hundred messages.
 * Only the rows near the viewport exist in the DOM. Fires `open-thread` (detail: thread id), and
 * `list-selection` (detail: how many are selected) whenever the selection changes.
 */
@customElement('mail-thread-list')
export class MailThreadList extends LitElement {
  static override styles = css`
    :host { display: block; min-height: 0; }
    outpost-virtual-list { height: 100%; --outpost-virtual-list-row-padding: 0.45rem 0.75rem; }
    .empty { padding: 2rem; color: #5f6368; }
  `;

  /** The signed-in account; undefined while its store opens (the list shows its snapshot then). */
  @property({ attribute: false }) accessor session: MailSession | undefined;
  /** The account's user name: whose snapshot to paint before the session opens, and to save. */
  @property() accessor user: string | undefined;
  /** The mailbox to list (an equal mailbox in a new object changes nothing). */
  @property({ attribute: false, hasChanged: (value: Mailbox, old?: Mailbox) => !sameMailbox(value, old) }) accessor mailbox: Mailbox = { kind: 'system', id: 'inbox' };
  /** The account's user labels (for chips and `label:` search). */
  @property({ attribute: false }) accessor labels: MailLabel[] = [];
  /** The list's accessible name. */
  @property() accessor label = 'Conversations';

  /** The conversations shown, newest first (undefined until the first read). */
  @state() accessor threads: ThreadSummary[] | undefined;
  /** Whether the rows shown are the last visit's snapshot, standing in until the store answers. */
  @state() accessor fromSnapshot = false;
  /** Whether the mailbox has more conversations than those read so far. */
  @state() accessor more = false;
  /** How many conversations to read (grows by a page as the user scrolls). */
  #limit = PAGE;
  /** Thread ids the user selected. */
  @state() accessor selection = new Set<unknown>();
  @state() accessor #pending = new Map<string, 'send' | 'change'>();
  /** The store's latest rows, before the leaving ones are taken out. */
  #stored: ThreadSummary[] | undefined;
  /** Conversations an action is taking out of this mailbox: not shown until the store's rows follow. */
  readonly #leaving = new Set<string>();
  /** Those whose action is done: the store's next rows decide. */
  readonly #left = new Set<string>();
  /** Listed conversations an action relabels (a star, a label): shown changed until the store's rows follow. */
  readonly #ahead = new Map<string, ThreadSummary>();

  @query('outpost-virtual-list') accessor #list: OutpostVirtualList<ThreadSummary> | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    // The first update starts watching (willUpdate); this resumes after a move in the DOM.
    if (this.hasUpdated) this.#watch();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#unwatch();
  }

  protected override updated(changed: PropertyValues<this>): void {
    // For the toolbar, whatever changed the selection (a row's box, Select all, an action, a new mailbox).
    if (changed.has('selection')) this.dispatchEvent(new CustomEvent<number>('list-selection', { detail: this.selection.size }));
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    // Labels matter to the query only in search (`label:`); elsewhere they only colour chips.
    const labelsMatter = changed.has('labels') && this.mailbox.kind === 'search';
    if (changed.has('session') || changed.has('mailbox') || changed.has('user') || labelsMatter) {
      // The session opening under the snapshot's rows (a cold start): they stay until the store answers.
      const opened = changed.has('session') && changed.get('session') === undefined && !changed.has('mailbox') && !changed.has('user');
      if ((changed.has('session') || changed.has('mailbox') || changed.has('user')) && !opened) {
        this.selection = new Set();
        this.#limit = PAGE;
        // Another mailbox's conversations are not shown under this one's name while it loads
        // (nor would the list's active row follow one of them into it): a new list, top row active.
        // Before the session opens, the last visit's first rows stand in.
        this.threads = this.session ? undefined : this.#snapshot()?.read();
        this.fromSnapshot = !!this.threads;
        this.#stored = undefined;
        this.#leaving.clear();
        this.#left.clear();
        this.#ahead.clear();
        this.more = false;
      }
      // The outbox's pending keys are the session's, whatever the mailbox: read again only for a
      // new session (an outbox of 500 unsent archives was walked key by key on every search).
      if (changed.has('session') || !this.#stopPending) this.#watch();
      else this.#watchThreads();
    }
  }

  #unwatch() {
    this.#stopPending?.();
    this.#stopThreads?.();
    this.#stopPending = this.#stopThreads = this.#threadsWatch = undefined;
  }

  #watch() {
    this.#unwatch();
    const session = this.session;
    if (!session || !this.isConnected) return;
    this.#watchThreads();
    this.#stopPending = session.store.observe(['$outbox'], () => pendingKeys(session), (keys) => (this.#pending = keys));
  }

  /** (Re)starts the live query of the first `#limit` conversations. */
  #watchThreads() {
    this.#stopThreads?.();
    const session = this.session!;
    const mailbox = this.mailbox;
    const snapshot = this.#snapshot();
    // The first rows last saved: a page that changed only rows after them (a sync's pages, the
    // next page read) is not serialised again. Unchanged conversations keep their objects.
    let saved: ThreadSummary[] = [];
    const show = (page: MailboxPage) => {
      this.#stored = page.threads;
      for (const id of this.#left) {
        this.#leaving.delete(id);
        this.#ahead.delete(id);
      }
      this.#left.clear();
      this.#showStored();
      this.fromSnapshot = false;
      this.more = page.more;
      this.#listed?.();
      const first = page.threads.slice(0, SNAPSHOT_ROWS);
      if (first.length !== saved.length || first.some((t, i) => t !== saved[i])) save(snapshot, rowsToSave((saved = first)));
    };
    // A mailbox is patched from each write (only the conversations it touched are read again); a
    // search, whose candidates come from several indexes, is read again.
    const source = listSourceOf(mailbox);
    this.#threadsWatch = source ? watchThreads(session, source, this.#limit, show, (e) => console.error(e)) : undefined;
    this.#stopThreads = this.#threadsWatch?.stop ?? session.store.observe(['messages'], () => mailboxThreads(session, mailbox, this.labels, this.#limit), show);
  }

  #threadsWatch: ThreadsWatch | undefined;

  #snapshot() {
    return this.user ? listSnapshot(this.user, this.mailbox) : undefined;
  }

  /**
   * Every message of these listed conversations as the list holds them, so an action on them need
   * not read them first; undefined when the list does not hold them all (a search) or a write to
   * them is still being placed.
   */
  messagesOf(threadIds: Iterable<string>): MailMessage[] | undefined {
    return this.#threadsWatch?.messagesOf(threadIds);
  }

  /**
   * Shows at once what `change` does to these listed conversations, so an action paints before its
   * write commits: those it moves out of this mailbox leave the list (a bulk archive), the others
   * show their new labels (a star, a label). Call the returned function when the action is done:
   * with `true` the list stays so until the store's next rows (which show the change); with
   * `false` (it failed, or changed nothing) the rows come back as they were at once. Undefined
   * when none of them is listed here, or the list does not hold every message of them (a search;
   * a write still being placed).
   */
  leave(ids: readonly string[], change: LabelChange): ((done: boolean) => void) | undefined {
    const source = listSourceOf(this.mailbox);
    const messages = source && this.messagesOf(ids);
    if (!source || !messages) return undefined;
    const after = messages.map((m) => ({ ...m, labels: relabeled(m.labels, change) }));
    // The mailbox keeps a conversation while one of its messages still has what `keep` asks.
    const kept = after.filter(source.keep);
    const stays = new Set(kept.map((m) => m.threadId));
    const out = ids.filter((id) => !stays.has(id) && !this.#leaving.has(id));
    // The staying rows as the store will list them: its summary of the mailbox's messages, relabelled.
    const changed = groupThreads(kept, this.session && addressOf(this.session.user).email);
    if (!out.length && !changed.length) return undefined;
    out.forEach((id) => this.#leaving.add(id));
    for (const t of changed) this.#ahead.set(t.threadId, t);
    this.#showStored();
    const moved = [...out, ...changed.map((t) => t.threadId)];
    return (done) => {
      for (const id of moved) {
        if (done) this.#left.add(id);
        else {
          this.#leaving.delete(id);
          this.#ahead.delete(id);
        }
      }
      if (!done) this.#showStored();
    };
  }

  /** How many conversations are out of the list ahead of the store (their action not yet read back). */
  get leaving(): number {
    return this.#leaving.size;
  }

  #showStored(): void {
    const stored = this.#stored;
    const shown = stored && this.#leaving.size ? stored.filter((t) => !this.#leaving.has(t.threadId)) : stored;
    this.threads = shown && this.#ahead.size ? shown.map((t) => this.#ahead.get(t.threadId) ?? t) : shown;
  }

  #stopThreads: (() => void) | undefined;
  #stopPending: (() => void) | undefined;
  #listed: (() => void) | undefined;

  /** The ids the toolbar and keyboard act on: the selection, else the focused row's thread. */
  targetIds(): string[] {
    if (this.selection.size) return [...this.selection] as string[];
    const focused = this.focusedThread();
    return focused ? [focused.threadId] : [];
  }

  /** The conversation under the keyboard focus (the list's active row). */
  focusedThread(): ThreadSummary | undefined {
    return this.threads?.[this.#list?.activeIndex ?? 0];
  }

  /** Moves the keyboard focus `delta` rows (j/k). */
  move(delta: number): void {
    const list = this.#list;
    if (list) void list.focusIndex(list.activeIndex + delta);
  }

  /** Toggles selection of the focused row (x). */
  toggleFocused(): void {
    const t = this.focusedThread();
    if (t) this.#toggle(t.threadId);
  }

  #toggle(threadId: string): void {
    const next = new Set(this.selection);
    if (next.has(threadId)) next.delete(threadId);
    else next.add(threadId);
    this.selection = next;
  }

  /**
   * Reads `count` more conversations (the next page), e.g. before selecting many. Resolves once
   * they are listed, or at once when the mailbox has no more.
   */
  async loadMore(count = PAGE): Promise<void> {
    if (!this.more || !this.#stopThreads) return;
    this.#limit = (this.threads?.length ?? 0) + count;
    const listed = new Promise<void>((resolve) => (this.#listed = resolve));
    this.#watchThreads();
    await listed;
  }

  #onRange = (e: CustomEvent<VirtualListRangeDetail>) => {
    const shown = this.threads?.length ?? 0;
    if (this.more && !this.#loading && e.detail.last >= shown - PAGE / 2) {
      this.#loading = true;
      void this.loadMore().finally(() => (this.#loading = false));
    }
  };

  #loading = false;

  /** Selects every listed conversation, or none when all are selected. */
  toggleAll(): void {
    const all = this.threads ?? [];
    this.selection = this.selection.size === all.length ? new Set() : new Set(all.map((t) => t.threadId));
  }

  #renderRow = (t: ThreadSummary) => {
    const chips = t.labels.map((id) => this.labels.find((l) => l.id === id)).filter((l): l is MailLabel => !!l);
    const kinds = t.messageIds.map((id) => this.#pending.get(id));
    const pending = kinds.includes('send') ? 'send' : kinds.some(Boolean) ? 'change' : '';
    return html`<mail-thread-row .thread=${t} .chips=${chips} pending=${pending} ?selected=${this.selection.has(t.threadId)}
      @row-select=${() => this.#toggle(t.threadId)}></mail-thread-row>`;
  };

  override render() {
    if (!this.threads) return html`<p class="empty">Loading…</p>`;
    if (!this.threads.length) return html`<p class="empty">${this.mailbox?.kind === 'search' ? `No conversations match “${this.mailbox.query}”.` : 'No conversations here.'}</p>`;
    return html`<outpost-virtual-list
      .label=${this.label}
      .estimatedRowHeight=${ROW_HEIGHT}
      .items=${this.threads}
      .keyFunction=${(t: ThreadSummary) => t.threadId}
      .renderItem=${this.#renderRow}
      .selection=${this.selection}
      @selection-change=${(e: CustomEvent<VirtualListSelectionDetail>) => (this.selection = e.detail.selection)}
      @visible-range-change=${this.#onRange}
      @open=${(e: CustomEvent<VirtualListOpenDetail<ThreadSummary>>) =>
        this.dispatchEvent(new CustomEvent('open-thread', { detail: e.detail.item.threadId, bubbles: true, composed: true }))}
    ></outpost-virtual-list>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'mail-thread-list': MailThreadList;
  }
}
