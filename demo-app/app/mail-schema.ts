// The mail store's shape and sync configuration, shared by the page and the service worker
// (which syncs signed-in accounts with no tab open). It imports only types, from the DOM-free
// `outpost/core`, so neither bundle pulls in the other's code.
import type { CollectionSchema, Mutator } from 'outpost/core';
import { addressOf, localUser, snippetOf, type Address, type MailMessage, type SendArgs } from '../model.js';
import { wordsOf } from '../mail/search-query.js';

/**
 * Schema version of the mail store (2 added `session`, the token the worker syncs with; 3 lists
 * labels newest first through `byLabelDate`, replacing `byLabel`; 4 indexes the words search
 * looks in, filled for stored messages by the upgrade; 5 adds `bySender` and `byRecipient` for
 * `from:` and `to:`, filled by the upgrade too; 6 keeps each word's dates in the word index,
 * `wordsOrder`).
 */
export const MAIL_STORE_VERSION = 6;

/**
 * One `[word, date]` key per distinct word of the addresses' names and emails: `from:`/`to:` read
 * one word's messages newest first, like a label.
 */
export function addressWordKeys(addresses: readonly Address[], date: number): Array<[string, number]> {
  const words = new Set(addresses.flatMap((a) => wordsOf(`${a.name} ${a.email}`)));
  return [...words].map((w) => [w, date]);
}

/** The app's own collections; each store adds `syncCollections`. `session` is local-only. */
export const mailCollections: Record<string, CollectionSchema> = {
  messages: {
    keyPath: 'id',
    indexes: {
      byDate: 'date',
      byThread: ['threadId', 'date'],
      // One [label, date] entry per label: a mailbox's newest messages are the end of its range.
      byLabelDate: { compute: (m) => (m.labels as string[]).map((label) => [label, m.date as number]), multiEntry: true },
      bySender: { compute: (m) => addressWordKeys(m.from ? [m.from as Address] : [], m.date as number), multiEntry: true },
      byRecipient: { compute: (m) => addressWordKeys([...((m.to as Address[] | undefined) ?? []), ...((m.cc as Address[] | undefined) ?? [])], m.date as number), multiEntry: true },
    },
    // What a search's free words look in (mail/match.ts): search reads its candidates from here.
    words: ['subject', 'text', 'from.name', 'from.email', 'to.name', 'to.email'],
    // A search lists newest first: one word's newest page is its first index keys.
    wordsOrder: 'byDate',
  },
  labels: { keyPath: 'id' },
  drafts: { keyPath: 'id', indexes: { byUpdated: 'updatedAt' } },
  // No longer written (the worker reads the tokens from outpost/session); kept so opening an
  // existing store needs no upgrade.
  session: { keyPath: 'id' },
};

/** The collections the server syncs. */
export const syncedMailCollections = { messages: {}, labels: {}, drafts: {} };

/** The app's name for outpost/accounts and outpost/session: the worker reads its accounts with `readSessions(MAIL_APP)`. */
export const MAIL_APP = 'outpost-mail';

/** `send` arguments plus the client's clock, so the optimistic copy has a stable date. */
export type SendMutationArgs = SendArgs & { sentAt: number };

/** The optimistic SENT copy: what the server will write, minus its clock. */
export function sendMutator(user: string): Mutator<SendMutationArgs> {
  return async (tx, args) => {
    const address = (email: string) => {
      const local = localUser(email);
      return local ? addressOf(local) : { name: email, email };
    };
    const toSelf = [...args.to, ...(args.cc ?? [])].some((e) => localUser(e) === user);
    const message: MailMessage = {
      id: args.id,
      threadId: args.threadId,
      from: addressOf(user),
      to: args.to.map(address),
      cc: (args.cc ?? []).map(address),
      subject: args.subject,
      snippet: snippetOf(args.text),
      text: args.text,
      date: args.sentAt,
      labels: toSelf ? ['SENT', 'INBOX'] : ['SENT'],
      attachments: [],
    };
    await tx.put('messages', { ...message });
    if (args.draftId) await tx.delete('drafts', args.draftId);
  };
}
