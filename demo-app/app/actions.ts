// Label changes on whole conversations, as set operations (concurrent edits from two devices both
// survive). Each action returns how to undo exactly what it changed.
import type { MailSession } from './mail-store.js';
import type { MailMessage } from '../model.js';
import { threadMessages } from './queries.js';

/** What an action did, and how to take it back. */
export interface ActionResult {
  /** For the toast, e.g. "Conversation archived." */
  message: string;
  /** Reverses exactly the label changes made; absent when nothing changed. */
  undo?: () => Promise<void>;
}

/**
 * Adds and removes labels on every message of the threads, as one batch (one local transaction,
 * however many conversations). Only real changes become mutations, so undo reverts those and
 * nothing else.
 */
export async function relabel(session: MailSession, threadIds: Iterable<string>, add: string[], remove: string[], messages?: MailMessage[]): Promise<(() => Promise<void>) | undefined> {
  const changes: Array<{ id: string; added: string[]; removed: string[] }> = [];
  // The caller's read of these threads' messages when it has one (star toggling reads them to decide).
  for (const m of messages ?? (await threadMessages(session, threadIds))) {
    const added = add.filter((l) => !m.labels.includes(l));
    const removed = remove.filter((l) => m.labels.includes(l));
    if (added.length || removed.length) changes.push({ id: m.id, added, removed });
  }
  if (!changes.length) return undefined;
  const apply = (forward: boolean) =>
    session.sync.batch((b) => {
      for (const c of changes) {
        const [plus, minus] = forward ? [c.added, c.removed] : [c.removed, c.added];
        if (plus.length) b.addToSet('messages', c.id, 'labels', plus);
        if (minus.length) b.removeFromSet('messages', c.id, 'labels', minus);
      }
    });
  await apply(true);
  return async () => void (await apply(false));
}

const plural = (n: number, one: string) => (n === 1 ? `Conversation ${one}.` : `${n} conversations ${one}.`);

/** Labels an action adds to and removes from every message of the conversations. */
export interface LabelChange {
  readonly add: readonly string[];
  readonly remove: readonly string[];
}

/** A message's labels after `change`. */
export function relabeled(labels: readonly string[], change: LabelChange): string[] {
  return [...labels.filter((l) => !change.remove.includes(l)), ...change.add.filter((l) => !labels.includes(l))];
}

/**
 * An action on conversations. `change`, when it is a label change known in advance, lets the list
 * show it at once, before the write commits: rows it moves out of the mailbox leave, the others
 * show their new labels.
 */
export type MailAction = ((s: MailSession, ids: string[], messages?: MailMessage[]) => Promise<ActionResult>) & { readonly change?: LabelChange };

const action = (add: string[], remove: string[], done: string): MailAction =>
  Object.assign(async (s: MailSession, ids: string[], messages?: MailMessage[]) => ({ message: plural(ids.length, done), undo: await relabel(s, ids, add, remove, messages) }), { change: { add, remove } });

/**
 * The list and thread actions, by name (the toolbar and the keyboard share them). `messages`: every
 * message of the conversations when the caller holds them (the list does), else they are read.
 */
export const ACTIONS = {
  archive: action([], ['INBOX'], 'archived'),
  trash: action(['TRASH'], ['INBOX'], 'moved to Trash'),
  moveToInbox: action(['INBOX'], ['TRASH'], 'moved to Inbox'),
  star: action(['STARRED'], [], 'starred'),
  unstar: action([], ['STARRED'], 'unstarred'),
  markRead: action([], ['UNREAD'], 'marked as read'),
  markUnread: action(['UNREAD'], [], 'marked as unread'),
};

/** Adds (or with `remove`, takes off) a user label on the threads, its change known in advance. */
export function labelAction(label: { id: string; name: string }, remove = false): MailAction {
  const [add, drop] = remove ? [[], [label.id]] : [[label.id], []];
  return Object.assign(async (s: MailSession, ids: string[], messages?: MailMessage[]) => ({ message: `Label "${label.name}" ${remove ? 'removed' : 'added'}.`, undo: await relabel(s, ids, add, drop, messages) }), { change: { add, remove: drop } });
}

/**
 * Moves the threads to a mailbox, gmail style: into a user label or Trash (out of the Inbox), or
 * back to the Inbox (out of Trash).
 */
export async function moveTo(s: MailSession, ids: string[], target: { id: string; name: string }): Promise<ActionResult> {
  const [add, remove] = target.id === 'INBOX' ? [['INBOX'], ['TRASH']] : [[target.id], ['INBOX']];
  return { message: plural(ids.length, `moved to ${target.name}`), undo: await relabel(s, ids, add, remove) };
}
