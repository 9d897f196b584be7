// What each mailbox shows, read from the local store (so every view works offline). A mailbox is
// read newest first from an index and only as far as the list needs: the first screen of a 50k
// mailbox costs a few hundred records, not the whole mailbox.
import type { Collection, OutboxEntry, Query } from 'outpost';
import { addressOf, type MailLabel, type MailMessage } from '../model.js';
import { matchesSearch } from '../mail/match.js';
import { parseSearch, wordsOf } from '../mail/search-query.js';
import { groupThreads, type ThreadSummary } from '../mail/threads.js';
import type { MailSession, StoredMessage } from './mail-store.js';
import type { Mailbox } from './routes.js';

const SYSTEM_LABEL: Record<string, string> = { inbox: 'INBOX', starred: 'STARRED', sent: 'SENT', trash: 'TRASH' };

/** A query over messages with one label, newest first. */
export function labelQuery(label: string): Query {
  return { index: 'byLabelDate', between: [[label, -Infinity], [label, Infinity]], direction: 'prev' };
}

/**
 * Where a mailbox's messages come from: an index read newest first (a word search's matches
 * too, listed by the date index), and which of them it lists.
 */
export interface MailboxSource {
  query: Query;
  keep: (m: MailMessage) => boolean;
  /**
   * The most to read at a time once the first chunk falls short (each next chunk is sized from how
   * many messages a conversation took so far).
   */
  chunk: number;
}

/** A query over messages whose sender (`bySender`) or recipients (`byRecipient`) have `word`, newest first. */
function addressQuery(index: 'bySender' | 'byRecipient', word: string): Query {
  return { index, between: [[word, -Infinity], [word, Infinity]], direction: 'prev' };
}

/**
 * Where a search's candidates come from, most selective first: the word index, listed newest first
 * by the date index, for free and `subject:` words (every match holds them; the words of `from:`
 * and `to:` join them, since addresses are indexed words too) and for an address of several words
 * (`from:rare.example`: one of its words alone may be in every address); else the sender or
 * recipient index for a one-word `from:` or `to:` (whole words, newest first); else the label index
 * for `is:starred`, `is:unread` or one `label:`; else (only dates, has:) every message newest
 * first. `keep` then applies the whole query to each candidate.
 */
function searchSource(query: string, labels: readonly MailLabel[]): MailboxSource {
  const q = parseSearch(query);
  // Like gmail, search skips Trash unless the query asks for it.
  const wantsTrash = q.labels.some((l) => l.toLowerCase() === 'trash');
  const keep = (m: MailMessage) => (wantsTrash || !m.labels.includes('TRASH')) && matchesSearch(m, q, labels);
  const address = [...q.from, ...q.to].map(wordsOf);
  const words = [...q.words, ...q.subject];
  // The word index finds the matches, the date index lists them newest first: a page reads its
  // own messages, not every match.
  if (words.length || address.some((a) => a.length > 1)) return { query: { words: [...words, ...address.flat()].join(' '), index: 'byDate', direction: 'prev' }, keep, chunk: 400 };
  const [from] = q.from.map(wordsOf).find((a) => a.length) ?? [];
  if (from) return { query: addressQuery('bySender', from), keep, chunk: 400 };
  const [to] = q.to.map(wordsOf).find((a) => a.length) ?? [];
  if (to) return { query: addressQuery('byRecipient', to), keep, chunk: 400 };
  const label = q.starred ? 'STARRED' : q.unread ? 'UNREAD' : q.labels.length ? labelIdOf(q.labels[0], labels) : undefined;
  if (label) return { query: labelQuery(label), keep, chunk: 400 };
  // Matches may be sparse: read big chunks of the whole mailbox.
  return { query: { index: 'byDate', direction: 'prev' }, keep, chunk: 2000 };
}

/** The one label id `label:<name>` can mean (a user label's name or id, or a system label), if one. */
function labelIdOf(wanted: string, labels: readonly MailLabel[]): string | undefined {
  const w = wanted.toLowerCase();
  const ids = new Set(labels.filter((l) => l.name.toLowerCase() === w || l.id.toLowerCase() === w).map((l) => l.id));
  const system = Object.values(SYSTEM_LABEL).concat('UNREAD', 'IMPORTANT').find((s) => s.toLowerCase() === w);
  if (system) ids.add(system);
  return ids.size === 1 ? [...ids][0] : undefined;
}

/**
 * Where a mailbox's messages come from (newest first), which of them it lists, and how many to
 * read at a time once the first chunk falls short.
 */
function sourceOf(mailbox: Mailbox, labels: readonly MailLabel[]): MailboxSource | undefined {
  const notTrash = (m: MailMessage) => !m.labels.includes('TRASH');
  if (mailbox.kind === 'search') return searchSource(mailbox.query, labels);
  if (mailbox.id === 'all') return { query: { index: 'byDate', direction: 'prev' }, keep: notTrash, chunk: 400 };
  const label = mailbox.kind === 'label' ? mailbox.id : SYSTEM_LABEL[mailbox.id];
  if (!label) return undefined; // drafts have their own list
  // A conversation is summarised from its messages with the label (its order is theirs too).
  return { query: labelQuery(label), keep: (m) => m.labels.includes(label) && (label === 'TRASH' || notTrash(m)), chunk: 400 };
}

/**
 * Where a mailbox (not a search) lists its messages from, for a list patched from its writes
 * (live-threads.ts); undefined for drafts and searches.
 */
export function listSourceOf(mailbox: Mailbox): MailboxSource | undefined {
  if (mailbox.kind === 'search') return undefined;
  return sourceOf(mailbox, []);
}

/** The first `limit` conversations of a mailbox, newest first, and whether more follow. */
export interface MailboxPage {
  threads: ThreadSummary[];
  more: boolean;
}

/**
 * The newest `limit` conversations of a mailbox. Walks the mailbox's index newest first until it
 * has seen `limit` threads, then reads those threads' messages (one transaction) to summarise
 * each from the messages the mailbox lists.
 */
export async function mailboxThreads(session: MailSession, mailbox: Mailbox, labels: readonly MailLabel[], limit: number): Promise<MailboxPage> {
  const source = sourceOf(mailbox, labels);
  if (!source) return { threads: [], more: false };
  // One transaction for the whole read: between separate ones, a burst of sync writes (each
  // waiting its turn) could hold the list back for seconds.
  return session.store.transaction(['messages'], 'readonly', async (tx) => {
    const messages = tx.collection<StoredMessage>('messages');
    const threadIds = new Set<string>();
    let more = false;
    let after: Query['after'];
    // About 1.2 messages per conversation in a mailbox, so the first chunk usually covers a page; a
    // search's matches run 2.5-3.5 (a sender's replies, a topic's thread): the next chunk follows.
    const first = Math.min(source.chunk, Math.ceil(limit * 1.5));
    let chunk = first;
    let read = 0;
    walk: for (;;) {
      const page = await messages.page({ ...source.query, limit: chunk, after });
      read += page.items.length;
      for (const m of page.items) {
        if (threadIds.has(m.threadId) || !source.keep(m)) continue;
        if (threadIds.size === limit) {
          more = true;
          break walk;
        }
        threadIds.add(m.threadId);
      }
      if (!page.next) break;
      after = page.next;
      // The conversations still wanted (one past the page says whether more follow), at the rate
      // read so far, a quarter over: a sender's replies in one conversation (2.5 messages each)
      // read ~75 more, not the 400 a chunk holds for candidates `keep` mostly turns away.
      const rate = read / Math.max(threadIds.size, 1);
      chunk = Math.min(source.chunk, Math.max(first, Math.ceil((limit + 1 - threadIds.size) * rate * 1.25)));
    }
    const members = await messagesOf(messages, threadIds);
    return { threads: groupThreads(members.filter(source.keep), addressOf(session.user).email), more };
  });
}

/** Every message of the threads, from `messages` (a collection of a transaction). */
async function messagesOf(messages: Collection<StoredMessage>, threadIds: Iterable<string>): Promise<MailMessage[]> {
  // Requests are queued together; IndexedDB answers them in order within the transaction.
  const lists = await Promise.all([...threadIds].map((t) => messages.query({ index: 'byThread', between: [[t, -Infinity], [t, Infinity]] })));
  return lists.flat();
}

/** Every message of the given threads, read in one transaction. */
export function threadMessages(session: MailSession, threadIds: Iterable<string>): Promise<MailMessage[]> {
  return session.store.transaction(['messages'], 'readonly', (tx) => messagesOf(tx.collection<StoredMessage>('messages'), threadIds));
}

/**
 * Keys of documents with mutations the server has not acknowledged yet (one read of the outbox
 * per change, rather than `sync.pendingFor` per row): built-in mutations name their document (read
 * from the outbox's `byDoc` index keys, not its entries: each entry holds its document's value
 * before, a whole message with its text, and after a bulk action hundreds of them are read again
 * after every push); a queued `send` names the message it creates, and marks it 'send' even when a
 * later change to it is pending too.
 */
export async function pendingKeys(session: MailSession): Promise<Map<string, 'send' | 'change'>> {
  const keys = new Map<string, 'send' | 'change'>();
  await session.store.transaction(['$outbox'], 'readonly', async (tx) => {
    const byDoc = tx.raw.objectStore('$outbox').index('byDoc');
    for (let c = await byDoc.openKeyCursor(IDBKeyRange.lowerBound('', true)); c; c = await c.continue()) {
      const doc = c.key as string;
      keys.set(doc.slice(doc.indexOf('/') + 1), 'change');
    }
    // Custom mutations name no document ('').
    for (const e of (await byDoc.getAll('')) as OutboxEntry[]) if (e.mutation.name === 'send') keys.set((e.mutation as { args?: { id?: string } }).args?.id ?? '', 'send');
  });
  return keys;
}

/** How many changes (mutations, sends included) of the account the server has not acknowledged yet. */
export function unsentCount(session: MailSession): Promise<number> {
  return session.store.transaction(['$outbox'], 'readonly', (tx) => tx.raw.objectStore('$outbox').count());
}
