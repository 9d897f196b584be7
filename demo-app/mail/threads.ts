// Groups messages into the conversations the mailbox lists.
import type { MailMessage } from '../model.js';

/** One row of the thread list. */
export interface ThreadSummary {
  threadId: string;
  /** Subject of the thread's first message. */
  subject: string;
  /** Distinct sender names, oldest first ("me" for the signed-in user). */
  senders: string[];
  /** Snippet of the newest message. */
  snippet: string;
  /** Date of the newest message. */
  date: number;
  unread: boolean;
  starred: boolean;
  hasAttachment: boolean;
  /** Union of every message's labels. */
  labels: string[];
  /** Ids of the thread's messages, oldest first. */
  messageIds: string[];
}

/**
 * Groups `messages` (any order) into threads, newest thread first.
 * @param myEmail the signed-in user's address, shown as "me" among senders
 */
export function groupThreads(messages: readonly MailMessage[], myEmail?: string): ThreadSummary[] {
  const byThread = new Map<string, MailMessage[]>();
  for (const m of messages) {
    const list = byThread.get(m.threadId);
    if (list) list.push(m);
    else byThread.set(m.threadId, [m]);
  }
  const threads: ThreadSummary[] = [];
  for (const [threadId, list] of byThread) {
    list.sort((a, b) => a.date - b.date);
    const newest = list[list.length - 1];
    const senders: string[] = [];
    for (const m of list) {
      const name = m.from.email === myEmail ? 'me' : m.from.name;
      if (!senders.includes(name)) senders.push(name);
    }
    threads.push({
      threadId,
      subject: list[0].subject,
      senders,
      snippet: newest.snippet,
      date: newest.date,
      unread: list.some((m) => m.labels.includes('UNREAD')),
      starred: list.some((m) => m.labels.includes('STARRED')),
      hasAttachment: list.some((m) => m.attachments.length > 0),
      labels: [...new Set(list.flatMap((m) => m.labels))],
      messageIds: list.map((m) => m.id),
    });
  }
  return threads.sort((a, b) => b.date - a.date);
}
