// What a cold start paints before the account's store opens (outpost/snapshot): the mailbox's
// first rows and the labels, as the last visit left them. The store's answer replaces them.
import { snapshot, type Snapshot } from 'outpost/snapshot';
import type { MailLabel } from '../model.js';
import type { ThreadSummary } from '../mail/threads.js';
import { mailStoreName } from './mail-store.js';
import { mailPath, type Mailbox } from './routes.js';

/** Conversations kept: a first screen and its overscan (~10 KB of JSON). */
export const SNAPSHOT_ROWS = 30;

/** A mailbox's first rows; none for a search (its results are not a place one starts from). */
export function listSnapshot(user: string, mailbox: Mailbox): Snapshot<ThreadSummary[]> | undefined {
  // The path without the account index: the index changes when another account signs out.
  return mailbox.kind === 'search' ? undefined : snapshot(mailStoreName(user), `list${mailPath(0, mailbox).slice(4)}`);
}

/** The account's labels (the drawer and the rows' chips). */
export function labelsSnapshot(user: string): Snapshot<MailLabel[]> {
  return snapshot(mailStoreName(user), 'labels');
}
