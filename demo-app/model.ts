// The demo mail client's data model, shared by the browser app and its server code.

/** A mailbox participant. */
export interface Address {
  name: string;
  email: string;
}

/** Attachment metadata (the demo stores no attachment bytes). */
export interface Attachment {
  name: string;
  size: number;
  mime: string;
}

/** System labels; user labels are ids of documents in the `labels` collection. */
export const SYSTEM_LABELS = ['INBOX', 'SENT', 'DRAFT', 'TRASH', 'STARRED', 'UNREAD'] as const;
export type SystemLabel = (typeof SYSTEM_LABELS)[number];

/** One message, a document of the `messages` collection keyed by `id`. */
export interface MailMessage {
  id: string;
  threadId: string;
  from: Address;
  to: Address[];
  cc: Address[];
  subject: string;
  snippet: string;
  text: string;
  /** Untrusted HTML body; the client sanitises it before display. */
  html?: string;
  /** Milliseconds since the epoch. */
  date: number;
  /** System labels and user label ids, used as a set. */
  labels: string[];
  attachments: Attachment[];
}

/** A user label, a document of the `labels` collection keyed by `id`. */
export interface MailLabel {
  id: string;
  name: string;
  color: string;
}

/** Arguments of the custom `send` mutation. */
/** Caps on what one `send` may carry (the stub's document limit would refuse bigger copies anyway). */
export const SEND_LIMITS = { idLength: 128, subjectLength: 998, textLength: 100_000, recipients: 50 } as const;

/**
 * The first of SEND_LIMITS' size caps a message passes, as the server refuses it (code and
 * message); undefined when it fits. Compose checks it before sending, the server again.
 */
export function sendLimitProblem(m: Pick<SendArgs, 'to' | 'cc' | 'subject' | 'text'>): { code: string; message: string } | undefined {
  const count = m.to.length + (m.cc?.length ?? 0);
  if (count > SEND_LIMITS.recipients) return { code: 'too-many-recipients', message: `A message may go to at most ${SEND_LIMITS.recipients} recipients (to + cc); this one names ${count}.` };
  if (m.subject.length > SEND_LIMITS.subjectLength) return { code: 'subject-too-long', message: `The subject is ${m.subject.length} characters; the limit is ${SEND_LIMITS.subjectLength}.` };
  if (m.text.length > SEND_LIMITS.textLength) return { code: 'text-too-long', message: `The text is ${m.text.length} characters; the limit is ${SEND_LIMITS.textLength}. Send it as several messages.` };
  return undefined;
}

export interface SendArgs {
  /** Client-chosen message id, so the optimistic copy and the server's are the same document. */
  id: string;
  threadId: string;
  to: string[];
  cc?: string[];
  subject: string;
  text: string;
  /** Draft to delete once sent. */
  draftId?: string;
}

/** The demo's mail domain: `<user>@outpost.test` is a local user. */
export const MAIL_DOMAIN = 'outpost.test';

/** The address of a local user. */
export function addressOf(user: string): Address {
  return { name: user[0].toUpperCase() + user.slice(1), email: `${user}@${MAIL_DOMAIN}` };
}

/** The local user an address belongs to, or undefined for a foreign or malformed address. */
export function localUser(email: string): string | undefined {
  const m = /^([a-z0-9._-]+)@([a-z0-9.-]+)$/i.exec(email.trim());
  return m && m[2].toLowerCase() === MAIL_DOMAIN ? m[1].toLowerCase() : undefined;
}

/** The first line-ish of a body, as shown in lists. */
export function snippetOf(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, 120);
}
