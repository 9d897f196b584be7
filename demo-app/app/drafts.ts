// New drafts: blank, or answering a message (reply, reply all, forward), gmail style.
import type { MailMessage } from '../model.js';
import type { MailDraft, SendMutationArgs } from './mail-store.js';

const id = (prefix: string) => `${prefix}-${crypto.randomUUID()}`;

const withPrefix = (prefix: string, subject: string) => (subject.toLowerCase().startsWith(prefix.toLowerCase()) ? subject : `${prefix} ${subject}`);

function quote(m: MailMessage): string {
  return `\n\nOn ${new Date(m.date).toUTCString()}, ${m.from.name} <${m.from.email}> wrote:\n${m.text.replace(/^/gm, '> ')}`;
}

/**
 * A draft for `kind`: a blank one, or a reply / reply all / forward of `message`.
 * @param me the signed-in user's address (left out of reply-all recipients)
 */
export function draftFor(kind: 'new' | 'reply' | 'reply-all' | 'forward', me: string, message?: MailMessage): MailDraft {
  const base: MailDraft = { id: id('draft'), threadId: id('thread'), to: '', cc: '', subject: '', text: '', updatedAt: Date.now() };
  if (!message || kind === 'new') return base;
  if (kind === 'forward') {
    const header = `\n\n---------- Forwarded message ---------\nFrom: ${message.from.name} <${message.from.email}>\nDate: ${new Date(message.date).toUTCString()}\nSubject: ${message.subject}\n\n`;
    return { ...base, subject: withPrefix('Fwd:', message.subject), text: header + message.text };
  }
  const fromMe = message.from.email === me;
  const to = fromMe ? message.to.map((a) => a.email) : [message.from.email];
  const cc = kind === 'reply-all' ? [...message.to, ...message.cc].map((a) => a.email).filter((e) => e !== me && !to.includes(e)) : [];
  return { ...base, threadId: message.threadId, to: to.join(', '), cc: cc.join(', '), subject: withPrefix('Re:', message.subject), text: quote(message) };
}

/** Splits a recipients field ("a@x.test, b@y.test") into addresses. */
export function parseRecipients(field: string): string[] {
  return field.split(/[,;\s]+/).map((s) => s.trim()).filter(Boolean);
}

/** The `send` mutation's arguments for a finished draft. */
export function sendArgsOf(draft: MailDraft, to: string[], cc: string[]): SendMutationArgs {
  return { id: id('msg'), threadId: draft.threadId, to, cc, subject: draft.subject, text: draft.text, draftId: draft.id, sentAt: Date.now() };
}
