// One account's local mail: its IndexedDB store (`mail:<user>`) and the sync engine that keeps it
// in step with the server, including the optimistic effect of the custom `send` mutation.
import { accountStoreName, createSync, openStore, syncCollections, type Store, type Sync } from 'outpost';
import type { MailMessage } from '../model.js';
import { MAIL_STORE_VERSION, mailCollections, sendMutator, syncedMailCollections } from './mail-schema.js';

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

export type { SendMutationArgs } from './mail-schema.js';

/** The store name of a user's mail. */
export function mailStoreName(user: string): string {
  return accountStoreName('mail', user);
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
  const store = await openStore({ name: mailStoreName(options.user), version: MAIL_STORE_VERSION, collections: { ...mailCollections, ...syncCollections } });
  const sync = await createSync({
    store,
    url: options.server,
    // The service worker reads the same accounts' tokens from outpost/session (outpost/accounts writes them).
    auth: options.token,
    collections: syncedMailCollections,
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
