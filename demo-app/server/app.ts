// The demo's server code, loaded by the stub: `outpost-stub --app <built app.js> --seed demo`.
// Types only: the module has no run-time dependency, so the stub loads it from source (tsx) or built.
import type { MutationContext, StubApp } from 'outpost-server';
import { addressOf, localUser, snippetOf, type MailMessage, type SendArgs } from '../model.js';
import { DEMO_LABELS, generateMailbox } from './mailbox.js';

/** Messages per user when the seed is not given a size. */
export const DEFAULT_MAILBOX_SIZE = 2000;

const BOUNCER = { name: 'Mail Delivery Subsystem', email: 'mailer-daemon@outpost.test' };

function parseSend(ctx: MutationContext, args: unknown): SendArgs {
  const a = args as Partial<SendArgs> | undefined;
  const ok =
    a && typeof a === 'object' &&
    typeof a.id === 'string' && a.id.length > 0 &&
    typeof a.threadId === 'string' && a.threadId.length > 0 &&
    Array.isArray(a.to) && a.to.length > 0 && a.to.every((t) => typeof t === 'string') &&
    (a.cc === undefined || (Array.isArray(a.cc) && a.cc.every((t) => typeof t === 'string'))) &&
    typeof a.subject === 'string' && typeof a.text === 'string' &&
    (a.draftId === undefined || typeof a.draftId === 'string');
  if (!ok) ctx.reject('invalid-args', 'send needs { id, threadId, to: string[] (at least one), cc?: string[], subject, text, draftId? }.');
  return a as SendArgs;
}

/**
 * `send`: the sender's SENT copy and a copy in each local recipient's INBOX, in the push's
 * transaction. A recipient that is not a local user bounces: a notice lands in the sender's inbox.
 */
async function send(ctx: MutationContext, args: unknown): Promise<void> {
  const mail = parseSend(ctx, args);
  const recipients = [...mail.to, ...(mail.cc ?? [])];
  const toAddress = (email: string) => {
    const user = localUser(email);
    return user ? addressOf(user) : { name: email, email };
  };
  const message: MailMessage = {
    id: mail.id,
    threadId: mail.threadId,
    from: addressOf(ctx.user),
    to: mail.to.map(toAddress),
    cc: (mail.cc ?? []).map(toAddress),
    subject: mail.subject,
    snippet: snippetOf(mail.text),
    text: mail.text,
    date: ctx.now,
    labels: ['SENT'],
    attachments: [],
  };
  await ctx.docs.put('messages', mail.id, { ...message });
  if (mail.draftId) await ctx.docs.delete('drafts', mail.draftId);
  const delivered = new Set<string>();
  const bounced: string[] = [];
  for (const email of recipients) {
    const user = localUser(email);
    if (!user || !ctx.users.includes(user)) {
      bounced.push(email);
      continue;
    }
    if (delivered.has(user)) continue;
    delivered.add(user);
    // The sender writing to themself keeps one document with both labels.
    const labels = user === ctx.user ? ['SENT', 'INBOX', 'UNREAD'] : ['INBOX', 'UNREAD'];
    await ctx.forUser(user).put('messages', mail.id, { ...message, labels });
  }
  if (bounced.length) {
    const text = `Your message "${mail.subject}" could not be delivered to: ${bounced.join(', ')}. No such user at this server.`;
    const id = `${mail.id}-bounce`;
    await ctx.docs.put('messages', id, {
      id,
      threadId: mail.threadId,
      from: BOUNCER,
      to: [addressOf(ctx.user)],
      cc: [],
      subject: `Delivery Status Notification (Failure): ${mail.subject}`,
      snippet: snippetOf(text),
      text,
      date: ctx.now,
      labels: ['INBOX', 'UNREAD'],
      attachments: [],
    } satisfies MailMessage);
  }
}

export default {
  users: [
    { user: 'alice', password: 'alice' },
    { user: 'bob', password: 'bob' },
  ],
  mutations: { send },
  seeds: {
    async demo(ctx) {
      const size = ctx.size ?? DEFAULT_MAILBOX_SIZE;
      for (const user of ctx.users) {
        const docs = ctx.forUser(user);
        for (const label of DEMO_LABELS) await docs.put('labels', label.id, { ...label });
        for (const m of generateMailbox(user, size, ctx.now)) await docs.put('messages', m.id, { ...m });
      }
    },
  },
} satisfies StubApp;
