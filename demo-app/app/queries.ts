// What each mailbox shows, read from the local store (so every view works offline).
import type { OutboxEntry } from 'outpost';
import type { MailLabel, MailMessage } from '../model.js';
import { matchesSearch } from '../mail/match.js';
import { parseSearch } from '../mail/search-query.js';
import type { MailSession, StoredMessage } from './mail-store.js';
import type { Mailbox } from './routes.js';

const SYSTEM_LABEL: Record<string, string> = { inbox: 'INBOX', starred: 'STARRED', sent: 'SENT', trash: 'TRASH' };

/** The messages a mailbox lists (any order; the list groups them into threads). */
export async function mailboxMessages(session: MailSession, mailbox: Mailbox, labels: readonly MailLabel[]): Promise<MailMessage[]> {
  const messages = session.store.collection<StoredMessage>('messages');
  const notTrash = (m: MailMessage) => !m.labels.includes('TRASH');
  if (mailbox.kind === 'search') {
    const q = parseSearch(mailbox.query);
    // Like gmail, search skips Trash unless the query asks for it.
    const wantsTrash = q.labels.some((l) => l.toLowerCase() === 'trash');
    return (await messages.query({})).filter((m) => (wantsTrash || notTrash(m)) && matchesSearch(m, q, labels));
  }
  if (mailbox.kind === 'label') return (await messages.query({ index: 'byLabel', equals: mailbox.id })).filter(notTrash);
  if (mailbox.id === 'all') return (await messages.query({})).filter(notTrash);
  if (mailbox.id === 'drafts') return [];
  const label = SYSTEM_LABEL[mailbox.id];
  const rows = await messages.query({ index: 'byLabel', equals: label });
  return label === 'TRASH' ? rows : rows.filter(notTrash);
}

/**
 * Keys of documents with mutations the server has not acknowledged yet (one read of the outbox
 * per change, rather than `sync.pendingFor` per row): built-in mutations name their document; a
 * queued `send` names the message it creates.
 */
export async function pendingKeys(session: MailSession): Promise<Map<string, 'send' | 'change'>> {
  const keys = new Map<string, 'send' | 'change'>();
  for (const e of await session.store.collection<OutboxEntry>('$outbox').query({})) {
    if (e.doc) keys.set(e.doc.slice(e.doc.indexOf('/') + 1), 'change');
    else if (e.mutation.name === 'send') keys.set((e.mutation as { args?: { id?: string } }).args?.id ?? '', 'send');
  }
  return keys;
}
