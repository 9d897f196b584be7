// The demo's URL scheme, gmail style: `/u/<account>/<mailbox>[/t/<threadId>]`, plus `/signin`.

/** A mailbox the list can show. */
export type Mailbox =
  | { kind: 'system'; id: 'inbox' | 'starred' | 'sent' | 'drafts' | 'all' | 'trash' }
  | { kind: 'label'; id: string }
  | { kind: 'search'; query: string };

/** What a path asks for. */
export type Route =
  | { page: 'signin' }
  | { page: 'mail'; account: number; mailbox: Mailbox; threadId?: string };

const SYSTEM = new Set(['inbox', 'starred', 'sent', 'drafts', 'all', 'trash']);

/** Parses a path; anything unknown under an account falls back to its inbox. */
export function parseRoute(path: string): Route {
  const parts = path.split('/').filter(Boolean).map((p) => decodeURIComponent(p));
  if (parts[0] !== 'u' || !/^\d+$/.test(parts[1] ?? '')) return { page: 'signin' };
  const account = Number(parts[1]);
  let rest = parts.slice(2);
  let mailbox: Mailbox = { kind: 'system', id: 'inbox' };
  if ((rest[0] === 'label' || rest[0] === 'search') && rest[1] !== undefined) {
    mailbox = rest[0] === 'label' ? { kind: 'label', id: rest[1] } : { kind: 'search', query: rest[1] };
    rest = rest.slice(2);
  } else if (rest[0] && SYSTEM.has(rest[0])) {
    mailbox = { kind: 'system', id: rest[0] as 'inbox' };
    rest = rest.slice(1);
  }
  const threadId = rest[0] === 't' && rest[1] ? rest[1] : undefined;
  return { page: 'mail', account, mailbox, threadId };
}

/** The path of a mailbox (and optionally one of its threads) in an account. */
export function mailPath(account: number, mailbox: Mailbox, threadId?: string): string {
  const box =
    mailbox.kind === 'system' ? mailbox.id : mailbox.kind === 'label' ? `label/${encodeURIComponent(mailbox.id)}` : `search/${encodeURIComponent(mailbox.query)}`;
  return `/u/${account}/${box}${threadId ? `/t/${encodeURIComponent(threadId)}` : ''}`;
}

/** The heading of a mailbox. */
export function mailboxTitle(mailbox: Mailbox, labelName?: string): string {
  if (mailbox.kind === 'search') return `Search: ${mailbox.query}`;
  if (mailbox.kind === 'label') return labelName ?? mailbox.id;
  return { inbox: 'Inbox', starred: 'Starred', sent: 'Sent', drafts: 'Drafts', all: 'All mail', trash: 'Trash' }[mailbox.id];
}
