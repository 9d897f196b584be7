// A mailbox's conversations kept live by patching, not re-reading: the mailbox's newest messages
// are a patched live query (`collection.observe`, which places this tab's writes without reading
// them back), and only the conversations a write touched are read again and regrouped. Every
// other conversation keeps its summary object, so the list re-renders only the rows that changed.
import type { Key, LiveDiff } from 'outpost';
import { addressOf, type MailMessage } from '../model.js';
import { groupThreads, type ThreadSummary } from '../mail/threads.js';
import type { MailSession, StoredMessage } from './mail-store.js';
import { threadMessages, type MailboxPage, type MailboxSource } from './queries.js';

/** More unknown keys than this in one write (a pulled page) re-read every listed conversation instead. */
const MAX_UNKNOWN = 100;

/** A mailbox followed by {@link watchThreads}. */
export interface ThreadsWatch {
  /** Stops following: no page is handed over after it. */
  stop(): void;
  /**
   * Every message of these listed conversations as the watch holds them, or undefined unless it
   * holds them all and no write to them is still being placed (then read them instead).
   */
  messagesOf(threadIds: Iterable<string>): MailMessage[] | undefined;
}

/**
 * Follows the newest `limit` conversations of a mailbox read from an index (`source`) and calls
 * `onPage` after each change that alters them (at first with every conversation listed).
 */
export function watchThreads(session: MailSession, source: MailboxSource, limit: number, onPage: (page: MailboxPage) => void, onError: (error: unknown) => void): ThreadsWatch {
  return new LiveThreads(session, source, limit, onPage, onError);
}

class LiveThreads implements ThreadsWatch {
  readonly #session: MailSession;
  readonly #source: MailboxSource;
  readonly #limit: number;
  readonly #onPage: (page: MailboxPage) => void;
  readonly #onError: (error: unknown) => void;
  /** Messages the window reads (4 per listed conversation, doubled while it lists too few). */
  #window: number;
  #stopWindow: (() => void) | undefined;
  /** The window's rows (its messages newest first), undefined until its first result. */
  #rows: StoredMessage[] | undefined;
  /** The window's rows are what a write left while the rows after them are read (LiveDiff.partial). */
  #partial = false;
  /** Keys of the window's rows: the window reports their writes itself (see #onChange). */
  #inWindow = new Set<Key>();
  /** Where each message of the window and of every listed conversation belongs. */
  readonly #threadOf = new Map<Key, string>();
  readonly #summaries = new Map<string, ThreadSummary>();
  /** Each listed conversation's messages as last read, with the window's newer rows laid over them. */
  readonly #members = new Map<string, Map<Key, MailMessage>>();
  /** Conversations whose messages are being read: a row the window hands over meanwhile may be older in that read. */
  readonly #reading = new Set<string>();
  /** Conversations to group again from #members: every write to them came with the window's rows. */
  readonly #regroup = new Set<string>();
  /** Conversations to read again, and written keys not yet placed in a conversation. */
  readonly #dirty = new Set<string>();
  readonly #unknown = new Set<Key>();
  /** Every listed conversation is to be read again (a write with unknown keys, e.g. clear()). */
  #all = false;
  #busy = false;
  #again = false;
  #stopped = false;

  constructor(session: MailSession, source: MailboxSource, limit: number, onPage: (page: MailboxPage) => void, onError: (error: unknown) => void) {
    this.#session = session;
    this.#source = source;
    this.#limit = limit;
    this.#onPage = onPage;
    this.#onError = onError;
    // A conversation has ~3 messages in a mailbox (the seed's 1–6): a window that lists too few
    // doubles, and each doubling is one more read before the first rows paint (two at 1.5 each).
    this.#window = limit * 4 + 1;
    session.store.addEventListener('change', this.#onChange);
    this.#watchWindow();
  }

  messagesOf(threadIds: Iterable<string>): MailMessage[] | undefined {
    // Writes not yet placed may belong to any conversation.
    if (this.#all || this.#unknown.size) return undefined;
    const out: MailMessage[] = [];
    for (const t of threadIds) {
      const members = this.#members.get(t);
      if (!members || this.#reading.has(t) || this.#dirty.has(t) || this.#regroup.has(t)) return undefined;
      out.push(...members.values());
    }
    return out;
  }

  readonly stop = (): void => {
    this.#stopped = true;
    this.#stopWindow?.();
    this.#session.store.removeEventListener('change', this.#onChange);
  };

  #watchWindow(): void {
    this.#stopWindow?.();
    this.#rows = undefined;
    const messages = this.#session.store.collection<StoredMessage>('messages');
    // `partial`: a bulk archive that empties the window lists the conversations left, and reads
    // theirs, while the window reads its next rows, instead of one read after the other.
    this.#stopWindow = messages.observe({ ...this.#source.query, limit: this.#window, partial: true }, (rows, diff) => this.#onWindow(rows, diff), this.#onError);
  }

  /** The window changed: the conversations of the messages that joined, left or changed are read again. */
  #onWindow(rows: StoredMessage[], diff: LiveDiff): void {
    const before = this.#rows;
    this.#rows = rows;
    this.#partial = !!diff.partial;
    this.#inWindow = new Set(rows.map((m) => m.id));
    for (const m of rows) this.#threadOf.set(m.id, m.threadId);
    if (!diff.reset) {
      const byId = new Map(rows.map((m) => [m.id as Key, m]));
      // Their writes were seen by #onChange too; the window knows where each of them belongs. A
      // known message rewritten in place (star, label, read) comes with its new row: its
      // conversation is grouped again from what is known, without a read (one less transaction
      // between the click and the paint).
      for (const key of [...diff.added, ...diff.removed, ...diff.changed]) {
        this.#unknown.delete(key);
        const t = this.#threadOf.get(key);
        if (t === undefined) continue;
        const row = byId.get(key);
        const members = this.#members.get(t);
        if (row && members?.has(key) && !this.#reading.has(t)) {
          members.set(key, row);
          this.#regroup.add(t);
        } else this.#dirty.add(t);
      }
    } else if (before) this.#all = true;
    this.#schedule();
  }

  /**
   * Any committed write to messages: a listed conversation whose message changed is read again.
   * A message in the window is left to the window's callback, which follows with its new place
   * (reading its conversation now would read it twice, once with the window's old order).
   */
  readonly #onChange = (e: Event): void => {
    const keys = (e as CustomEvent<Map<string, Key[]>>).detail.get('messages');
    if (!keys) return;
    if (!keys.length) this.#all = true;
    for (const key of keys) {
      if (this.#inWindow.has(key)) continue;
      const t = this.#threadOf.get(key);
      if (t !== undefined) this.#dirty.add(t);
      else this.#unknown.add(key);
    }
    this.#schedule();
  };

  #schedule(): void {
    if (this.#busy) {
      this.#again = true;
      return;
    }
    this.#busy = true;
    void this.#update()
      .catch((err: unknown) => {
        if (!this.#stopped) this.#onError(err);
      })
      .finally(() => {
        this.#busy = false;
        if (this.#again && !this.#stopped) {
          this.#again = false;
          this.#schedule();
        }
      });
  }

  /** Reads the conversations to read again (or listed for the first time) and publishes the list. */
  async #update(): Promise<void> {
    const rows = this.#rows;
    if (!rows || this.#stopped) return;
    const { keep } = this.#source;
    const order: string[] = [];
    const seen = new Set<string>();
    for (const m of rows) {
      if (seen.has(m.threadId) || !keep(m)) continue;
      seen.add(m.threadId);
      order.push(m.threadId);
    }
    const partial = this.#partial;
    // A full window with no conversation past the page: read more messages (starts afresh).
    if (rows.length === this.#window && order.length <= this.#limit) {
      this.#window *= 2;
      this.#watchWindow();
      return;
    }
    const listed = order.slice(0, this.#limit);
    const isListed = new Set(listed);
    const read = new Set<string>();
    if (this.#all || this.#unknown.size > MAX_UNKNOWN) listed.forEach((t) => read.add(t));
    else if (this.#unknown.size) {
      // Messages of no conversation seen yet: a new message of a listed conversation, older than the window.
      const found = await this.#session.store.collection<StoredMessage>('messages').getMany([...this.#unknown]);
      if (this.#stopped) return;
      for (const m of found) if (m && isListed.has(m.threadId)) read.add(m.threadId);
    }
    this.#all = false;
    this.#unknown.clear();
    for (const t of this.#dirty) if (isListed.has(t)) read.add(t);
    this.#dirty.clear();
    const regroup = [...this.#regroup].filter((t) => isListed.has(t) && !read.has(t));
    this.#regroup.clear();
    for (const t of regroup) this.#group(t, [...this.#members.get(t)!.values()]);
    // Conversations no longer listed are forgotten (a write to them no longer matters).
    for (const t of this.#summaries.keys()) if (!isListed.has(t)) this.#summaries.delete(t);
    for (const t of this.#members.keys()) if (!isListed.has(t)) this.#members.delete(t);
    const known = listed.findIndex((t) => !this.#summaries.has(t) || read.has(t));
    if (known > 0 && listed.slice(known).every((t) => !this.#summaries.has(t))) {
      // Conversations that joined at the end (a write took others out): the list paints without
      // the ones that left at once, and the newcomers follow after their read.
      this.#publish({ threads: listed.slice(0, known).map((t) => this.#summaries.get(t)!), more: true });
    }
    for (const t of listed) if (!this.#summaries.has(t)) read.add(t);
    if (read.size) {
      for (const t of read) this.#reading.add(t);
      const members = await threadMessages(this.#session, read).finally(() => this.#reading.clear());
      if (this.#stopped) return;
      const byThread = new Map<string, MailMessage[]>();
      for (const m of members) {
        this.#threadOf.set(m.id, m.threadId);
        byThread.set(m.threadId, [...(byThread.get(m.threadId) ?? []), m]);
      }
      for (const t of read) this.#group(t, byThread.get(t) ?? []);
    }
    if (this.#threadOf.size > 4 * (this.#window + this.#summaries.size * 4)) this.#forget(isListed);
    const threads = listed.map((t) => this.#summaries.get(t)).filter((s): s is ThreadSummary => !!s);
    this.#publish({ threads, more: order.length > this.#limit || partial });
  }

  /** Keeps a conversation's messages and groups its summary from those the mailbox shows. */
  #group(t: string, messages: MailMessage[]): void {
    this.#members.set(t, new Map(messages.map((m) => [m.id as Key, m])));
    const summary = groupThreads(messages.filter(this.#source.keep), addressOf(this.#session.user).email)[0];
    if (summary) this.#summaries.set(t, summary);
    else this.#summaries.delete(t);
  }

  /**
   * Hands a page to the list unless stopped: a list that starts watching again (it moved in the
   * DOM, or reads more) must not get a page from the watch it stopped, computed from older rows
   * after the new watch's page (Firefox under load: an empty inbox after the first sync).
   */
  #publish(page: MailboxPage): void {
    if (!this.#stopped) this.#onPage(page);
  }

  /** Drops what it knows of messages of conversations no longer listed. */
  #forget(isListed: Set<string>): void {
    for (const [key, t] of this.#threadOf) if (!isListed.has(t)) this.#threadOf.delete(key);
    for (const m of this.#rows ?? []) this.#threadOf.set(m.id, m.threadId);
  }
}
