// The demo's URL scheme, gmail style: `/u/<account>/<mailbox>[/t/<threadId>]`, plus `/signin`. The
// patterns are the router's (URLPattern syntax); this module turns their params into a mailbox.
import type { RouteParams } from 'outpost';

/** A mailbox the list can show. */
export type Mailbox =
  | { kind: 'system'; id: 'inbox' | 'starred' | 'sent' | 'drafts' | 'all' | 'trash' }
  | { kind: 'label'; id: string }
  | { kind: 'search'; query: string };

/** The route patterns of an account's mail: a system mailbox, a label or a search, each with an optional open thread. */
export const MAIL_PATTERNS = [
  '/u/:account(\\d+)/:box(inbox|starred|sent|drafts|all|trash){/t/:thread}?',
  '/u/:account(\\d+)/label/:label{/t/:thread}?',
  '/u/:account(\\d+)/search/:query{/t/:thread}?',
] as const;

/** URLPattern hands out path segments as they are in the URL, percent-encoded. */
const decode = (s: string | undefined) => (s === undefined ? undefined : decodeURIComponent(s));

/** The account index, mailbox and open thread a matched mail route names. */
export function mailRouteOf(params: RouteParams): { account: number; mailbox: Mailbox; threadId?: string } {
  const mailbox: Mailbox =
    params.label !== undefined ? { kind: 'label', id: decode(params.label)! }
    : params.query !== undefined ? { kind: 'search', query: decode(params.query)! }
    : { kind: 'system', id: (params.box ?? 'inbox') as 'inbox' };
  return { account: Number(params.account), mailbox, threadId: decode(params.thread) };
}

/**
 * Whether two mailboxes are the same one. Every route render builds a new mailbox object; a list
 * given an equal one must keep its rows, selection and pages rather than read them again.
 */
export function sameMailbox(a: Mailbox | undefined, b: Mailbox | undefined): boolean {
  if (!a || !b || a.kind !== b.kind) return a === b;
  return a.kind === 'search' ? a.query === (b as typeof a).query : a.id === (b as typeof a).id;
}

/** The path of a mailbox (and optionally one of its threads) in an account. */
export function mailPath(account: number, mailbox: Mailbox, threadId?: string): string {
  const box =
    mailbox.kind === 'system' ? mailbox.id : mailbox.kind === 'label' ? `label/${encodeURIComponent(mailbox.id)}` : `search/${encodeURIComponent(mailbox.query)}`;
  return `/u/${account}/${box}${threadId ? `/t/${encodeURIComponent(threadId)}` : ''}`;
}

/**
 * Where a path no route matches goes: `/u/<n>/…` to that account's inbox when it is signed in, else
 * the first account's inbox, else the sign-in page.
 */
export function homeOf(path: string, accounts: number): string {
  const n = /^\/u\/(\d+)(\/|$)/.exec(path)?.[1];
  if (n !== undefined && Number(n) < accounts) return mailPath(Number(n), { kind: 'system', id: 'inbox' });
  return accounts ? mailPath(0, { kind: 'system', id: 'inbox' }) : '/signin';
}

/** The heading of a mailbox. */
export function mailboxTitle(mailbox: Mailbox, labelName?: string): string {
  if (mailbox.kind === 'search') return `Search: ${mailbox.query}`;
  if (mailbox.kind === 'label') return labelName ?? mailbox.id;
  return { inbox: 'Inbox', starred: 'Starred', sent: 'Sent', drafts: 'Drafts', all: 'All mail', trash: 'Trash' }[mailbox.id];
}
