// What a cold start paints before the account's store opens (outpost/snapshot): the mailbox's
// first rows and the labels, as the last visit left them. The store's answer replaces them.
import { snapshot, type Snapshot } from 'outpost/snapshot';
import type { MailLabel } from '../model.js';
import type { ThreadSummary } from '../mail/threads.js';
import { mailStoreName } from './mail-store.js';
import { mailPath, type Mailbox } from './routes.js';

/** Conversations kept: a first screen and its overscan (~10 KB of JSON). */
export const SNAPSHOT_ROWS = 30;

/**
 * Saves `value` for the next start. A snapshot is only a head start: one over its limit (a label
 * list of thousands) is dropped with a warning rather than failing the view that saves it.
 */
export function save<T>(snapshot: Snapshot<T> | undefined, value: T): void {
  try {
    snapshot?.write(value);
  } catch (error) {
    console.warn((error as Error).message);
  }
}

/** What a row needs to paint: the newest message ids only (the rest serve actions, which wait for the store). */
export function rowsToSave(threads: readonly ThreadSummary[]): ThreadSummary[] {
  return threads.slice(0, SNAPSHOT_ROWS).map((t) => (t.messageIds.length > 5 ? { ...t, messageIds: t.messageIds.slice(-5) } : t));
}

/** A mailbox's first rows; none for a search (its results are not a place one starts from). */
export function listSnapshot(user: string, mailbox: Mailbox): Snapshot<ThreadSummary[]> | undefined {
  // The path without the account index: the index changes when another account signs out.
  return mailbox.kind === 'search' ? undefined : snapshot(mailStoreName(user), `list${mailPath(0, mailbox).slice(4)}`);
}

/** The account's labels (the drawer and the rows' chips). */
export function labelsSnapshot(user: string): Snapshot<MailLabel[]> {
  return snapshot(mailStoreName(user), 'labels');
}
