// Label changes on whole conversations, as set operations (concurrent edits from two devices both
// survive). Each action returns how to undo exactly what it changed.
import type { MailMessage } from '../model.js';
import type { MailSession, StoredMessage } from './mail-store.js';

/** What an action did, and how to take it back. */
export interface ActionResult {
  /** For the toast, e.g. "Conversation archived." */
  message: string;
  /** Reverses exactly the label changes made; absent when nothing changed. */
  undo?: () => Promise<void>;
}

/** The messages of the given threads, read from the local store. */
export async function threadMessages(session: MailSession, threadIds: Iterable<string>): Promise<MailMessage[]> {
  const messages = session.store.collection<StoredMessage>('messages');
  const out: MailMessage[] = [];
  for (const t of threadIds) out.push(...(await messages.query({ index: 'byThread', between: [[t, -Infinity], [t, Infinity]] })));
  return out;
}

/**
 * Adds and removes labels on every message of the threads. Only real changes become mutations,
 * so undo reverts those and nothing else.
 */
export async function relabel(session: MailSession, threadIds: Iterable<string>, add: string[], remove: string[]): Promise<(() => Promise<void>) | undefined> {
  const changes: Array<{ id: string; added: string[]; removed: string[] }> = [];
  for (const m of await threadMessages(session, threadIds)) {
    const added = add.filter((l) => !m.labels.includes(l));
    const removed = remove.filter((l) => m.labels.includes(l));
    if (added.length) await session.sync.addToSet('messages', m.id, 'labels', added);
    if (removed.length) await session.sync.removeFromSet('messages', m.id, 'labels', removed);
    if (added.length || removed.length) changes.push({ id: m.id, added, removed });
  }
  if (!changes.length) return undefined;
  return async () => {
    for (const c of changes) {
      if (c.added.length) await session.sync.removeFromSet('messages', c.id, 'labels', c.added);
      if (c.removed.length) await session.sync.addToSet('messages', c.id, 'labels', c.removed);
    }
  };
}

const plural = (n: number, one: string) => (n === 1 ? `Conversation ${one}.` : `${n} conversations ${one}.`);

/** The list and thread actions, by name (the toolbar and the keyboard share them). */
export const ACTIONS = {
  async archive(s: MailSession, ids: string[]): Promise<ActionResult> {
    return { message: plural(ids.length, 'archived'), undo: await relabel(s, ids, [], ['INBOX']) };
  },
  async trash(s: MailSession, ids: string[]): Promise<ActionResult> {
    return { message: plural(ids.length, 'moved to Trash'), undo: await relabel(s, ids, ['TRASH'], ['INBOX']) };
  },
  async moveToInbox(s: MailSession, ids: string[]): Promise<ActionResult> {
    return { message: plural(ids.length, 'moved to Inbox'), undo: await relabel(s, ids, ['INBOX'], ['TRASH']) };
  },
  async star(s: MailSession, ids: string[]): Promise<ActionResult> {
    return { message: plural(ids.length, 'starred'), undo: await relabel(s, ids, ['STARRED'], []) };
  },
  async unstar(s: MailSession, ids: string[]): Promise<ActionResult> {
    return { message: plural(ids.length, 'unstarred'), undo: await relabel(s, ids, [], ['STARRED']) };
  },
  async markRead(s: MailSession, ids: string[]): Promise<ActionResult> {
    return { message: plural(ids.length, 'marked as read'), undo: await relabel(s, ids, [], ['UNREAD']) };
  },
  async markUnread(s: MailSession, ids: string[]): Promise<ActionResult> {
    return { message: plural(ids.length, 'marked as unread'), undo: await relabel(s, ids, ['UNREAD'], []) };
  },
};

/** Adds a user label to the threads. */
export async function addLabel(s: MailSession, ids: string[], labelId: string, labelName: string): Promise<ActionResult> {
  return { message: `Label "${labelName}" added.`, undo: await relabel(s, ids, [labelId], []) };
}

/** Removes a user label from the threads. */
export async function removeLabel(s: MailSession, ids: string[], labelId: string, labelName: string): Promise<ActionResult> {
  return { message: `Label "${labelName}" removed.`, undo: await relabel(s, ids, [], [labelId]) };
}

/**
 * Moves the threads to a mailbox, gmail style: into a user label or Trash (out of the Inbox), or
 * back to the Inbox (out of Trash).
 */
export async function moveTo(s: MailSession, ids: string[], target: { id: string; name: string }): Promise<ActionResult> {
  const [add, remove] = target.id === 'INBOX' ? [['INBOX'], ['TRASH']] : [[target.id], ['INBOX']];
  return { message: plural(ids.length, `moved to ${target.name}`), undo: await relabel(s, ids, add, remove) };
}
