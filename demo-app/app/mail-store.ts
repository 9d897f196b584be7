// One account's local mail: its IndexedDB store (`mail:<user>`) and the sync engine that keeps it
// in step with the server, including the optimistic effect of the custom `send` mutation.
import { accountStoreName, createSync, deleteStore, openStore, syncCollections, type Mutator, type Store, type Sync } from 'outpost';
import { addressOf, localUser, snippetOf, type MailMessage, type SendArgs } from '../model.js';

/** Schema version of the mail store. */
const VERSION = 1;

/** A draft being written, a document of the synced `drafts` collection. */
export interface MailDraft {
  [field: string]: unknown;
  id: string;
  threadId: string;
  to: string;
  cc: string;
  subject: string;
  text: string;
  updatedAt: number;
}

/** A message as the store holds it (store records are open objects). */
export type StoredMessage = MailMessage & Record<string, unknown>;

/** `send` arguments plus the client's clock, so the optimistic copy has a stable date. */
export type SendMutationArgs = SendArgs & { sentAt: number };

/** The store name of a user's mail. */
export function mailStoreName(user: string): string {
  return accountStoreName('mail', user);
}

/** The optimistic SENT copy: what the server will write, minus its clock. */
function sendMutator(user: string): Mutator {
  return async (tx, raw) => {
    const args = raw as SendMutationArgs;
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

/** A signed-in account's open store and running sync. */
export interface MailSession {
  readonly user: string;
  readonly store: Store;
  readonly sync: Sync;
  /** Stops syncing and closes the store (the data stays). */
  close(): void;
}

/**
 * Opens a user's mail store and starts syncing it with `server`. Works offline: the store opens
 * and the engine retries the network on its own.
 */
export async function openMailSession(options: { user: string; server: string; token: () => string | undefined }): Promise<MailSession> {
  const store = await openStore({
    name: mailStoreName(options.user),
    version: VERSION,
    collections: {
      messages: { keyPath: 'id', indexes: { byDate: 'date', byLabel: 'labels*', byThread: ['threadId', 'date'] } },
      labels: { keyPath: 'id' },
      drafts: { keyPath: 'id', indexes: { byUpdated: 'updatedAt' } },
      ...syncCollections,
    },
  });
  const sync = await createSync({
    store,
    url: options.server,
    auth: options.token,
    collections: { messages: {}, labels: {}, drafts: {} },
    mutators: { send: sendMutator(options.user) },
  });
  return {
    user: options.user,
    store,
    sync,
    close() {
      sync.close();
      store.close();
    },
  };
}

/** Wipes a user's local mail (sign-out); other accounts' stores are untouched. */
export async function wipeMailStore(user: string): Promise<void> {
  await deleteStore(mailStoreName(user));
}
