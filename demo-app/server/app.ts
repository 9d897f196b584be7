// The demo's server code, loaded by the stub: `outpost-stub --app <built app.js> --seed demo`.
// Types only (and Node's crypto): no package at run time, so the stub loads it from source (tsx) or built.
import { createHash } from 'node:crypto';
import type { MutationContext, StubApp } from 'outpost-server';
import { addressOf, localUser, SEND_LIMITS, sendLimitProblem, snippetOf, type MailMessage, type SendArgs } from '../model.js';
import { DEMO_LABELS, generateMailbox } from './mailbox.js';

/** Messages per user when the seed is not given a size. */
export const DEFAULT_MAILBOX_SIZE = 2000;

const BOUNCER = { name: 'Mail Delivery Subsystem', email: 'mailer-daemon@outpost.test' };

export { SEND_LIMITS };

// A server-owned collection: its name is outside what clients may push ([A-Za-z0-9_.-]), and the
// client ignores collections it does not sync. `$threads/<thread>` maps each peer user to the id of
// the same conversation in that peer's mailbox, written only by deliveries.
const LINKS = '$threads';

function parseSend(ctx: MutationContext, args: unknown): SendArgs {
  const a = args as Partial<SendArgs> | undefined;
  const shortId = (x: unknown) => typeof x === 'string' && x.length > 0 && x.length <= SEND_LIMITS.idLength;
  const emails = (x: unknown) => Array.isArray(x) && x.every((t) => typeof t === 'string' && t.length <= 320);
  const ok =
    a && typeof a === 'object' &&
    shortId(a.id) && shortId(a.threadId) &&
    emails(a.to) && a.to!.length > 0 && (a.cc === undefined || emails(a.cc)) &&
    typeof a.subject === 'string' && typeof a.text === 'string' &&
    (a.draftId === undefined || shortId(a.draftId));
  if (!ok) ctx.reject('invalid-args', `send needs { id, threadId (1-${SEND_LIMITS.idLength} characters), to: string[] (at least one), cc?: string[], subject, text, draftId? }.`);
  const m = a as SendArgs;
  const problem = sendLimitProblem(m);
  if (problem) ctx.reject(problem.code, problem.message);
  return m;
}

/** An id derived from its parts: the sender never picks a document id in anyone else's mailbox. */
function derived(prefix: string, ...parts: string[]): string {
  return `${prefix}-${createHash('sha256').update(parts.join('\0')).digest('base64url').slice(0, 22)}`;
}

/**
 * The recipient's thread for the sender's thread: the one both earlier deliveries linked (so
 * replies stay in one conversation on both sides), else a fresh derived id. A link counts only if
 * the recipient's side names the sender's thread too: what the sender wrote into their own
 * mailbox cannot steer mail into one of the recipient's threads.
 */
async function recipientThread(ctx: MutationContext, recipient: string, threadId: string): Promise<string> {
  const mine = await ctx.docs.get(LINKS, threadId);
  const candidate = mine && 'value' in mine && Object.hasOwn(mine.value, recipient) ? mine.value[recipient] : undefined;
  if (typeof candidate === 'string') {
    const theirs = await ctx.forUser(recipient).get(LINKS, candidate);
    if (theirs && 'value' in theirs && Object.hasOwn(theirs.value, ctx.user) && theirs.value[ctx.user] === threadId) return candidate;
  }
  const fresh = derived('thread', ctx.user, recipient, threadId);
  await ctx.docs.patch(LINKS, threadId, { [recipient]: fresh });
  await ctx.forUser(recipient).patch(LINKS, fresh, { [ctx.user]: threadId });
  return fresh;
}

/**
 * `send`: the sender's SENT copy and a copy in each local recipient's INBOX, in the push's
 * transaction. Recipients' copies get ids (and, for a new conversation, thread ids) derived on the
 * server and are written create-only: a sender can neither overwrite a message in someone else's
 * mailbox nor slip one into their existing threads. A recipient that is not a local user bounces:
 * a notice lands in the sender's inbox.
 */
async function send(ctx: MutationContext, args: unknown): Promise<void> {
  const mail = parseSend(ctx, args);
  const recipients = [...mail.to, ...(mail.cc ?? [])];
  const toAddress = (email: string) => {
    const user = localUser(email);
    return user ? addressOf(user) : { name: email, email };
  };
  const delivered = new Set<string>();
  const bounced: string[] = [];
  for (const email of recipients) {
    const user = localUser(email);
    if (!user || !ctx.users.includes(user)) bounced.push(email);
    else delivered.add(user);
  }
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
    // The sender writing to themself keeps one document with both labels.
    labels: delivered.has(ctx.user) ? ['SENT', 'INBOX', 'UNREAD'] : ['SENT'],
    attachments: [],
  };
  // The sender's own mailbox, under the ids the client chose (the optimistic copy is the same document).
  if (!(await ctx.docs.create('messages', mail.id, { ...message }))) ctx.reject('duplicate-id', `A message with id '${mail.id}' already exists; send it with a new id.`);
  if (mail.draftId) await ctx.docs.delete('drafts', mail.draftId);
  for (const user of delivered) {
    if (user === ctx.user) continue;
    const id = derived('in', ctx.user, mail.id);
    const threadId = await recipientThread(ctx, user, mail.threadId);
    await ctx.forUser(user).create('messages', id, { ...message, id, threadId, labels: ['INBOX', 'UNREAD'] });
  }
  if (bounced.length) {
    const text = `Your message "${mail.subject}" could not be delivered to: ${bounced.join(', ')}. No such user at this server.`;
    const id = `${mail.id}-bounce`;
    await ctx.docs.create('messages', id, {
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
