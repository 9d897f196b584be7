import { LitElement, html, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { recoverFromStaleChunk } from 'outpost';
// Only what the first screen shows; the rest is more-views.ts, fetched after.
import 'outpost/components/dialog.js';
import 'outpost/components/install-button.js';
import 'outpost/components/shell.js';
import 'outpost/components/sync-progress.js';
import 'outpost/components/sync-status.js';
import 'outpost/components/toaster.js';
import type { InstallSource, OutpostDialog, OutpostToaster } from 'outpost/components';
import { addressOf, sendLimitProblem, type MailLabel, type MailMessage } from '../model.js';
import { SHORTCUTS, listenForShortcuts, type MailCommand } from '../mail/shortcuts.js';
import type { Account } from '../app/accounts.js';
import { ACTIONS, labelAction, type MailAction } from '../app/actions.js';
import { threadMessages, unsentCount } from '../app/queries.js';
import { draftFor, parseRecipients, sendArgsOf } from '../app/drafts.js';
import type { MailDraft, MailSession } from '../app/mail-store.js';
import { mailPath, mailboxTitle, sameMailbox, type Mailbox } from '../app/routes.js';
import type { MailCompose } from './compose-panel.js';
import { shellStyles } from './shell-styles.js';
import type { MailThreadList } from './thread-list.js';
import type { ComposeRequest, MailThreadView } from './thread-view.js';
import { renderNav, renderToolbar } from './shell-parts.js';
import { labelsSnapshot, save } from '../app/snapshots.js';
import { conflictTitle } from '../app/conflict-title.js';
import { refusedChangeTitle } from '../app/refused.js';
import './thread-list.js';

/** more-views.ts once fetched (or being fetched): one chunk for every shell. */
let moreViews: Promise<unknown> | undefined;

/**
 * One signed-in account's mail in the framework's `<outpost-shell>`: top bar (search, sync status,
 * accounts), mailbox navigation in its drawer, the thread list or a thread, compose, toasts with
 * Undo, keyboard shortcuts and their help dialog. The router renders it for every mail route.
 * Fires `navigate` (detail: path) and `sign-out` (detail: user).
 */
@customElement('mail-shell')
export class MailShell extends LitElement {
  static override styles = shellStyles;

  /**
   * The account's open session; undefined while its store opens on a cold start, when the shell
   * paints from the snapshots (app/snapshots.ts) and every action waits for it.
   */
  @property({ attribute: false }) accessor session: MailSession | undefined;
  /** Its `/u/<n>` index. */
  @property({ type: Number }) accessor account = 0;
  /** Every signed-in account (for the switcher). */
  @property({ attribute: false }) accessor accounts: Account[] = [];
  /** The mailbox listed (an equal mailbox in a new object changes nothing). */
  @property({ attribute: false, hasChanged: (value: Mailbox, old?: Mailbox) => !sameMailbox(value, old) }) accessor mailbox: Mailbox = { kind: 'system', id: 'inbox' };
  /** The open conversation, if any. */
  @property() accessor threadId: string | undefined;
  /** How long "Undo" can stop a send (ms). */
  @property({ type: Number }) accessor undoSendMs = 5000;
  /** The install prompt, for the install button. */
  @property({ attribute: false }) accessor install: InstallSource | undefined;
  /** The account's labels, by name (the route's data, read from the store). */
  @property({ attribute: false }) accessor labels: MailLabel[] = [];

  @state() accessor draft: MailDraft | undefined;
  @state() accessor helpOpen = false;
  @state() accessor authLost = false;
  @state() accessor conflictsOpen = false;
  @state() accessor rejectionsOpen = false;
  /** How many conversations the list has selected (phones show the actions only then). */
  @state() accessor selected = 0;

  #lastUndo: (() => Promise<void>) | undefined;
  // The writes of the last action, settled or not: a star toggled again waits for them.
  #writes: Promise<unknown> = Promise.resolve();
  // Actions taken on the last visit's rows, painted before the store opens, wait here for it: each
  // for the session of the account whose rows it acted on (another account may open first).
  readonly #waiting: Array<{ user: string; run: (session: MailSession) => void; drop: (error: Error) => void }> = [];
  #stops: Array<() => void> = [];
  // Sends waiting for their undo window to end, each with the account it goes from (a send goes on
  // after a switch to another account; signing that other account out must leave it alone).
  readonly #sends = new Map<ReturnType<typeof setTimeout>, string>();

  @query('mail-thread-list') accessor list: MailThreadList | null = null;
  @query('mail-thread-view') accessor thread: MailThreadView | null = null;
  @query('outpost-toaster') accessor toasts!: OutpostToaster;
  @query('mail-compose') accessor compose: MailCompose | null = null;
  @query('input[type=search]') accessor #search!: HTMLInputElement;
  @query('outpost-dialog.help') accessor #help: OutpostDialog | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    this.#stops.push(listenForShortcuts(document, (c) => void this.run(c)));
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#stops.splice(0).forEach((f) => f());
    clearTimeout(this.#later);
  }

  /** The account the shell showed at its last update. */
  #shownUser = '';

  protected override willUpdate(changed: PropertyValues<this>): void {
    // Another account now (the account menu, a sign-out moving /u/<n>): the router keeps this
    // element, but what was one account's must not act in the other's. The open draft is saved in
    // the account it was written in and closed (compose writes and sends as the session shown: it
    // went into the other account's drafts and would have been sent from it), and z no longer
    // undoes the other account's last action.
    const user = this.user;
    if (this.#shownUser && user !== this.#shownUser) {
      if (this.draft) {
        void this.compose?.flush().catch((error: unknown) => console.warn(`The draft of ${this.#shownUser} could not be saved: ${(error as Error)?.message ?? error}`));
        this.draft = undefined;
      }
      this.#lastUndo = undefined;
    }
    this.#shownUser = user;
    // A conversation, compose, the drafts list, the conflict inbox or the refused changes about to show: its chunk now.
    if (this.threadId || this.draft || this.conflictsOpen || this.rejectionsOpen || (this.mailbox.kind === 'system' && this.mailbox.id === 'drafts')) this.#loadMoreViews();
    // What the list held of a conversation is painted only as it is opened from the list.
    if (changed.has('threadId') && this.#opened?.threadId !== this.threadId) this.#opened = undefined;
    // What the next cold start paints before the store opens.
    if (changed.has('labels') && this.session) save(labelsSnapshot(this.session.user), this.labels);
    // Actions waiting for a store run once their account's session is here; those of an account
    // signed out meanwhile end, nothing written (they would wait for good).
    if (changed.has('accounts') || changed.has('session')) {
      for (const waiter of this.#waiting.splice(0)) {
        if (this.session?.user === waiter.user) waiter.run(this.session);
        else if (this.accounts.some((a) => a.user === waiter.user)) this.#waiting.push(waiter);
        else waiter.drop(new Error(`${waiter.user} signed out before it was written`));
      }
    }
    if (!changed.has('session')) return;
    this.#stops.splice(1).forEach((f) => f());
    const session = this.session;
    if (!session) return;
    const onAuth = () => (this.authLost = true);
    session.sync.addEventListener('auth-required', onAuth);
    this.authLost = false;
    this.#stops.push(() => session.sync.removeEventListener('auth-required', onAuth));
  }

  protected override firstUpdated(): void {
    // Well after a cold start's rows paint, so opening a conversation then waits for no chunk.
    this.#later = setTimeout(() => this.#loadMoreViews(), 1000);
  }

  #later: ReturnType<typeof setTimeout> | undefined;

  /** Fetches more-views.ts once; a chunk a deploy removed moves the tab to the new build. */
  #loadMoreViews(): void {
    moreViews ??= import('./more-views.js').catch(async (error: unknown) => {
      moreViews = undefined;
      if (!(await recoverFromStaleChunk(error))) this.toasts.show({ message: 'Part of Outpost Mail could not be loaded: you are offline or it was updated meanwhile. Reload the page to load it again.' });
    });
  }

  /** How many sent messages still wait for their undo window to end. */
  get pendingSends(): number {
    return this.#sends.size;
  }

  /** The element that scrolls the view: the list's, or the open conversation (for the router's scroll restoration). */
  get scroller(): Element | undefined {
    return this.thread ?? this.list?.shadowRoot?.querySelector('outpost-virtual-list')?.scroller ?? undefined;
  }

  /** Goes to a path of the app. */
  go(path: string): void {
    this.dispatchEvent(new CustomEvent('navigate', { detail: path, bubbles: true, composed: true }));
  }

  /** The account's user name (known before its session opens). */
  get user(): string {
    return this.session?.user ?? this.accounts[this.account]?.user ?? '';
  }

  /** The conversation opened from the list, with its messages as the list held them (painted before the store's read). */
  #opened: { threadId: string; messages: MailMessage[] | undefined } | undefined;

  /** Opens a listed conversation. */
  #open(threadId: string): void {
    this.#opened = { threadId, messages: this.list?.messagesOf([threadId]) };
    this.go(mailPath(this.account, this.mailbox, threadId));
  }

  /** The user's address. */
  get me(): string {
    return addressOf(this.user).email;
  }

  /** Thread ids an action applies to: the open thread, else the list's selection or focused row. */
  targets(): string[] {
    if (this.threadId) return [this.threadId];
    return this.list?.targetIds() ?? [];
  }

  /** Every message of these listed conversations when the list holds them (not in a conversation). */
  #held(ids: string[]): MailMessage[] | undefined {
    return this.threadId ? undefined : this.list?.messagesOf(ids);
  }

  /**
   * Runs an action on the targets and offers Undo in a toast. `messages`: the targets' messages
   * when known (by default those the list holds), so the action need not read them first.
   */
  async act(run: MailAction, leaveThread = false, ids = this.targets(), messages = this.#held(ids)): Promise<void> {
    if (!ids.length) return;
    const session = this.session;
    const user = this.user;
    // The list shows the change now (rows it takes out of the mailbox leave, the others show their
    // new labels); the write commits after (a bulk archive of 500 conversations takes most of a
    // second to write).
    const settle = run.change && !this.threadId ? this.list?.leave(ids, run.change) : undefined;
    // The selection the action takes is cleared now, not once its write is in: what the person
    // selects meanwhile (the rows showed the change at once) is theirs.
    const selection = this.threadId ? undefined : this.list?.selection;
    if (selection?.size && ids.length === selection.size && ids.every((id) => selection.has(id))) this.list!.selection = new Set();
    const pending = session ? run(session, ids, messages) : this.#whenOpen().then((s) => run(s, ids, messages));
    this.#writes = pending.catch(() => undefined);
    pending.then((r) => settle?.(!!r.undo), () => settle?.(false));
    // z pressed while the action's writes are still going in must undo this action, not the last one.
    const undoPending = async () => (await pending).undo?.();
    this.#lastUndo = undoPending;
    let result: Awaited<typeof pending>;
    try {
      result = await pending;
    } catch (error) {
      this.toasts.show({ message: `${user}: the action was not done: ${(error as Error)?.message ?? error}`, replace: true });
      return;
    }
    // Another account shown meanwhile: its view stays, and the toast offers no Undo (this.undo()
    // undoes that account's last action); z no longer reaches this one (willUpdate).
    if (this.user !== user) {
      this.toasts.show({ message: `${user}: ${result.message}`, replace: true });
      return;
    }
    if (leaveThread && this.threadId) this.go(mailPath(this.account, this.mailbox));
    const undo = result.undo;
    if (this.#lastUndo === undoPending) this.#lastUndo = undo;
    // In place of the last action's toast: its Undo (and z) now undo this action.
    this.toasts.show({
      message: result.message,
      action: undo ? { label: 'Undo', run: () => this.undo() } : undefined,
      replace: true,
    });
  }

  /**
   * The session once the store is open. A cold start paints the last visit's rows first, and a
   * person may act on them (an archive, a star) before it opens: ~0.1 s on a cold start, seconds
   * while another tab writes a first sync. Such an action waits rather than being dropped, for the
   * session of the account shown when it was taken, not whichever opens next (a switch meanwhile).
   */
  #whenOpen(user = this.user): Promise<MailSession> {
    return new Promise((run, drop) => this.#waiting.push({ user, run, drop }));
  }

  /** Reverses the last undoable action (z, or the toast's Undo). */
  async undo(): Promise<void> {
    const undo = this.#lastUndo;
    this.#lastUndo = undefined;
    if (!undo) return;
    await undo();
    this.toasts.show({ message: 'Action undone.', timeoutMs: 4000, replace: true });
  }

  async #toggleStar(ids = this.targets()): Promise<void> {
    if (!ids.length) return;
    // The targets are read before the first await: the focus may move on while the store answers.
    const listed = this.threadId ? undefined : this.list?.threads?.filter((t) => ids.includes(t.threadId));
    const user = this.user;
    // Undefined when the account signed out while its store opened: nothing to star.
    const read = () => (this.session?.user === user ? Promise.resolve(this.session) : this.#whenOpen(user)).then((s) => threadMessages(s, ids)).catch(() => undefined);
    let messages = this.#held(ids) ?? (await read());
    if (!messages) return;
    // What the person sees decides: a row shows the star of its mailbox's messages, so a row with
    // an unstarred inbox message and a starred sent one looks unstarred and its click stars.
    const starred = listed?.length ? listed.some((t) => t.starred) : messages.some((m) => m.labels.includes('STARRED'));
    // A row shows an action at once, before its write is in and read back: s pressed again then
    // found the held messages as they were, and the unstar changed nothing (the row stayed starred).
    // The messages after the actions under way decide then.
    if (!messages.some((m) => m.labels.includes('STARRED') === starred)) {
      await this.#writes;
      messages = await read();
      if (!messages) return;
    }
    // Another account shown meanwhile: the star was for the rows of the one before.
    if (this.user !== user) return;
    // The action reuses these messages (one read of the conversations per star at most).
    await this.act(starred ? ACTIONS.unstar : ACTIONS.star, false, ids, messages);
  }

  /** Adds (or with `remove`, takes off) a user label on the targets. */
  async applyLabel(labelId: string, remove = false): Promise<void> {
    const label = this.labels.find((l) => l.id === labelId);
    if (!label) return;
    await this.act(labelAction(label, remove));
  }

  /** Opens the compose panel: new, or answering the open thread's newest message. */
  openCompose(request: ComposeRequest): void {
    this.draft = draftFor(request.kind, this.me, request.message);
  }

  /** Sends a draft after the undo window; offline it waits in the outbox ("Queued"). */
  sendDraft(draft: MailDraft): void {
    const session = this.session;
    if (!session) return;
    const args = sendArgsOf(draft, parseRecipients(draft.to), parseRecipients(draft.cc));
    // The server would refuse it: say why now, with the draft still open, not after the send.
    const problem = sendLimitProblem(args);
    if (problem) return void this.toasts.show({ message: `Not sent: ${problem.message}`, replace: true });
    this.draft = undefined;
    const timer = setTimeout(() => {
      this.#sends.delete(timer);
      toast.dismiss();
      void session.sync.custom('send', args).then(async (handle) => {
        this.toasts.show({ message: navigator.onLine ? 'Message sent.' : 'You are offline: the message is queued and goes out when you are back online.' });
        // A send the server refuses is rolled back (the draft comes back): say so, and offer it.
        const outcome = await handle.acked;
        if (outcome.status === 'rejected') {
          this.toasts.show({ message: `Message not sent: ${outcome.error?.message ?? 'the server refused it.'}`, action: { label: 'Edit', run: () => this.#reopen(session, draft) } });
        }
      });
    }, this.undoSendMs);
    const toast = this.toasts.show({
      message: 'Sending…',
      timeoutMs: this.undoSendMs,
      replace: true,
      action: { label: 'Undo', run: () => { clearTimeout(timer); this.#sends.delete(timer); this.#reopen(session, draft); } },
    });
    this.#sends.set(timer, session.user);
    this.#lastUndo = async () => {
      clearTimeout(timer);
      this.#sends.delete(timer);
      toast.dismiss();
      this.#reopen(session, draft);
    };
  }

  /**
   * Opens `session`'s draft again (an undone or refused send) if that account is still the one
   * shown; else it stays in that account's Drafts (compose writes and sends as the account shown).
   */
  #reopen(session: MailSession, draft: MailDraft): void {
    if (this.session?.user === session.user) this.draft = draft;
    else this.toasts.show({ message: `The draft stays in ${session.user}'s Drafts: switch to that account to edit it.`, replace: true });
  }

  /**
   * Signs the account out (fires `sign-out`), which deletes its data on this device. What the
   * server does not have yet (offline work, a send in its undo window) would go with it: the person
   * is asked first, and nothing is deleted unless they agree. Where how much is not known (the
   * store still opening on a cold start, or the count failing), they are asked too.
   */
  async signOut(): Promise<void> {
    const user = this.user;
    const session = this.session;
    // Online, what is queued goes out first (a cycle ends, sent or not: an unreachable server fails it).
    if (session && navigator.onLine) await session.sync.syncNow().catch(() => undefined);
    const sends = [...this.#sends].filter(([, from]) => from === user).map(([timer]) => timer);
    let unknown = session ? '' : 'its mail on this device is still opening';
    const queued = session ? await unsentCount(session).catch((error: unknown) => ((unknown = `they could not be counted: ${(error as Error)?.message ?? error}`), 0)) : 0;
    const unsent = queued + sends.length;
    const lost = unknown
      ? `Whether ${user} has changes (sent messages, archives, labels…) that have not reached the server yet is not known: ${unknown}. Signing out deletes any from this device for good.`
      : `${unsent} change${unsent === 1 ? '' : 's'} of ${user} (sent messages, archives, labels…) have not reached the server yet: you are offline or it cannot be reached. Signing out deletes them from this device for good.`;
    if ((unsent || unknown) && !confirm(`${lost}\n\nSign out anyway? Cancel keeps them; they go out when you are back online.`)) return;
    // Agreed: its sends still in their undo window would run on a closed session (another
    // account's go on).
    for (const timer of sends) {
      clearTimeout(timer);
      this.#sends.delete(timer);
    }
    this.dispatchEvent(new CustomEvent('sign-out', { detail: user, bubbles: true, composed: true }));
  }

  /** Runs a keyboard command. */
  async run(command: MailCommand): Promise<void> {
    // The dialog's own state, not helpOpen: that turns false only with the dialog's `close` event,
    // a task after Escape, and a key pressed in between (a user quick after Escape, or a test
    // under load) was dropped ("#" after closing the help did nothing).
    const helpShowing = this.#help?.showing ?? false;
    // A modal dialog (help, sync conflicts, refused changes) has the keyboard: the conversations
    // behind it are inert to the pointer, and must be to keys too ("#" in the conflicts dialog
    // trashed the conversation focused behind it). Only "?" (closing the help) goes through.
    const modal = [...this.renderRoot.querySelectorAll<OutpostDialog>('outpost-dialog')].some((d) => d.showing);
    if (modal && !(helpShowing && command === 'help')) return;
    const inList = !this.threadId;
    switch (command) {
      case 'next': return inList ? this.list?.move(1) : undefined;
      case 'previous': return inList ? this.list?.move(-1) : undefined;
      case 'select': return inList ? this.list?.toggleFocused() : undefined;
      case 'open': {
        const t = inList ? this.list?.focusedThread() : undefined;
        return t ? this.#open(t.threadId) : undefined;
      }
      case 'back': return this.threadId ? this.go(mailPath(this.account, this.mailbox)) : undefined;
      case 'archive': return this.act(ACTIONS.archive, true);
      case 'delete': return this.act(ACTIONS.trash, true);
      case 'star': return this.#toggleStar();
      case 'mark-read': return this.act(ACTIONS.markRead);
      case 'mark-unread': return this.act(ACTIONS.markUnread, true);
      case 'compose': return this.openCompose({ kind: 'new' });
      case 'reply':
      case 'reply-all':
      case 'forward': return this.thread?.compose(command);
      case 'search': return this.#search.focus();
      case 'go-inbox': return this.go(mailPath(this.account, { kind: 'system', id: 'inbox' }));
      case 'go-starred': return this.go(mailPath(this.account, { kind: 'system', id: 'starred' }));
      case 'go-sent': return this.go(mailPath(this.account, { kind: 'system', id: 'sent' }));
      case 'undo': return this.undo();
      case 'help': this.helpOpen = !helpShowing; return;
    }
  }

  // Choosing an item closes the menu: an account (a link, which the router follows) or a button.
  // Captured, so it runs before the item's own click: a dialog that item opens then takes the
  // menu's button as where focus goes back to, not the item the closed menu hides.
  #closeMenu = {
    capture: true,
    handleEvent: (e: MouseEvent) => {
      if (!e.composedPath().some((n) => n instanceof HTMLAnchorElement || n instanceof HTMLButtonElement)) return;
      const menu = (e.currentTarget as HTMLElement).closest('details');
      menu?.removeAttribute('open');
      menu?.querySelector('summary')?.focus();
    },
  };

  #submitSearch(e: SubmitEvent) {
    e.preventDefault();
    const q = this.#search.value.trim();
    if (!q) return;
    // Leave the field so j/k and the other shortcuts work on the results straight away.
    this.#search.blur();
    this.go(mailPath(this.account, { kind: 'search', query: q }));
  }

  override render() {
    const title = mailboxTitle(this.mailbox, this.labels.find((l) => this.mailbox.kind === 'label' && l.id === this.mailbox.id)?.name);
    const searchValue = this.mailbox.kind === 'search' ? this.mailbox.query : '';
    return html`
      <outpost-shell nav-label="Mailboxes" menu-label="Mailboxes" breakpoint="701">
        <div slot="top" class="top">
          <span class="brand">Outpost Mail</span>
          <form role="search" @submit=${this.#submitSearch}>
            <input type="search" aria-label="Search mail" placeholder="Search mail (from: to: subject: label: is:unread has:attachment before: after:)" .value=${searchValue} />
          </form>
          <outpost-sync-status class="sync" .sync=${this.session?.sync} .store=${this.session?.store} .describeRejection=${refusedChangeTitle} .describeConflict=${conflictTitle} @show-rejections=${() => (this.rejectionsOpen = true)} @show-conflicts=${() => (this.conflictsOpen = true)}></outpost-sync-status>
          <details class="accounts">
            <summary aria-label=${`Account ${this.user}`}>${this.user}</summary>
            <div class="menu-panel" @click=${this.#closeMenu}>
              <ul>${this.accounts.map((a, i) => html`<li><a href=${mailPath(i, { kind: 'system', id: 'inbox' })} aria-current=${i === this.account ? 'page' : 'false'}>${addressOf(a.user).email}</a></li>`)}</ul>
              <a href="/signin">Add another account</a>
              <button @click=${() => (this.conflictsOpen = true)}>Sync conflicts</button>
              <button @click=${() => (this.rejectionsOpen = true)}>Refused changes</button>
              <button @click=${() => void this.signOut()}>Sign out ${this.user}</button>
            </div>
          </details>
          <outpost-install-button class="install" .install=${this.install}>Install</outpost-install-button>
          <button class="icon" aria-label="Keyboard shortcuts" @click=${() => (this.helpOpen = true)}>?</button>
        </div>
        <div slot="nav" class="nav">${renderNav(this)}</div>
        <div class="view">
          ${this.authLost ? html`<p class="banner" role="alert">The server signed ${this.user} out. Your changes are kept on this device; <a href="/signin">sign in again</a> to sync them.</p>` : ''}
          <outpost-sync-progress .sync=${this.session?.sync} label="Downloading your mail"></outpost-sync-progress>
          ${renderToolbar(this, title)}
          ${this.mailbox.kind === 'system' && this.mailbox.id === 'drafts' && !this.threadId
            ? html`<mail-drafts-list .session=${this.session} @open-draft=${(e: CustomEvent<MailDraft>) => (this.draft = e.detail)}></mail-drafts-list>`
            : this.threadId
              ? html`<mail-thread-view .session=${this.session} .threadId=${this.threadId} .known=${this.#opened?.threadId === this.threadId ? this.#opened.messages : undefined} .labels=${this.labels} @compose=${(e: CustomEvent<ComposeRequest>) => this.openCompose(e.detail)}></mail-thread-view>`
              : html`<mail-thread-list .session=${this.session} .user=${this.user} .mailbox=${this.mailbox} .labels=${this.labels} .label=${title}
                  @list-selection=${(e: CustomEvent<number>) => (this.selected = e.detail)}
                  @open-thread=${(e: CustomEvent<string>) => this.#open(e.detail)}
                  @row-star=${(e: CustomEvent<string>) => void this.#toggleStar([e.detail])}></mail-thread-list>`}
        </div>
      </outpost-shell>
      ${this.draft
        ? html`<mail-compose .session=${this.session} .draft=${this.draft} @draft-change=${(e: CustomEvent<MailDraft>) => (this.draft = e.detail)} @close=${() => (this.draft = undefined)} @send-draft=${(e: CustomEvent<MailDraft>) => this.sendDraft(e.detail)}></mail-compose>`
        : html`<button class="compose-fab" @click=${() => this.openCompose({ kind: 'new' })}>✎ Compose</button>`}
      <outpost-toaster></outpost-toaster>
      <outpost-dialog label="Sync conflicts" .open=${this.conflictsOpen} @close=${() => (this.conflictsOpen = false)}>
        ${this.conflictsOpen ? html`<outpost-conflict-inbox .sync=${this.session?.sync} .describe=${conflictTitle}></outpost-conflict-inbox>` : ''}
      </outpost-dialog>
      <outpost-dialog class="refused" label="Refused changes" .open=${this.rejectionsOpen} @close=${() => (this.rejectionsOpen = false)}>
        ${this.rejectionsOpen ? html`<outpost-rejections .store=${this.session?.store} .describe=${refusedChangeTitle}></outpost-rejections>` : ''}
      </outpost-dialog>
      <outpost-dialog class="help" label="Keyboard shortcuts" .open=${this.helpOpen} @close=${() => (this.helpOpen = false)}>
        <table class="shortcuts">
          <thead><tr><th scope="col">Key</th><th scope="col">Action</th></tr></thead>
          <tbody>${SHORTCUTS.map((s) => html`<tr><td><kbd>${s.keys}</kbd></td><td>${s.label}</td></tr>`)}</tbody>
        </table>
      </outpost-dialog>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'mail-shell': MailShell;
  }
}
